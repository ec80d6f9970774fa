# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import Form

from .common import HANDOFF_NOTE, HelpdeskTiersCommon


class TestEscalateWizard(HelpdeskTiersCommon):
    def _wizard_form(self, tickets, direction="up", user=None):
        action = (
            tickets.action_escalate() if direction == "up" else tickets.action_return()
        )
        wizard_model = self.env[action["res_model"]].with_user(user or self.env.user)
        return Form(wizard_model.with_context(**action["context"]))

    def test_escalate_from_the_form(self):
        ticket = self._create_ticket()
        with self._wizard_form(ticket, user=self.agent_l1) as wizard:
            self.assertEqual(wizard.current_tier_id, self.tier_l1)
            self.assertEqual(wizard.tier_id, self.tier_l2)
            self.assertIn("What was tried at L1", wizard.handoff_checklist)
            wizard.note = HANDOFF_NOTE
            wizard.reason = "expertise"
        wizard.record.action_confirm()
        self.assertEqual(ticket.tier_id, self.tier_l2)
        self.assertEqual(ticket.escalation_ids.reason, "expertise")
        self.assertEqual(ticket.escalation_ids.user_id, self.agent_l1)

    def test_choices_are_the_allowed_targets(self):
        ticket = self._create_ticket(tier_id=self.tier_l2.id)
        with self._wizard_form(ticket) as wizard:
            self.assertEqual(wizard.allowed_tier_ids[:], self.tier_l3 | self.tier_l4)
            self.assertEqual(wizard.tier_id, self.tier_l3)
            wizard.tier_id = self.tier_l4
            wizard.note = HANDOFF_NOTE
        wizard.record.action_confirm()
        self.assertEqual(ticket.tier_id, self.tier_l4)

    def test_return_proposes_the_tier_it_came_from(self):
        ticket = self._create_ticket(tier_id=self.tier_l2.id)
        ticket.escalate("L4", HANDOFF_NOTE)
        with self._wizard_form(ticket, direction="down") as wizard:
            self.assertEqual(wizard.tier_id, self.tier_l2)
            self.assertEqual(wizard.allowed_tier_ids[:], self.tier_l2 | self.tier_l3)
            self.assertEqual(wizard.reason, "handback")
            wizard.note = HANDOFF_NOTE
        wizard.record.action_confirm()
        self.assertEqual(ticket.tier_id, self.tier_l2)

    def test_bulk_escalation_offers_common_targets_only(self):
        tickets = self._create_ticket(tier_id=self.tier_l2.id) | self._create_ticket(
            tier_id=self.tier_l3.id
        )
        with self._wizard_form(tickets) as wizard:
            self.assertFalse(wizard.current_tier_id)
            self.assertEqual(wizard.allowed_tier_ids[:], self.tier_l4)
            wizard.note = HANDOFF_NOTE
        wizard.record.action_confirm()
        self.assertEqual(tickets.tier_id, self.tier_l4)

    def test_empty_note_is_refused(self):
        ticket = self._create_ticket()
        wizard = self.env["helpdesk.ticket.escalate"].create(
            {"ticket_ids": ticket.ids, "tier_id": self.tier_l2.id}
        )
        with self.assertRaisesRegex(UserError, "hand-off note is required"):
            wizard.action_confirm()
        self.assertEqual(ticket.tier_id, self.tier_l1)

    def test_missing_target_is_refused(self):
        ticket = self._create_ticket(tier_id=self.tier_l4.id)
        wizard = self.env["helpdesk.ticket.escalate"].create(
            {"ticket_ids": ticket.ids, "note": HANDOFF_NOTE}
        )
        self.assertFalse(wizard.tier_id)
        with self.assertRaisesRegex(UserError, "Choose the tier"):
            wizard.action_confirm()
