# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user
from odoo.tools import html2plaintext

from .common_sync import HelpdeskSyncCommon


class TestMerge(HelpdeskSyncCommon):
    """merge_into(): the target keeps everything, the duplicates are closed as
    merged into it, their customers are told once; bad input changes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.merged_stage = cls.env.ref("helpdesk_tiers.helpdesk_ticket_stage_merged")
        cls.merged_subtype = cls.env.ref("helpdesk_tiers.mt_ticket_merged")
        cls.alice = cls.env["res.partner"].create(
            {
                "name": "Alice Martin",
                "parent_id": cls.customer.id,
                "email": "alice@customer.example",
                "lang": "en_US",
            }
        )
        cls.bob = cls.env["res.partner"].create(
            {
                "name": "Bob Leroy",
                "parent_id": cls.customer.id,
                "email": "bob@customer.example",
                "lang": "en_US",
            }
        )
        cls.target = cls._create_ticket(partner_id=cls.alice.id)
        cls.duplicate = cls._create_ticket(
            partner_id=cls.bob.id,
            name="Printer at the counter: red light",
            customer_wording="The thing on the printer blinks red again",
        )
        cls.article = cls.env["helpdesk.kb.article"].create(
            {"name": "Counter printer: red light", "lang": "en"}
        )

    def _messages(self, ticket):
        return self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )

    def _customer_notices(self, ticket):
        return self._messages(ticket).filtered(
            lambda m: m.subtype_id == self.merged_subtype
        )

    def _snapshot(self, *tickets):
        """What a refused merge must leave as it was."""
        tickets = self.env["helpdesk.ticket"].union(
            *(ticket for ticket in tickets if isinstance(ticket, type(self.target)))
        )
        self.env.flush_all()
        return {
            ticket.id: (
                len(self._messages(ticket)),
                ticket.stage_id.id,
                ticket.merged_into_id.id,
                tuple(ticket.message_partner_ids.ids),
                tuple(ticket.kb_article_ids.ids),
            )
            for ticket in tickets
        }

    def assertRefused(self, exception, tickets, target, user=None, **kwargs):
        before = self._snapshot(tickets, target)
        sources = tickets.with_user(user) if user else tickets
        with self.assertRaises(exception) as caught:
            sources.merge_into(target, **kwargs)
        self.env.invalidate_all()
        self.assertEqual(self._snapshot(tickets, target), before)
        return str(caught.exception)

    def test_target_keeps_everything(self):
        duplicate, target = self.duplicate, self.target
        duplicate.message_post(
            body="The red light is back since this morning.",
            author_id=self.bob.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": "photo.jpg",
                "datas": base64.b64encode(b"jpeg"),
                "res_model": "helpdesk.ticket",
                "res_id": duplicate.id,
            }
        )
        watcher = self.env["res.partner"].create({"name": "Store manager"})
        duplicate.message_subscribe(partner_ids=watcher.ids)
        problem = self.env["helpdesk.problem"].create({"name": "Counter printers"})
        duplicate.write(
            {
                "kb_article_ids": [Command.link(self.article.id)],
                "problem_id": problem.id,
            }
        )
        duplicate.activity_schedule(
            "mail.mail_activity_data_todo", summary="Call Bob back"
        )
        escalation = duplicate.with_user(self.agent_l1).escalate(
            "L2", "Counter printer blinks red; restarted, reseated the toner. Next."
        )
        moved = self._messages(duplicate)
        self.assertTrue(moved)

        result = duplicate.with_user(self.agent_l2).merge_into(target.id)

        self.assertEqual(result, target)
        self.assertTrue(moved <= self._messages(target), "messages moved as they are")
        self.assertIn(self.bob, moved.author_id, "authors kept")
        self.assertEqual(attachment.res_id, target.id)
        self.assertIn(watcher, target.message_partner_ids)
        self.assertIn(self.bob, target.message_partner_ids, "the customer follows")
        self.assertEqual(
            target.message_partner_ids.ids,
            list(dict.fromkeys(target.message_partner_ids.ids)),
            "no follower twice",
        )
        self.assertEqual(target.activity_ids.summary, "Call Bob back")
        self.assertEqual(target.kb_article_ids, self.article)
        self.assertFalse(duplicate.kb_article_ids, "a merge resolves no article")
        self.assertEqual(target.problem_id, problem)
        # The escalation history stays where it happened, listed on the target.
        self.assertEqual(escalation.ticket_id, duplicate)
        self.assertEqual(target.merged_ticket_ids, duplicate)
        self.assertEqual(target.merged_ticket_count, 1)
        # The duplicate is closed as merged, not resolved.
        self.assertEqual(duplicate.merged_into_id, target)
        self.assertEqual(duplicate.stage_id, self.merged_stage)
        self.assertTrue(duplicate.closed)
        self.assertFalse(duplicate.resolved_tier_id)
        self.assertFalse(target.closed)
        note = self._messages(duplicate).filtered(
            lambda m: "Merged into" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn(f'data-oe-id="{target.id}"', note.body, "a link to the target")
        summary = self._messages(target).filtered(
            lambda m: "Merged into this ticket" in (m.body or "")
        )
        self.assertIn(duplicate.number, html2plaintext(summary.body))
        self.assertIn("blinks red again", html2plaintext(summary.body))

    def test_customers_are_told_once_in_their_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_tiers"], ["fr_FR"], overwrite=True
        )
        self.bob.lang = "fr_FR"
        second = self._create_ticket(partner_id=self.bob.id, name="Red light again")
        third = self._create_ticket(partner_id=self.alice.id, name="Same printer")

        (self.duplicate | second | third).merge_into(self.target)

        notices = self._customer_notices(self.target)
        self.assertEqual(len(notices), 2, "one message per customer, not per ticket")
        by_partner = {notice.partner_ids: notice for notice in notices}
        to_bob = html2plaintext(by_partner[self.bob].body)
        self.assertIn("Bonjour Bob Leroy", to_bob)
        self.assertIn(self.duplicate.number, to_bob)
        self.assertIn(second.number, to_bob)
        self.assertIn("nous les avons fusionnées", to_bob)
        to_alice = " ".join(html2plaintext(by_partner[self.alice].body).split())
        self.assertIn("Hello Alice Martin", to_alice)
        self.assertIn(f"Your request {third.number}", to_alice)
        self.assertNotIn(self.duplicate.number, to_alice)
        # Public on the target, but only its addressee is notified.
        self.assertFalse(self.merged_subtype.internal)
        self.assertFalse(self.merged_subtype.default)

    def test_vendor_ticket_follows_the_target(self):
        duplicate = self._ticket_at_l3(category_id=self.cat_printers.id)
        self._escalate_to_vendor(duplicate)
        binding = duplicate.vendor_binding_ids
        binding.external_id = "RT-42"
        events = self.env["helpdesk.sync.event"].search_count([])

        duplicate.merge_into(self.target)

        self.assertEqual(binding.ticket_id, self.target)
        self.assertEqual(self.target.vendor_backend_id, self.printers_rt)
        self.assertEqual(
            self.env["helpdesk.sync.event"].search_count([]),
            events,
            "the vendor's ticket goes on: no close event",
        )
        # The vendor's answers now land on the target.
        result = self.api.apply_remote_events(
            self.printers_rt.code,
            [
                {
                    "remote_event_id": "rt-tx-1",
                    "external_id": "RT-42",
                    "kind": "comment",
                    "body": "Firmware 3.5 fixes it.",
                    "author": "Acme support",
                    "date": "2026-03-02 10:00:00",
                }
            ],
            "cursor-1",
        )
        self.assertEqual(result["applied"], 1)
        self.assertIn(
            "Firmware 3.5 fixes it.",
            " ".join(html2plaintext(m.body) for m in self._messages(self.target)),
        )

    def test_target_at_the_same_vendor_closes_the_duplicate_there(self):
        target = self._ticket_at_l3(category_id=self.cat_printers.id)
        duplicate = self._ticket_at_l3(category_id=self.cat_printers.id)
        self._escalate_to_vendor(target | duplicate)
        kept = duplicate.vendor_binding_ids

        duplicate.with_user(self.specialist).merge_into(target)

        self.assertEqual(kept.ticket_id, duplicate, "unique per vendor and ticket")
        self.assertEqual(len(target.vendor_binding_ids), 1)
        self.assertEqual(self._events(duplicate, kind="close").binding_id, kept)
        self.assertFalse(self._events(target, kind="close"))

    def test_major_incident_links_follow(self):
        incident = self._create_ticket(is_major_incident=True, name="Outage")
        self.duplicate.parent_id = incident
        self.duplicate.merge_into(self.target)
        self.assertEqual(self.target.parent_id, incident)

        other = self._create_ticket(is_major_incident=True, name="Outage, again")
        child = self._create_ticket(parent_id=other.id)
        fresh = self._create_ticket()
        other.merge_into(fresh)
        self.assertTrue(fresh.is_major_incident)
        self.assertEqual(child.parent_id, fresh)

    def test_bad_input_changes_nothing(self):
        duplicate, target = self.duplicate, self.target
        message = self.assertRefused(UserError, duplicate, duplicate)
        self.assertIn("cannot be merged into itself", message)
        message = self.assertRefused(UserError, duplicate.browse(), target)
        self.assertIn("Select the tickets to merge", message)
        self.assertRefused(UserError, duplicate, "HT-1")
        self.assertRefused(UserError, duplicate, duplicate | target)
        closed = self._create_ticket(stage_id=self.stage_done.id)
        message = self.assertRefused(UserError, duplicate, closed)
        self.assertIn("is closed", message)
        message = self.assertRefused(UserError, closed, target)
        self.assertIn("is closed", message)

    def test_chains_and_circles_are_refused(self):
        first, second = self._create_ticket(), self._create_ticket()
        first.merge_into(second)
        message = self.assertRefused(UserError, first, self.target)
        self.assertIn(f"already merged into {second.number}", message)
        message = self.assertRefused(UserError, second, first)
        self.assertIn("would make a circle", message)
        message = self.assertRefused(UserError, self.duplicate, first)
        self.assertIn(f"merge into {second.number} instead", message)

    def test_tickets_the_user_cannot_modify(self):
        at_l2 = self._create_ticket(tier_id=self.tier_l2.id)
        message = self.assertRefused(
            UserError, self.duplicate, at_l2, user=self.agent_l1
        )
        self.assertIn(at_l2.number, message)
        self.assertIn("You may not modify", message)

    def test_portal_users_cannot_merge(self):
        portal = new_test_user(
            self.env, login="merge-portal", groups="base.group_portal"
        )
        self.bob.user_ids = portal
        self.assertRefused(AccessError, self.duplicate, self.target, user=portal)

    def test_across_companies_needs_a_manager_and_a_confirmation(self):
        other_company = self.env["res.company"].create({"name": "Other Shop SA"})
        for user in (self.agent_l1, self.manager):
            user.company_ids = [Command.link(other_company.id)]
        foreign = self._create_ticket()
        foreign.write({"company_id": other_company.id, "team_id": False})
        message = self.assertRefused(
            AccessError,
            foreign,
            self.target,
            user=self.agent_l1,
            confirm_cross_company=True,
        )
        self.assertIn("only a helpdesk manager", message)
        message = self.assertRefused(UserError, foreign, self.target, user=self.manager)
        self.assertIn("confirm the merge across companies", message)

        foreign.with_user(self.manager).merge_into(
            self.target, confirm_cross_company=True
        )
        self.assertEqual(foreign.merged_into_id, self.target)

    def test_wizard_merges_the_selection_into_the_chosen_ticket(self):
        third = self._create_ticket(name="Counter printer, again")
        tickets = self.target | self.duplicate | third
        action = tickets.with_user(self.agent_l1).action_merge()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.agent_l1)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.target_id, self.target, "the oldest by default")
        wizard.target_id = self.duplicate
        result = wizard.save().action_merge()

        self.assertEqual(result["res_id"], self.duplicate.id)
        self.assertEqual((self.target | third).merged_into_id, self.duplicate)
        self.assertFalse(self.duplicate.closed)

    def test_wizard_from_the_form_merges_into_another_ticket(self):
        action = self.duplicate.action_merge()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertFalse(wizard.target_id)
        wizard.target_id = self.target
        wizard.save().action_merge()
        self.assertEqual(self.duplicate.merged_into_id, self.target)

    def test_demo_duplicates_merge_with_nothing_lost(self):
        kept = self.env.ref("helpdesk_tiers.demo_ticket_terminal_contactless")
        duplicate = self.env.ref(
            "helpdesk_tiers.demo_ticket_terminal_contactless_email"
        )
        messages = self._messages(duplicate)
        attachments = duplicate.attachment_ids
        self.assertTrue(messages and attachments)

        duplicate.with_user(self.agent_l1).merge_into(kept)

        self.assertTrue(messages <= self._messages(kept))
        self.assertEqual(attachments.res_id, kept.id)
        self.assertIn(duplicate.partner_id, kept.message_partner_ids)
        self.assertEqual(len(self._customer_notices(kept)), 1)
