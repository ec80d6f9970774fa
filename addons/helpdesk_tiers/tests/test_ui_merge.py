# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMergeTour(HttpCase):
    def test_l1_agent_merges_two_duplicates_in_the_browser(self):
        agent = new_test_user(
            self.env,
            login="tiers-tour-merge",
            password="tiers-tour-merge",
            groups="helpdesk_tiers.group_l1_agent",
        )
        self.env.ref("helpdesk_tiers.team_l1_hotline").user_ids = [
            Command.link(agent.id)
        ]
        customer = self.env["res.partner"].create(
            {"name": "Tour Grocery", "email": "till@grocery.example", "lang": "en_US"}
        )
        first, second = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": name,
                    "description": "<p>The cash drawer does not open.</p>",
                    "partner_id": customer.id,
                }
                for name in ("Cash drawer jams at till 1", "Cash drawer jams again")
            ]
        )
        second.message_post(
            body="Photo of the drawer attached.",
            author_id=customer.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.start_tour(
            "/odoo/helpdesk-tickets", "helpdesk_tiers_merge_tour", login=agent.login
        )
        self.assertEqual(second.merged_into_id, first)
        self.assertTrue(second.closed)
        self.assertIn(
            "Photo of the drawer attached.", "".join(first.message_ids.mapped("body"))
        )
