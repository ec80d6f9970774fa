# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestIntakeTour(HttpCase):
    def test_l1_agent_logs_a_call_with_two_problems(self):
        agent = new_test_user(
            self.env,
            login="tiers-tour-intake",
            password="tiers-tour-intake",
            groups="helpdesk_tiers.group_l1_agent",
        )
        self.env.ref("helpdesk_tiers.team_l1_hotline").user_ids = [
            Command.link(agent.id)
        ]
        plan = self.env["helpdesk.service.plan"].create(
            {"name": "Tour Gold", "description": "<p>Hotline around the clock</p>"}
        )
        company = self.env["res.partner"].create(
            {
                "name": "Tour Bakery",
                "is_company": True,
                "helpdesk_service_plan_id": plan.id,
            }
        )
        caller = self.env["res.partner"].create(
            {
                "name": "Tina Tour",
                "parent_id": company.id,
                "phone": "+33 6 55 44 33 22",
                "lang": "en_US",
            }
        )
        self.env["helpdesk.ticket"].create(
            {"name": "Earlier open issue", "description": "x", "partner_id": caller.id}
        )
        self.start_tour(
            "/odoo/helpdesk-new-contact",
            "helpdesk_tiers_intake_tour",
            login=agent.login,
        )
        tickets = self.env["helpdesk.ticket"].search(
            [("partner_id", "=", caller.id), ("intake_ref", "!=", False)], order="id"
        )
        self.assertEqual(
            tickets.mapped("name"), ["Receipt printer blinks", "Cannot log in"]
        )
        self.assertEqual(len(set(tickets.mapped("intake_ref"))), 1)
        self.assertEqual(tickets.user_id, agent)
        self.assertEqual(tickets.service_plan_id, plan)
        self.assertIn("status LED", tickets[0].description)
        self.assertIn("password reset", tickets[1].description)
        self.assertTrue(all(tickets.mapped("priority_explanation")))
