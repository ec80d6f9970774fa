# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import HANDOFF_NOTE


@tagged("post_install", "-at_install")
class TestInterventionTour(HttpCase):
    def test_l2_agent_plans_an_onsite_visit_in_the_browser(self):
        agent = new_test_user(
            self.env,
            login="tiers-tour-l2",
            password="tiers-tour-l2",
            groups="helpdesk_tiers.group_l2_agent",
            tz="Europe/Paris",
        )
        self.env.ref("helpdesk_tiers.team_l2_back_office").user_ids = [
            Command.link(agent.id)
        ]
        customer = self.env["res.partner"].create(
            {
                "name": "Boulangerie du Port",
                "is_company": True,
                "email": "port@boulangerie.example.com",
                "street": "3 quai des Marins",
                "city": "Marseille",
            }
        )
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Counter printer blinks red",
                "description": "<p>Red light blinking on the counter printer.</p>",
                "partner_id": customer.id,
            }
        )
        ticket.escalate("L2", HANDOFF_NOTE)
        ticket.user_id = agent
        self.start_tour(
            f"/odoo/helpdesk-tickets/{ticket.id}",
            "helpdesk_tiers_intervention_tour",
            login="tiers-tour-l2",
        )
        intervention = ticket.intervention_ids
        self.assertRecordValues(
            intervention,
            [{"kind": "onsite", "state": "planned", "user_id": agent.id}],
        )
        self.assertIn("spare paper sensor", intervention.notes)
        self.assertEqual(intervention.calendar_event_id.user_id, agent)
        self.assertEqual(intervention.scheduled_date.minute, 30)
        told = ticket.message_ids.filtered(
            lambda m: "We have planned an on-site visit" in m.body
        )
        self.assertEqual(told.partner_ids, customer)
