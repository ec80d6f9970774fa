# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestEscalationTour(HttpCase):
    def test_l1_agent_escalates_to_l2_in_the_browser(self):
        agent = new_test_user(
            self.env,
            login="tiers-tour-l1",
            password="tiers-tour-l1",
            groups="helpdesk_tiers.group_l1_agent",
        )
        self.env.ref("helpdesk_tiers.team_l1_hotline").user_ids = [
            Command.link(agent.id)
        ]
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Counter printer blinks red",
                "description": "<p>Red light blinking on the counter printer.</p>",
                "user_id": agent.id,
            }
        )
        self.start_tour(
            f"/odoo/helpdesk-tickets/{ticket.id}",
            "helpdesk_tiers_escalation_tour",
            login="tiers-tour-l1",
        )
        self.assertEqual(ticket.tier_id.code, "L2")
        self.assertEqual(ticket.escalation_ids.user_id, agent)
        self.assertIn("needs a remote check", ticket.escalation_ids.note)


@tagged("post_install", "-at_install")
class TestSlaDashboardTour(HttpCase):
    def test_manager_opens_the_overview(self):
        new_test_user(
            self.env,
            login="tiers-tour-manager",
            password="tiers-tour-manager",
            groups="helpdesk_tiers.group_helpdesk_tiers_manager",
        )
        self.start_tour(
            "/odoo/helpdesk-overview",
            "helpdesk_tiers_sla_dashboard_tour",
            login="tiers-tour-manager",
        )
