# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo import SUPERUSER_ID
from odoo.tests import tagged

from .common import HelpdeskSlaCommon


@tagged("post_install", "-at_install")
class TestSlaSweep(HelpdeskSlaCommon):
    """The sweep over due tickets: at-risk warnings for the tier's team lead,
    automatic escalation once per breach. The plan: regular tickets get a first
    response within 2 h and a resolution within 16 h (L1 may hold them 4 h);
    a ticket opened Monday 27 April at 9:00 Paris (7:00 UTC) gets at risk at
    10:30 and breaches its response deadline at 11:00."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ticket = cls.env["helpdesk.ticket"]
        cls.at_risk_type = cls.env.ref("helpdesk_tiers.mail_activity_type_sla_at_risk")
        cls.breached_type = cls.env.ref(
            "helpdesk_tiers.mail_activity_type_sla_breached"
        )

    def _open(self, **vals):
        with self._at("2026-04-27 07:00:00"):
            return self._create_sla_ticket(**vals)

    def _sweep(self, when):
        with self._at(when):
            return self.Ticket._sla_sweep()

    def _activities(self, tickets, activity_type):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )

    def test_nothing_due_nothing_done(self):
        ticket = self._open()
        self.assertEqual(self._sweep("2026-04-27 08:00:00"), 0)
        self.assertEqual(ticket.sla_state, "on_track")
        self.assertFalse(self._activities(ticket, self.at_risk_type))

    def test_at_risk_warns_the_team_lead_once(self):
        ticket = self._open()
        self.assertEqual(self._sweep("2026-04-27 08:31:00"), 1)
        self.assertEqual(ticket.sla_state, "at_risk")
        activity = self._activities(ticket, self.at_risk_type)
        self.assertEqual(activity.user_id, self.team_l1.user_id)
        self.assertEqual(activity.summary, "SLA at risk: first response")
        self.assertEqual(
            str(activity.date_deadline), "2026-04-27", "The deadline's day"
        )
        # Next: the response deadline.
        self.assertEqual(ticket.sla_next_check, datetime(2026, 4, 27, 9))
        self.assertEqual(self._sweep("2026-04-27 08:35:00"), 0)
        self.assertEqual(len(self._activities(ticket, self.at_risk_type)), 1)

    def test_an_unanswered_ticket_escalates_itself_once(self):
        ticket = self._open()
        self._sweep("2026-04-27 08:31:00")
        self.assertEqual(self._sweep("2026-04-27 09:01:00"), 1)
        self.assertEqual(ticket.sla_state, "breached")
        self.assertEqual(ticket.sla_breach_date, datetime(2026, 4, 27, 9, 1))
        self.assertEqual(ticket.tier_id, self.tier_l2)
        self.assertEqual(ticket.team_id, self.team_l2)
        escalation = ticket.escalation_ids
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.sla_breach, "response")
        self.assertEqual(escalation.reason, "sla")
        self.assertEqual(escalation.user_id.id, SUPERUSER_ID)
        self.assertIn("no first response before the deadline", escalation.note)
        note = ticket.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("helpdesk_tiers.mt_ticket_escalated")
        )
        self.assertIn("Automatic escalation", note.body)
        # Later sweeps never escalate it again for the same breach, not even once
        # the resolution deadline passes too.
        for when in ("2026-04-27 09:06:00", "2026-04-28 09:00:00", "2026-05-04 09:00"):
            self._sweep(when)
        self.assertEqual(len(ticket.escalation_ids), 1)
        self.assertEqual(ticket.tier_id, self.tier_l2)
        self.assertEqual(ticket.sla_state, "breached")

    def test_answered_ticket_escalates_when_its_tier_target_passes(self):
        ticket = self._open()
        with self._at("2026-04-27 07:30:00"):
            self._reply(ticket, "Looking into it.")
        # L1's 4 h end at 14:00 Paris (lunch excluded): 12:00 UTC.
        self.assertEqual(ticket.sla_tier_deadline, datetime(2026, 4, 27, 12))
        self._sweep("2026-04-27 12:01:00")
        self.assertEqual(ticket.tier_id, self.tier_l2)
        self.assertEqual(ticket.escalation_ids.sla_breach, "tier")
        self.assertIn("L1 Hotline held the ticket", ticket.escalation_ids.note)
        self.assertFalse(ticket.sla_tier_breached, "L2 starts afresh")
        self.assertEqual(ticket.sla_state, "on_track", "A quarter of the 16 h used")
        self.assertFalse(ticket.sla_breach_date, "The customer's deadline still holds")

    def test_without_auto_escalation_the_lead_is_warned(self):
        self.plan.sla_auto_escalate = False
        ticket = self._open()
        self._sweep("2026-04-27 09:01:00")
        self.assertEqual(ticket.tier_id, self.tier_l1)
        self.assertFalse(ticket.escalation_ids)
        self.assertEqual(ticket.sla_state, "breached")
        activity = self._activities(ticket, self.breached_type)
        self.assertEqual(activity.user_id, self.team_l1.user_id)
        self.assertEqual(activity.summary, "SLA breached: first response")
        self._sweep("2026-04-27 09:06:00")
        self.assertEqual(len(self._activities(ticket, self.breached_type)), 1)

    def test_never_to_a_vendor_automatically(self):
        ticket = self._open(tier_id=self.tier_l3.id)
        self._sweep("2026-04-27 09:01:00")
        self.assertEqual(ticket.tier_id, self.tier_l3, "L3 escalates only to L4")
        self.assertFalse(ticket.escalation_ids)
        self.assertTrue(self._activities(ticket, self.breached_type))

    def test_paused_tickets_are_not_due(self):
        ticket = self._open()
        with self._at("2026-04-27 07:30:00"):
            ticket.action_wait_on_customer()
        self.assertEqual(self._sweep("2026-04-28 09:00:00"), 0)
        self.assertEqual(ticket.sla_state, "paused")
        self.assertFalse(ticket.escalation_ids)

    def test_a_ticket_without_lead_or_agent_still_escalates(self):
        self.team_l1.user_id = False
        ticket = self._open()
        self._sweep("2026-04-27 08:31:00")
        self.assertEqual(ticket.sla_state, "at_risk")
        self._sweep("2026-04-27 09:01:00")
        self.assertEqual(ticket.tier_id, self.tier_l2)

    def test_cron_handles_batches(self):
        tickets = self.Ticket.browse()
        for _index in range(3):
            tickets |= self._open()
        with self._at("2026-04-27 08:31:00"):
            self.assertEqual(self.Ticket._sla_sweep(limit=2), 2)
            self.env.ref("helpdesk_tiers.ir_cron_sla_sweep").method_direct_trigger()
        self.assertEqual(set(tickets.mapped("sla_state")), {"at_risk"})
        cron = self.env.ref("helpdesk_tiers.ir_cron_sla_sweep")
        self.assertEqual((cron.interval_number, cron.interval_type), (5, "minutes"))

    def test_sweep_cost_follows_the_due_tickets(self):
        """Finding what is due reads the index: one query, however many tickets
        are open. Acting on the due tickets takes as many queries for thirty as
        for three (writes, clocks and activities go in batches)."""
        opened = self.Ticket.browse()
        for _index in range(20):
            opened |= self._open()
        self.env.flush_all()
        with self._at("2026-04-27 07:30:00"), self.assertQueryCount(1):
            self.assertEqual(self.Ticket._sla_sweep(), 0)
        opened.stage_id = self.stage_done

        def sweep_cost(count, opened, swept):
            with self._at(opened):
                for _index in range(count):
                    self._create_sla_ticket()
            self.env.flush_all()
            self.env.invalidate_all()
            with self._at(swept):
                queries = self.cr.sql_log_count
                self.assertEqual(self.Ticket._sla_sweep(), count)
                self.env.flush_all()
                return self.cr.sql_log_count - queries

        # Opened at 9:00, 9:05 and 9:10 Paris, at risk at 10:30, 10:35, 10:40;
        # the first sweep warms the caches.
        sweep_cost(1, "2026-04-28 07:00:00", "2026-04-28 08:31:00")
        three = sweep_cost(3, "2026-04-28 07:05:00", "2026-04-28 08:36:00")
        thirty = sweep_cost(30, "2026-04-28 07:10:00", "2026-04-28 08:41:00")
        self.assertEqual(thirty, three)
