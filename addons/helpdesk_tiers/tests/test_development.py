# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .common import HANDOFF_NOTE, HelpdeskTiersCommon

REQUEST = "Stream the ledger export row by row: it runs out of memory at 50k lines."


class TestDevelopmentRequest(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_ticket()
        cls.ticket.escalate("L2", HANDOFF_NOTE)
        cls.ticket.escalate("L3", HANDOFF_NOTE)

    def test_l3_requests_development(self):
        action = self.ticket.with_user(self.specialist).action_request_development()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.specialist)
            .with_context(**action["context"])
        )
        wizard.summary = REQUEST
        wizard.save().action_confirm()
        self.assertEqual(self.ticket.development_state, "requested")
        self.assertEqual(self.ticket.development_summary, REQUEST)
        self.assertIn(REQUEST, self.ticket.message_ids[0].body)
        self.ticket.with_user(self.specialist).development_state = "delivered"
        self.assertEqual(self.ticket.development_state, "delivered")

    def test_bad_requests_are_refused(self):
        with self.assertRaisesRegex(UserError, "at least 10 characters"):
            self.ticket.with_user(self.specialist)._request_development("  fix  ")
        self.ticket.with_user(self.specialist)._request_development(REQUEST)
        with self.assertRaisesRegex(UserError, "already has a development request"):
            self.ticket.with_user(self.specialist)._request_development(REQUEST)
        closed = self._create_ticket(stage_id=self.stage_done.id)
        with self.assertRaisesRegex(UserError, "closed"):
            closed.with_user(self.specialist)._request_development(REQUEST)

    def test_only_l3_manages_development(self):
        ticket = self._create_ticket()
        ticket.escalate("L2", HANDOFF_NOTE)
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent_l2)._request_development(REQUEST)
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent_l2).write({"development_state": "requested"})
        self.assertFalse(ticket.development_state)
