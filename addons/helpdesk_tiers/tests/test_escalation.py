# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError, ValidationError

from .common import HANDOFF_NOTE, HelpdeskTiersCommon


class TestEscalation(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_ticket(user_id=cls.agent_l1.id)

    def _snapshot(self, tickets):
        """What an escalation may change: compared before and after a refusal."""
        tickets.invalidate_recordset()
        return [
            (t.tier_id, t.team_id, t.user_id, len(t.message_ids), len(t.escalation_ids))
            for t in tickets
        ]

    def assertRefused(self, tickets, message, call):
        before = self._snapshot(tickets)
        with self.assertRaisesRegex(UserError, message):
            call()
        self.assertEqual(self._snapshot(tickets), before, "a refusal writes nothing")

    # -- creation ----------------------------------------------------------

    def test_new_ticket_starts_at_l1_with_its_team(self):
        ticket = self._create_ticket()
        self.assertEqual(ticket.tier_id, self.tier_l1)
        self.assertEqual(ticket.team_id, self.team_l1)
        self.assertFalse(ticket.escalation_ids)

    def test_tiered_team_sets_the_tier(self):
        ticket = self._create_ticket(team_id=self.team_l3.id)
        self.assertEqual(ticket.tier_id, self.tier_l3)

    def test_tier_sets_the_team(self):
        ticket = self._create_ticket(tier_id=self.tier_l2.id)
        self.assertEqual(ticket.team_id, self.team_l2)

    def test_team_without_tier_is_kept(self):
        team = self.env["helpdesk.ticket.team"].create({"name": "Field service"})
        ticket = self._create_ticket(team_id=team.id)
        self.assertEqual((ticket.team_id, ticket.tier_id), (team, self.tier_l1))

    def test_batch_create(self):
        tickets = self.env["helpdesk.ticket"].create(
            [
                {"name": "a", "description": "a"},
                {"name": "b", "description": "b", "tier_id": self.tier_l2.id},
                {"name": "c", "description": "c", "team_id": self.team_l4.id},
            ]
        )
        self.assertEqual(tickets.tier_id.mapped("code"), ["L1", "L2", "L4"])
        self.assertEqual(tickets.team_id, self.team_l1 | self.team_l2 | self.team_l4)

    def test_copy_keeps_tier_and_team_but_not_history(self):
        ticket = self._create_ticket(tier_id=self.tier_l2.id)
        ticket.escalate("L3", HANDOFF_NOTE)
        copy = ticket.copy()
        self.assertEqual((copy.tier_id, copy.team_id), (self.tier_l3, self.team_l3))
        self.assertFalse(copy.escalation_ids)

    # -- escalating up -------------------------------------------------------

    def test_escalate_l1_to_l2(self):
        ticket = self.ticket.with_user(self.agent_l1)
        escalation = ticket.escalate("L2", HANDOFF_NOTE, reason="access")
        self.assertEqual(ticket.tier_id, self.tier_l2)
        self.assertEqual(ticket.team_id, self.team_l2)
        self.assertFalse(ticket.user_id, "the L1 assignee is not in the L2 team")
        self.assertRecordValues(
            escalation,
            [
                {
                    "ticket_id": ticket.id,
                    "from_tier_id": self.tier_l1.id,
                    "to_tier_id": self.tier_l2.id,
                    "from_team_id": self.team_l1.id,
                    "to_team_id": self.team_l2.id,
                    "direction": "up",
                    "user_id": self.agent_l1.id,
                    "note": HANDOFF_NOTE,
                    "reason": "access",
                }
            ],
        )
        self.assertEqual(ticket.escalation_count, 1)
        self.assertIn(self.agent_l1.partner_id, ticket.message_partner_ids)

    def test_escalation_posts_an_internal_note_to_the_team(self):
        self.ticket.with_user(self.agent_l1).escalate("L2", HANDOFF_NOTE)
        message = self.ticket.message_ids[0]
        self.assertEqual(
            message.subtype_id, self.env.ref("helpdesk_tiers.mt_ticket_escalated")
        )
        self.assertTrue(message.subtype_id.internal)
        self.assertEqual(message.author_id, self.agent_l1.partner_id)
        self.assertIn("Escalated from L1 Hotline to L2 Back office", message.body)
        self.assertIn("blinking red light", message.body)
        self.assertIn(self.agent_l2.partner_id, message.partner_ids)
        self.assertNotIn(self.agent_l1.partner_id, message.partner_ids)
        self.assertIn(self.agent_l2.partner_id, message.notification_ids.res_partner_id)

    def test_note_is_escaped_in_the_chatter(self):
        note = HANDOFF_NOTE + " <script>alert('x')</script>"
        self.ticket.escalate("L2", note)
        body = self.ticket.message_ids[0].body
        self.assertNotIn("<script>", body)
        self.assertIn("&lt;script&gt;", body)

    def test_escalate_by_id_and_record(self):
        self.ticket.escalate(self.tier_l2.id, HANDOFF_NOTE)
        self.ticket.escalate(self.tier_l3, HANDOFF_NOTE)
        self.assertEqual(self.ticket.tier_id, self.tier_l3)
        self.assertEqual(
            self.ticket.escalation_ids.mapped("to_tier_id.code"), ["L3", "L2"]
        )

    def test_l2_may_skip_to_the_vendor(self):
        ticket = self._create_ticket(tier_id=self.tier_l2.id)
        ticket.escalate("L4", HANDOFF_NOTE, reason="vendor")
        self.assertEqual((ticket.tier_id, ticket.team_id), (self.tier_l4, self.team_l4))

    def test_batch_escalation(self):
        tickets = self.ticket | self._create_ticket() | self._create_ticket()
        escalations = tickets.escalate("L2", HANDOFF_NOTE)
        self.assertEqual(len(escalations), 3)
        self.assertEqual(tickets.tier_id, self.tier_l2)
        self.assertEqual(tickets.team_id, self.team_l2)

    def test_tier_without_team_leaves_the_ticket_unteamed(self):
        self.team_l2.tier_id = False
        self.ticket.escalate("L2", HANDOFF_NOTE)
        self.assertEqual(self.ticket.tier_id, self.tier_l2)
        self.assertFalse(self.ticket.team_id)

    # -- bad input -----------------------------------------------------------

    def test_refuses_empty_notes(self):
        for note in ("", "   \n\t ", None, False, 42):
            with self.subTest(note=note):
                self.assertRefused(
                    self.ticket,
                    "hand-off note is required",
                    lambda note=note: self.ticket.escalate("L2", note),
                )

    def test_refuses_trivial_notes(self):
        for note in (
            "escalate",
            "see above, thx",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "test test test test test test test test test",
            "!!! ??? ... --- !!! ??? ... --- !!! ??? ...",
        ):
            with self.subTest(note=note):
                self.assertRefused(
                    self.ticket,
                    "too short to help the next tier",
                    lambda note=note: self.ticket.escalate("L2", note),
                )

    def test_minimal_note_length_is_per_tier(self):
        self.tier_l2.handoff_min_length = 200
        self.assertRefused(
            self.ticket,
            "at least 200 characters",
            lambda: self.ticket.escalate("L2", HANDOFF_NOTE),
        )

    def test_refuses_unknown_tiers(self):
        for tier in ("L9", "", None, 10**9, False):
            with self.subTest(tier=tier):
                self.assertRefused(
                    self.ticket,
                    "Unknown support tier",
                    lambda tier=tier: self.ticket.escalate(tier, HANDOFF_NOTE),
                )

    def test_refuses_tiers_not_allowed_from_here(self):
        self.assertRefused(
            self.ticket,
            r"is at L1 Hotline, which cannot hand it to L3 Specialists\. "
            r"Allowed: L2 Back office\.",
            lambda: self.ticket.escalate("L3", HANDOFF_NOTE),
        )
        self.assertRefused(
            self.ticket,
            "cannot hand it to L4 Vendors",
            lambda: self.ticket.escalate("L4", HANDOFF_NOTE),
        )

    def test_refuses_the_current_tier(self):
        self.assertRefused(
            self.ticket,
            "is already at L1 Hotline",
            lambda: self.ticket.escalate("L1", HANDOFF_NOTE),
        )

    def test_refuses_closed_tickets(self):
        self.ticket.stage_id = self.stage_done
        self.assertRefused(
            self.ticket,
            "is closed: reopen it",
            lambda: self.ticket.escalate("L2", HANDOFF_NOTE),
        )

    def test_refuses_unknown_reasons(self):
        self.assertRefused(
            self.ticket,
            "Unknown escalation reason 'because'",
            lambda: self.ticket.escalate("L2", HANDOFF_NOTE, reason="because"),
        )

    def test_batch_is_all_or_nothing(self):
        closed = self._create_ticket(stage_id=self.stage_done.id)
        tickets = self.ticket | closed
        self.assertRefused(
            tickets, "is closed", lambda: tickets.escalate("L2", HANDOFF_NOTE)
        )

    def test_tier_changes_only_through_escalation(self):
        with self.assertRaisesRegex(UserError, "only through an escalation"):
            self.ticket.write({"tier_id": self.tier_l2.id})
        self.ticket.write({"tier_id": self.tier_l1.id})  # unchanged: harmless

    def test_team_must_match_the_tier(self):
        with self.assertRaisesRegex(ValidationError, "Escalate the ticket"):
            self.ticket.team_id = self.team_l2

    def test_assignee_team_follows_the_tier(self):
        self.team_l3.user_ids |= self.agent_l2
        ticket = self._create_ticket(tier_id=self.tier_l2.id, team_id=False)
        ticket.team_id = False
        ticket.user_id = self.agent_l2
        self.assertEqual(ticket.team_id, self.team_l2)

    # -- returning down ------------------------------------------------------

    def test_de_escalate_returns_where_it_came_from(self):
        ticket = self._create_ticket(tier_id=self.tier_l2.id)
        ticket.escalate("L4", HANDOFF_NOTE)
        escalation = ticket.de_escalate(HANDOFF_NOTE)
        self.assertEqual(ticket.tier_id, self.tier_l2)
        self.assertEqual(escalation.direction, "down")
        self.assertEqual(escalation.reason, "handback")
        message = ticket.message_ids[0]
        self.assertEqual(
            message.subtype_id, self.env.ref("helpdesk_tiers.mt_ticket_returned")
        )
        self.assertIn("Returned from L4 Vendors to L2 Back office", message.body)

    def test_de_escalate_goes_one_step_down(self):
        ticket = self._create_ticket(tier_id=self.tier_l3.id)
        ticket.de_escalate(HANDOFF_NOTE, reason="coaching")
        self.assertEqual(ticket.tier_id, self.tier_l2)
        self.assertEqual(ticket.escalation_ids.reason, "coaching")

    def test_de_escalate_at_the_front_line_is_refused(self):
        self.assertRefused(
            self.ticket,
            "no lower tier to return it to",
            lambda: self.ticket.de_escalate(HANDOFF_NOTE),
        )

    def test_escalate_down_one_step_but_not_two(self):
        ticket = self._create_ticket(tier_id=self.tier_l3.id)
        self.assertRefused(
            ticket,
            "cannot hand it to L1 Hotline",
            lambda: ticket.escalate("L1", HANDOFF_NOTE),
        )
        ticket.escalate("L2", HANDOFF_NOTE)
        self.assertEqual(ticket.escalation_ids.direction, "down")

    def test_allowed_moves(self):
        ticket = self._create_ticket(tier_id=self.tier_l2.id)
        self.assertTrue(ticket.can_escalate)
        self.assertTrue(ticket.can_return)
        self.assertTrue(self.ticket.can_escalate)
        self.assertFalse(self.ticket.can_return)
        ticket.stage_id = self.stage_done
        self.assertFalse(ticket.can_escalate or ticket.can_return)

    # -- closing -------------------------------------------------------------

    def test_resolved_tier_is_kept_on_close(self):
        self.ticket.escalate("L2", HANDOFF_NOTE)
        self.assertFalse(self.ticket.resolved_tier_id)
        self.ticket.stage_id = self.stage_done
        self.assertEqual(self.ticket.resolved_tier_id, self.tier_l2)
        self.ticket.stage_id = self.stage_new
        self.assertFalse(self.ticket.resolved_tier_id)

    def test_resolved_at_l1_without_escalation(self):
        self.ticket.stage_id = self.stage_done
        self.assertEqual(self.ticket.resolved_tier_id, self.tier_l1)
        self.assertEqual(self.ticket.escalation_count, 0)
