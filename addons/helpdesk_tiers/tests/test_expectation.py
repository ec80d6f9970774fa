# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tools import html2plaintext

from .common import HANDOFF_NOTE, HelpdeskTiersCommon


class TestCustomerExpectation(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "shop@customer.example.com"
        cls.ticket = cls._create_ticket()
        cls.ticket.escalate("L2", HANDOFF_NOTE)

    def _customer_messages(self, ticket):
        comment = self.env.ref("mail.mt_comment")
        return ticket.message_ids.filtered(lambda m: m.subtype_id == comment)

    def _told(self, ticket):
        """The text of the one message the customer received."""
        [message] = self._customer_messages(ticket)
        return " ".join(html2plaintext(message.body).split())

    def _wizard(self, ticket, user):
        return Form(
            self.env["helpdesk.ticket.escalate"]
            .with_user(user)
            .with_context(**ticket.action_escalate()["context"])
        )

    def test_escalating_to_l3_tells_the_customer_what_to_expect(self):
        wizard = self._wizard(self.ticket, self.agent_l2)
        self.assertEqual(wizard.tier_id, self.tier_l3)
        self.assertTrue(wizard.notify_customer_expectation)
        wizard.note = HANDOFF_NOTE
        wizard.expected_delay = 3
        wizard.expected_delay_unit = "weeks"
        wizard.cost_notice = "quote"
        wizard.save().action_confirm()

        self.assertEqual(self.ticket.tier_id, self.tier_l3)
        self.assertEqual(
            self._customer_messages(self.ticket).partner_ids, self.customer
        )
        told = self._told(self.ticket)
        self.assertIn("now handled by our specialists", told)
        self.assertIn("about 3 weeks", told)
        self.assertIn("send you a quote", told)
        self.assertNotIn("blinking red light", told, "the hand-off note stays inside")

    def test_singular_delay(self):
        self.ticket.escalate(
            "L3", HANDOFF_NOTE, expectation={"delay": 1, "delay_unit": "days"}
        )
        body = self._told(self.ticket)
        self.assertIn("about one working day", body)
        self.assertIn("tell you before any billable work", body)

    def test_rpc_without_expectation_still_warns(self):
        self.ticket.escalate("L3", HANDOFF_NOTE)
        body = self._told(self.ticket)
        self.assertIn("can take longer than usual", body)
        self.assertIn("may involve costs", body)

    def test_customer_is_told_in_their_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_tiers"], ["fr_FR"], overwrite=True
        )
        self.customer.lang = "fr_FR"
        self.ticket.escalate(
            "L3",
            HANDOFF_NOTE,
            expectation={"delay": 2, "delay_unit": "months", "cost": "included"},
        )
        body = self._told(self.ticket)
        self.assertIn("traitée par nos experts", body)
        self.assertIn("environ 2 mois", body)
        self.assertIn("couvert par votre contrat", body)

    def test_tiers_that_do_not_warn_say_nothing(self):
        ticket = self._create_ticket()
        ticket.escalate("L2", HANDOFF_NOTE, expectation={"delay": 2})
        self.assertFalse(self._customer_messages(ticket))
        wizard = self._wizard(self._create_ticket(), self.agent_l1)
        self.assertFalse(wizard.notify_customer_expectation)

    def test_returning_down_says_nothing(self):
        self.ticket.escalate("L3", HANDOFF_NOTE)
        before = len(self._customer_messages(self.ticket))
        self.ticket.de_escalate(HANDOFF_NOTE)
        self.assertEqual(len(self._customer_messages(self.ticket)), before)

    def test_no_customer_no_message(self):
        ticket = self._create_ticket(partner_id=False)
        ticket.escalate("L2", HANDOFF_NOTE)
        ticket.escalate("L3", HANDOFF_NOTE)
        self.assertFalse(self._customer_messages(ticket))

    def test_wizard_with_unknown_delay_and_cost(self):
        wizard = self._wizard(self.ticket, self.agent_l2)
        wizard.note = HANDOFF_NOTE
        wizard.save().action_confirm()
        told = self._told(self.ticket)
        self.assertIn("can take longer than usual", told)
        self.assertIn("tell you before any billable work", told)

    def test_wizard_refuses_a_negative_delay(self):
        wizard = self._wizard(self.ticket, self.agent_l2)
        wizard.note = HANDOFF_NOTE
        wizard.expected_delay = -3
        with self.assertRaisesRegex(UserError, "whole number"):
            wizard.save().action_confirm()
        self.assertEqual(self.ticket.tier_id, self.tier_l2)
        self.assertFalse(self._customer_messages(self.ticket))

    def test_malformed_expectation_writes_nothing(self):
        escalations = len(self.ticket.escalation_ids)
        for expectation, message in (
            ({"delay": -2}, "whole number"),
            ({"delay": "soon"}, "whole number"),
            ({"delay": 2, "delay_unit": "years"}, "Unknown delay unit"),
            ({"cost": "free"}, "Unknown cost notice"),
            ({"price": 10}, "keys"),
            ("three weeks", "keys"),
        ):
            with self.subTest(expectation=expectation):
                with self.assertRaisesRegex(UserError, message):
                    self.ticket.escalate("L3", HANDOFF_NOTE, expectation=expectation)
                self.assertEqual(self.ticket.tier_id, self.tier_l2)
                self.assertEqual(len(self.ticket.escalation_ids), escalations)
                self.assertFalse(self._customer_messages(self.ticket))
