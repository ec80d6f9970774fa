# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from pytz import utc

from odoo.tests import Form, tagged

from .common import HelpdeskSlaCommon


@tagged("post_install", "-at_install")
class TestWorkingTime(HelpdeskSlaCommon):
    """Working-hours arithmetic of a calendar: nights, lunch breaks, weekends and
    public holidays (Paris office hours, 1 May 2026 off; times in UTC)."""

    def _working(self):
        return self.calendar._helpdesk_working_time(datetime(2026, 4, 20))

    def test_adding_hours_skips_nights_weekends_and_holidays(self):
        working = self._working()
        # Thursday 30 April 16:00 Paris + 4 h: 1 h on Thursday, Friday 1 May is
        # off, then the weekend, then 3 h on Monday 4 May: 11:00 Paris.
        self.assertEqual(
            working.add_hours(datetime(2026, 4, 30, 14), 4), datetime(2026, 5, 4, 9)
        )
        # Over the lunch break: Monday 11:00 Paris + 2 h = 14:00 Paris.
        self.assertEqual(
            working.add_hours(datetime(2026, 5, 4, 9), 2), datetime(2026, 5, 4, 12)
        )
        # A full day ends the same evening, not the next morning.
        self.assertEqual(
            working.add_hours(datetime(2026, 5, 4, 6), 8), datetime(2026, 5, 4, 15)
        )
        # Started at night: the clock starts the next morning.
        self.assertEqual(
            working.add_hours(datetime(2026, 5, 5, 20), 1), datetime(2026, 5, 6, 7)
        )
        self.assertEqual(
            working.hours_between(datetime(2026, 4, 30, 14), datetime(2026, 5, 4, 9)),
            4,
        )
        self.assertEqual(
            working.hours_between(datetime(2026, 5, 2, 8), datetime(2026, 5, 3, 20)),
            0,
            "Nothing is worked on a weekend",
        )

    def test_same_results_as_plan_hours(self):
        """The batched arithmetic agrees with resource.calendar.plan_hours."""
        working = self._working()
        for start in (
            datetime(2026, 4, 24, 14, 30),
            datetime(2026, 4, 30, 14),
            datetime(2026, 5, 1, 10),
            datetime(2026, 5, 2, 3),
        ):
            for hours in (0.5, 1, 4, 7.75, 16, 40):
                expected = self.calendar.plan_hours(
                    hours, utc.localize(start), compute_leaves=True
                )
                self.assertEqual(
                    working.add_hours(start, hours),
                    expected.astimezone(utc).replace(tzinfo=None),
                    f"{hours} h from {start}",
                )

    def test_a_calendar_without_working_time_gives_no_deadline(self):
        empty = self.env["resource.calendar"].create(
            {"name": "Never", "attendance_ids": [(5, 0, 0)]}
        )
        working = empty._helpdesk_working_time(datetime(2026, 1, 1))
        self.assertIsNone(working.add_hours(datetime(2026, 1, 1), 1))


@tagged("post_install", "-at_install")
class TestSlaClocks(HelpdeskSlaCommon):
    def test_deadlines_in_working_hours(self):
        # Friday 24 April, 16:30 Paris.
        with self._at("2026-04-24 14:30:00"):
            ticket = self._create_sla_ticket()
        self.assertEqual(ticket.service_plan_id, self.plan)
        # Response 2 h: 30 min on Friday, 1 h 30 on Monday: 9:30 Paris.
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 4, 27, 7, 30))
        # Resolution 16 h: Friday 0.5 + Monday 8 + Tuesday 7.5: 16:30 Paris.
        self.assertEqual(ticket.sla_resolve_deadline, datetime(2026, 4, 28, 14, 30))
        # L1's own target, 4 h: Monday 11:30 Paris.
        self.assertEqual(ticket.sla_tier_deadline, datetime(2026, 4, 27, 9, 30))
        self.assertEqual(ticket.sla_state, "on_track")
        # The next check is the first at-risk threshold, 75 % of the response
        # target: 1 h 30 in, Monday 9:00 Paris.
        self.assertEqual(ticket.sla_next_check, datetime(2026, 4, 27, 7))

    def test_deadlines_over_a_public_holiday(self):
        # Thursday 30 April, 16:00 Paris; Friday 1 May is off.
        with self._at("2026-04-30 14:00:00"):
            ticket = self._create_sla_ticket(priority_category="critical")
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 4, 30, 15))
        # 8 h: 1 h on Thursday, 7 h on Monday 4 May: 16:00 Paris.
        self.assertEqual(ticket.sla_resolve_deadline, datetime(2026, 5, 4, 14))
        self.assertFalse(ticket.sla_tier_deadline, "No L1 target for critical")

    def test_at_risk_threshold_is_a_company_setting(self):
        self.env.company.helpdesk_sla_at_risk_percent = 50
        with self._at("2026-04-27 07:00:00"):
            ticket = self._create_sla_ticket()
        # Half of the 2 h response target: Monday 10:00 Paris.
        self.assertEqual(ticket.sla_next_check, datetime(2026, 4, 27, 8))

    def test_a_ticket_without_targets_has_no_clock(self):
        ticket = self._create_sla_ticket(priority_category="planned")
        self.assertFalse(ticket.sla_response_deadline)
        self.assertFalse(ticket.sla_state)
        self.assertFalse(ticket.sla_next_check)

    def test_a_new_priority_gives_new_deadlines(self):
        with self._at("2026-04-27 07:00:00"):
            ticket = self._create_sla_ticket()
            ticket.priority_category = "critical"
        # Critical: response in 1 h, from the opening (Monday 9:00 Paris).
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 4, 27, 8))

    def test_first_public_reply_of_an_agent_is_the_first_response(self):
        with self._at("2026-04-27 07:00:00"):
            ticket = self._create_sla_ticket()
        with self._at("2026-04-27 07:20:00"):
            ticket.with_user(self.agent_l1).message_post(
                body="Internal: checking the logs", subtype_xmlid="mail.mt_note"
            )
            self.assertFalse(ticket.first_response_date, "An internal note")
            self._customer_writes(ticket, "It still blinks")
            self.assertFalse(ticket.first_response_date, "The customer's message")
        with self._at("2026-04-27 07:30:00"):
            self._reply(ticket, "We are on it.")
        self.assertEqual(ticket.first_response_date, datetime(2026, 4, 27, 7, 30))
        self.assertEqual(ticket.last_customer_update, datetime(2026, 4, 27, 7, 30))
        # The response clock stopped: the next check is the L1 target's threshold.
        self.assertEqual(ticket.sla_next_check, datetime(2026, 4, 27, 10))
        with self._at("2026-04-27 09:00:00"):
            self._reply(ticket, "Another reply.")
        self.assertEqual(ticket.first_response_date, datetime(2026, 4, 27, 7, 30))

    def test_an_agent_of_another_tier_may_answer(self):
        """Only reading the ticket, an L1 agent's reply on an L2 ticket still
        counts as the response."""
        ticket = self._create_sla_ticket(tier_id=self.tier_l2.id)
        self._reply(ticket, "Our back office is looking at it.")
        self.assertTrue(ticket.first_response_date)

    def test_pause_while_waiting_on_the_customer(self):
        # Monday 27 April 9:00 Paris.
        with self._at("2026-04-27 07:00:00"):
            ticket = self._create_sla_ticket()
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 4, 27, 9))
        self.assertEqual(ticket.sla_resolve_deadline, datetime(2026, 4, 29, 7))
        with self._at("2026-04-27 08:00:00"):
            ticket.with_user(self.agent_l1).action_wait_on_customer()
        self.assertEqual(ticket.waiting_on, "customer")
        self.assertEqual(ticket.sla_state, "paused")
        self.assertFalse(ticket.sla_next_check, "Nothing to check while paused")
        self.assertEqual(ticket.customer_wait_count, 1)
        # The customer answers the next day at 10:00 Paris: 8 working hours
        # later (Monday 10-12 and 13-17, Tuesday 8-10).
        with self._at("2026-04-28 08:00:00"):
            self._customer_writes(ticket, "Here is the photo you asked for.")
        self.assertEqual(ticket.waiting_on, "none")
        self.assertEqual(ticket.sla_paused_hours, 8)
        self.assertEqual(ticket.sla_state, "on_track")
        # Both deadlines move by the 8 working hours paused.
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 4, 28, 9))
        self.assertEqual(ticket.sla_resolve_deadline, datetime(2026, 4, 30, 7))

    def test_resume_by_hand(self):
        with self._at("2026-04-27 07:00:00"):
            ticket = self._create_sla_ticket()
            ticket.action_wait_on_customer()
        with self._at("2026-04-27 09:00:00"):
            ticket.action_stop_waiting()
        self.assertEqual(ticket.sla_paused_hours, 2)
        # 2 + 2 h from 9:00 Paris, lunch excluded: 14:00 Paris.
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 4, 27, 12))

    def test_time_at_a_vendor_is_measured_without_pausing(self):
        with self._at("2026-04-27 07:00:00"):
            ticket = self._create_sla_ticket()
            deadline = ticket.sla_resolve_deadline
            ticket.escalate("L2", self._note("remote session done"))
        with self._at("2026-04-27 08:00:00"):
            ticket.with_user(self.agent_l2).escalate(
                "L4", self._note("firmware defect for the manufacturer")
            )
        self.assertEqual(ticket.waiting_on, "vendor")
        self.assertEqual(ticket.sla_state, "on_track", "A vendor does not pause")
        with self._at("2026-04-28 08:00:00"):
            ticket.de_escalate(self._note("the manufacturer sent a fixed firmware"))
        self.assertEqual(ticket.waiting_on, "none")
        self.assertEqual(ticket.vendor_wait_hours, 8)
        self.assertEqual(ticket.sla_paused_hours, 0)
        self.assertEqual(ticket.sla_resolve_deadline, deadline)

    def test_tier_clock_restarts_at_each_tier(self):
        self.env["helpdesk.sla.target"].create(
            {
                "plan_id": self.plan.id,
                "priority_category": "regular",
                "tier_id": self.tier_l2.id,
                "resolve_hours": 6,
            }
        )
        with self._at("2026-04-27 07:00:00"):
            ticket = self._create_sla_ticket()
        # L1's 4 h from Monday 9:00 Paris, lunch excluded: 14:00 Paris.
        self.assertEqual(ticket.sla_tier_deadline, datetime(2026, 4, 27, 12))
        with self._at("2026-04-27 08:00:00"):
            ticket.escalate("L2", self._note("needs the back office"))
        self.assertEqual(ticket.sla_tier_start_date, datetime(2026, 4, 27, 8))
        # L2's 6 h from Monday 10:00 Paris: Monday 17:00.
        self.assertEqual(ticket.sla_tier_deadline, datetime(2026, 4, 27, 15))
        # The customer's deadlines do not move.
        self.assertEqual(ticket.sla_resolve_deadline, datetime(2026, 4, 29, 7))

    def test_closing_in_time_meets_the_service_level(self):
        with self._at("2026-04-27 07:00:00"):
            ticket = self._create_sla_ticket()
        with self._at("2026-04-27 07:30:00"):
            ticket.message_post(
                body="Fixed: restart the printer.",
                author_id=self.agent_l1.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            ticket.stage_id = self.stage_done
        self.assertEqual(ticket.sla_state, "met")
        self.assertFalse(ticket.sla_next_check)
        self.assertFalse(ticket.next_customer_update, "No update on a closed ticket")

    def test_closing_late_breaches_the_service_level(self):
        with self._at("2026-04-27 07:00:00"):
            ticket = self._create_sla_ticket()
        with self._at("2026-04-27 10:00:00"):
            # Closed without any reply, after the 2 h response deadline.
            ticket.stage_id = self.stage_done
        self.assertEqual(ticket.sla_state, "breached")

    def test_closing_ends_a_wait(self):
        with self._at("2026-04-27 07:00:00"):
            ticket = self._create_sla_ticket()
            ticket.action_wait_on_customer()
        with self._at("2026-04-27 08:00:00"):
            ticket.stage_id = self.stage_done
        self.assertEqual(ticket.waiting_on, "none")
        self.assertEqual(ticket.sla_paused_hours, 1)

    def _note(self, what):
        return f"Hand-off for the test: {what}, details in the chatter."


class TestPlanTargetWarning(HelpdeskSlaCommon):
    def test_the_plan_form_warns_when_tier_targets_do_not_fit(self):
        self.assertFalse(self.plan.target_warning)
        with Form(self.plan) as form:
            with form.target_ids.new() as line:
                line.priority_category = "regular"
                line.tier_id = self.tier_l2
                line.response_hours = 3
                line.resolve_hours = 10
            self.assertIn("L2", form.target_warning)
            self.assertIn("3.0 h to respond, more than the 2.0 h", form.target_warning)
            self.assertNotIn("add up to", form.target_warning)
            with form.target_ids.edit(3) as line:
                line.resolve_hours = 13
            self.assertIn("add up to 17.0 h", form.target_warning)
            with form.target_ids.edit(3) as line:
                line.response_hours = 1
                line.resolve_hours = 12
            self.assertFalse(form.target_warning)

    def test_tier_targets_without_a_customer_target(self):
        self.env["helpdesk.sla.target"].create(
            {
                "plan_id": self.plan.id,
                "priority_category": "planned",
                "tier_id": self.tier_l1.id,
                "resolve_hours": 8,
            }
        )
        self.assertIn("without a customer target", self.plan.target_warning)

    def test_update_interval_defaults_by_priority(self):
        target = self.env["helpdesk.sla.target"].create(
            {"plan_id": self.plan.id, "priority_category": "planned"}
        )
        self.assertEqual(target.update_interval_hours, 72)
        self.assertEqual(
            self.plan._get_target("critical").update_interval_hours,
            4,
            "Not given: the default of its priority",
        )
