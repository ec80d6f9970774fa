# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .common import HANDOFF_NOTE, HelpdeskTiersCommon

COACHING_NOTE = (
    "The customer's printer only needed its paper sensor cleaned: the KB article "
    "'Red light on the counter printer' covers it. Please try it before escalating."
)


class TestReview(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.closed_at_l1 = cls._create_ticket(
            user_id=cls.agent_l1.id
        ) | cls._create_ticket(user_id=cls.agent_l1.id)
        cls.closed_at_l1.stage_id = cls.stage_done

    def test_l2_reviews_front_line_tickets(self):
        wizard = Form(
            self.env["helpdesk.ticket.review"]
            .with_user(self.agent_l2)
            .with_context(**self.closed_at_l1.action_review()["context"])
        )
        wizard.remarks = "Good diagnosis; set the category next time."
        wizard.save().action_confirm()
        for ticket in self.closed_at_l1:
            self.assertRecordValues(
                ticket,
                [
                    {
                        "is_reviewed": True,
                        "reviewer_id": self.agent_l2.id,
                        "review_remarks": "Good diagnosis; set the category next time.",
                        "can_review": False,
                    }
                ],
            )
            self.assertTrue(ticket.review_date)
            note = ticket.message_ids[0]
            self.assertIn("set the category next time", note.body)
            self.assertTrue(note.subtype_id.internal, "an internal note")
            self.assertEqual(note.partner_ids, self.agent_l1.partner_id)

    def test_review_without_remarks(self):
        self.closed_at_l1[0].with_user(self.agent_l2)._mark_reviewed()
        self.assertTrue(self.closed_at_l1[0].is_reviewed)
        self.assertFalse(self.closed_at_l1[0].review_remarks)

    def test_only_tickets_closed_at_l1_are_reviewed(self):
        still_open = self._create_ticket()
        closed_at_l2 = self._create_ticket()
        closed_at_l2.escalate("L2", HANDOFF_NOTE)
        closed_at_l2.stage_id = self.stage_done
        self.assertTrue(self.closed_at_l1[0].can_review)
        self.assertFalse(still_open.can_review or closed_at_l2.can_review)
        for ticket in (still_open, closed_at_l2):
            with self.subTest(ticket=ticket.number):
                with self.assertRaisesRegex(UserError, ticket.number):
                    (self.closed_at_l1 | ticket).with_user(
                        self.agent_l2
                    )._mark_reviewed("ok")
                self.assertFalse(any(self.closed_at_l1.mapped("is_reviewed")))

    def test_l1_cannot_review(self):
        with self.assertRaises(AccessError):
            self.closed_at_l1.with_user(self.agent_l1)._mark_reviewed("fine")
        with self.assertRaisesRegex(UserError, "Review button"):
            self.closed_at_l1.with_user(self.agent_l1).write({"is_reviewed": True})
        self.assertFalse(any(self.closed_at_l1.mapped("is_reviewed")))

    def test_report_is_for_the_back_office(self):
        with self.assertRaises(AccessError):
            self.env["helpdesk.review.report"].with_user(self.agent_l1).search([])
        self.assertTrue(
            self.env["helpdesk.review.report"].with_user(self.manager).search([])
        )

    def test_report_gives_the_share_reviewed(self):
        self.closed_at_l1[0].with_user(self.agent_l2)._mark_reviewed()
        report = self.env["helpdesk.review.report"].with_user(self.agent_l2)
        rows = report.search([("ticket_id", "in", self.closed_at_l1.ids)])
        self.assertEqual(rows.ticket_id, self.closed_at_l1)
        [group] = report._read_group(
            [("ticket_id", "in", self.closed_at_l1.ids)],
            [],
            ["ticket_count:sum", "reviewed_count:sum", "reviewed_share:avg"],
        )
        self.assertEqual(group, (2, 1, 50.0))


class TestCoaching(HelpdeskTiersCommon):
    def test_l2_returns_a_ticket_for_coaching(self):
        ticket = self._create_ticket(user_id=self.agent_l1.id)
        ticket.with_user(self.agent_l1).escalate("L2", HANDOFF_NOTE)
        action = ticket.with_user(self.agent_l2).action_return_for_coaching()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.agent_l2)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.reason, "coaching")
        self.assertEqual(wizard.tier_id, self.tier_l1)
        wizard.note = COACHING_NOTE
        wizard.save().action_confirm()

        self.assertEqual(ticket.tier_id, self.tier_l1)
        self.assertEqual(ticket.escalation_ids[0].reason, "coaching")
        activity = ticket.activity_ids
        self.assertEqual(activity.user_id, self.agent_l1, "the agent who escalated")
        self.assertIn("paper sensor cleaned", activity.note)
        self.assertIn("Coaching", activity.summary)

    def test_plain_return_schedules_nothing(self):
        ticket = self._create_ticket(user_id=self.agent_l1.id)
        ticket.with_user(self.agent_l1).escalate("L2", HANDOFF_NOTE)
        ticket.with_user(self.agent_l2).de_escalate(COACHING_NOTE)
        self.assertFalse(ticket.activity_ids)

    def test_coaching_over_rpc(self):
        ticket = self._create_ticket(user_id=self.agent_l1.id)
        ticket.with_user(self.agent_l1).escalate("L2", HANDOFF_NOTE)
        ticket.with_user(self.agent_l2).de_escalate(COACHING_NOTE, reason="coaching")
        self.assertEqual(ticket.activity_ids.user_id, self.agent_l1)
