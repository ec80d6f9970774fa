# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..models.helpdesk_sync_event import SYNC_CONTEXT_KEY
from .common_sync import HANDOFF_NOTE, VENDOR_NOTE, HelpdeskSyncCommon


class TestSyncOutbox(HelpdeskSyncCommon):
    """Escalations to a vendor, public messages and stage changes write outbox
    events in the same transaction; the sync's own writes write none."""

    def test_escalation_to_a_vendor_queues_one_create(self):
        ticket = self._ticket_at_l3(category_id=self.cat_printers.id)
        self._escalate_to_vendor(ticket)
        self.assertEqual(ticket.vendor_backend_id, self.printers_rt)
        binding = ticket.vendor_binding_ids
        self.assertEqual(binding.backend_id, self.printers_rt)
        self.assertFalse(binding.external_id)
        self.assertTrue(binding.correlation_key.startswith("hdt-"))
        event = self._events(ticket)
        self.assertRecordValues(
            event,
            [
                {
                    "kind": "create",
                    "state": "pending",
                    "binding_id": binding.id,
                    "backend_id": self.printers_rt.id,
                    "attempts": 0,
                    "dead_after": 3,
                }
            ],
        )
        self.assertEqual(event.payload["note"], VENDOR_NOTE)
        self.assertEqual(event.payload["author"], self.specialist.name)

    def test_vendor_follows_the_category_and_its_parents(self):
        thermal = self._ticket_at_l3(category_id=self.cat_thermal.id)
        software = self._ticket_at_l3(category_id=self.cat_software.id)
        plain = self._ticket_at_l3()
        for ticket in thermal | software | plain:
            self._escalate_to_vendor(ticket)
        self.assertEqual(thermal.vendor_backend_id, self.printers_rt)
        self.assertEqual(software.vendor_backend_id, self.catch_all)
        self.assertEqual(plain.vendor_backend_id, self.catch_all)

    def test_chosen_vendor_wins_by_record_id_or_code(self):
        tickets = [
            self._ticket_at_l3(category_id=self.cat_software.id) for _i in range(3)
        ]
        for ticket, vendor in zip(
            tickets,
            [self.printers_rt, self.printers_rt.id, "acme_rt_test"],
            strict=True,
        ):
            self._escalate_to_vendor(ticket, vendor=vendor)
            self.assertEqual(ticket.vendor_backend_id, self.printers_rt)
            self.assertEqual(self._events(ticket).backend_id, self.printers_rt)

    def test_bad_vendor_choices_write_nothing(self):
        ticket = self._ticket_at_l3()
        cases = [
            ("L4", "no_such_vendor", "Unknown vendor system: no_such_vendor"),
            ("L4", self.env.ref("helpdesk_tiers.demo_vendor_backend_acme_rt").id, None),
        ]
        for tier, vendor, message in cases:
            with self.subTest(vendor=vendor), self.assertRaises(UserError) as error:
                ticket.escalate(tier, VENDOR_NOTE, vendor=vendor)
            if message:
                self.assertIn(message, str(error.exception))
        l2_ticket = self._create_ticket(tier_id=self.tier_l2.id)
        with self.assertRaisesRegex(UserError, "not an external tier"):
            l2_ticket.escalate("L3", HANDOFF_NOTE, vendor=self.printers_rt)
        self.assertEqual(ticket.tier_id, self.tier_l3)
        self.assertEqual(l2_ticket.tier_id, self.tier_l2)
        self.assertFalse(self._events(ticket | l2_ticket))
        self.assertFalse((ticket | l2_ticket).vendor_binding_ids)

    def test_refused_escalation_queues_nothing(self):
        ticket = self._ticket_at_l3()
        with self.assertRaises(UserError):
            ticket.escalate("L4", "too short")
        self.assertFalse(self._events(ticket))
        self.assertFalse(ticket.vendor_binding_ids)

    def test_without_vendor_system_the_escalation_goes_unsynced(self):
        (self.printers_rt | self.catch_all).action_archive()
        ticket = self._ticket_at_l3()
        self._escalate_to_vendor(ticket)
        self.assertEqual(ticket.tier_id, self.tier_l4)
        self.assertFalse(ticket.vendor_backend_id)
        self.assertFalse(self._events(ticket))

    def test_batch_escalation_queues_one_event_per_ticket(self):
        tickets = self._ticket_at_l3() | self._ticket_at_l3(
            category_id=self.cat_printers.id
        )
        tickets.with_user(self.specialist).escalate("L4", VENDOR_NOTE)
        events = self._events(tickets)
        self.assertEqual(events.mapped("kind"), ["create", "create"])
        self.assertEqual(events.ticket_id, tickets)
        self.assertEqual(
            len(set(tickets.vendor_binding_ids.mapped("correlation_key"))), 2
        )

    def test_public_messages_follow_internal_notes_do_not(self):
        ticket = self._ticket_at_l3()
        self._escalate_to_vendor(ticket)
        ticket.message_post(
            body=Markup("<p>The customer sent <b>photos</b> of the receipts.</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        ticket.message_post(
            body="Internal: do not tell the vendor",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        ticket.with_context(**{SYNC_CONTEXT_KEY: True}).message_post(
            body="Written by the sync",
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
        )
        comments = self._events(ticket, kind="comment")
        self.assertEqual(len(comments), 1)
        self.assertEqual(
            comments.payload["body"], "The customer sent *photos* of the receipts."
        )

    def test_messages_before_the_vendor_are_not_sent(self):
        ticket = self._ticket_at_l3()
        ticket.message_post(
            body="Before the vendor",
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
        )
        self.assertFalse(self._events(ticket))

    def test_stage_changes_and_closing(self):
        ticket = self._ticket_at_l3()
        self._escalate_to_vendor(ticket)
        in_progress = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        ticket.stage_id = in_progress
        ticket.stage_id = in_progress  # no change, no event
        ticket.with_context(**{SYNC_CONTEXT_KEY: True}).stage_id = self.stage_new
        ticket.stage_id = self.stage_done
        events = self._events(ticket)
        self.assertEqual(events.mapped("kind"), ["create", "status", "close"])
        self.assertEqual(events[1].payload, {"status": "open", "stage": "In Progress"})
        self.assertEqual(events[2].payload["status"], "closed")

    def test_closing_after_the_hand_back_closes_the_vendor_ticket(self):
        ticket = self._ticket_at_l3()
        self._escalate_to_vendor(ticket)
        ticket.de_escalate(HANDOFF_NOTE)
        self.assertEqual(ticket.tier_id, self.tier_l3)
        in_progress = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        ticket.stage_id = in_progress  # at L3: the vendor need not know
        ticket.message_post(
            body="Back with us", subtype_xmlid="mail.mt_comment", message_type="comment"
        )
        ticket.stage_id = self.stage_done
        self.assertEqual(self._events(ticket).mapped("kind"), ["create", "close"])

    def test_second_escalation_reopens_the_vendor_ticket(self):
        ticket = self._ticket_at_l3()
        self._escalate_to_vendor(ticket)
        ticket.de_escalate(HANDOFF_NOTE)
        self._escalate_to_vendor(ticket)
        events = self._events(ticket)
        self.assertEqual(events.mapped("kind"), ["create", "status"])
        self.assertEqual(events.binding_id, ticket.vendor_binding_ids)
        self.assertEqual(events[1].payload["status"], "open")
        self.assertEqual(events[1].payload["note"], VENDOR_NOTE)

    def test_wizard_proposes_the_category_vendor(self):
        printer = self._ticket_at_l3(category_id=self.cat_thermal.id)
        action = printer.action_escalate()
        wizard_model = self.env[action["res_model"]].with_user(self.specialist)
        with Form(wizard_model.with_context(**action["context"])) as wizard:
            self.assertEqual(wizard.tier_id, self.tier_l4)
            self.assertEqual(wizard.vendor_backend_id, self.printers_rt)
            wizard.vendor_backend_id = self.catch_all
            wizard.note = VENDOR_NOTE
        wizard.record.action_confirm()
        self.assertEqual(printer.vendor_backend_id, self.catch_all)

    def test_wizard_leaves_mixed_tickets_to_their_categories(self):
        tickets = self._ticket_at_l3(category_id=self.cat_printers.id)
        tickets |= self._ticket_at_l3(category_id=self.cat_software.id)
        action = tickets.action_escalate()
        wizard_model = self.env[action["res_model"]].with_user(self.specialist)
        with Form(wizard_model.with_context(**action["context"])) as wizard:
            self.assertFalse(wizard.vendor_backend_id)
            wizard.note = VENDOR_NOTE
        wizard.record.action_confirm()
        self.assertEqual(
            tickets.mapped("vendor_backend_id"), self.printers_rt | self.catch_all
        )


@tagged("post_install", "-at_install")
class TestVendorEscalationTour(HttpCase):
    def test_specialist_escalates_to_the_category_vendor(self):
        self.env["helpdesk.vendor.backend"].search([]).action_archive()
        category = self.env["helpdesk.ticket.category"].create(
            {"name": "Tour printers"}
        )
        backend = self.env["helpdesk.vendor.backend"].create(
            {
                "name": "Tour printers RT",
                "code": "tour_rt",
                "kind": "rt",
                "category_ids": [category.id],
            }
        )
        self.env["helpdesk.vendor.backend"].create(
            {"name": "Tour catch-all", "code": "tour_any", "kind": "webhook"}
        )
        specialist = new_test_user(
            self.env,
            login="tiers-tour-l3",
            password="tiers-tour-l3",
            groups="helpdesk_tiers.group_l3_specialist",
        )
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Receipts print garbage",
                "description": "<p>Garbled accents since firmware 3.4.</p>",
                "tier_id": self.env.ref("helpdesk_tiers.tier_l3").id,
                "category_id": category.id,
            }
        )
        self.start_tour(
            f"/odoo/helpdesk-tickets/{ticket.id}",
            "helpdesk_tiers_vendor_tour",
            login="tiers-tour-l3",
        )
        self.assertEqual(ticket.tier_id.code, "L4")
        self.assertEqual(ticket.vendor_backend_id, backend)
        event = self.env["helpdesk.sync.event"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual((event.kind, event.backend_id), ("create", backend))
        self.assertEqual(ticket.escalation_ids.user_id, specialist)
