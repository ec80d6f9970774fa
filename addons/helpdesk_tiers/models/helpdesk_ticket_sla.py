# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Service-level clocks, the sweep, customer status updates."""

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL

from .helpdesk_sla_target import DEFAULT_UPDATE_INTERVALS
from .helpdesk_ticket import (
    CLOCK_FIELDS,
    CUSTOMER_CLOCKS,
    SLA_SWEEP_BATCH,
    Clock,
    _clock,
)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # ------------------------------------------------------------------
    # Service levels
    # ------------------------------------------------------------------

    def _sla_calendar(self):
        self.ensure_one()
        return self.service_plan_id.calendar_id or self.company_id.resource_calendar_id

    def _sla_working_times(self, moments):
        """{calendar: WorkingTime} for the calendars of the tickets in
        ``moments`` ({ticket: moment}), each from the earliest of their moments:
        one read of each calendar's intervals for all the tickets."""
        origins = {}
        for ticket, moment in moments.items():
            calendar = ticket._sla_calendar()
            if calendar and moment:
                origins[calendar] = min(origins.get(calendar, moment), moment)
        return {
            calendar: calendar._helpdesk_working_time(origin)
            for calendar, origin in origins.items()
        }

    def _sla_targets(self):
        """{(plan id, priority category, tier id or False): target line} for the
        plans of these tickets."""
        # sudo: the plans' targets are the managers' configuration; every clock
        # reads them, whoever touches the ticket (a portal customer replying).
        return {
            (target.plan_id.id, target.priority_category, target.tier_id.id): target
            for target in self.service_plan_id.sudo().target_ids
        }

    def _sla_clocks(self):
        """{ticket: {clock name: Clock}}: "response" and "resolve" count the
        customer's targets from the start of the ticket, "tier" the internal
        target of the tier holding it from its arrival there. Hours are working
        hours of the plan, moved by the time paused; a clock gets at risk at the
        company's share of its target. Tickets without a plan, a priority or a
        target line have no clocks."""
        tickets = self.filtered(lambda t: t.service_plan_id and t.priority_category)
        now = fields.Datetime.now()
        starts = {
            ticket: min(
                ticket.sla_start_date or now,
                ticket.sla_tier_start_date or ticket.sla_start_date or now,
            )
            for ticket in tickets
        }
        times = tickets._sla_working_times(starts)
        targets = tickets._sla_targets()
        result = {}
        for ticket in tickets:
            working = times.get(ticket._sla_calendar())
            if not working:
                continue
            key = (ticket.service_plan_id.id, ticket.priority_category)
            ratio = ticket.company_id.helpdesk_sla_at_risk_percent / 100
            start = ticket.sla_start_date or now
            clocks = {}
            customer = targets.get((*key, False))
            if customer:
                for name, hours in (
                    ("response", customer.response_hours),
                    ("resolve", customer.resolve_hours),
                ):
                    if hours > 0:
                        clocks[name] = _clock(
                            working, start, hours, ticket.sla_paused_hours, ratio
                        )
            tier = ticket.tier_id and targets.get((*key, ticket.tier_id.id))
            if tier and tier.resolve_hours > 0:
                clocks["tier"] = _clock(
                    working,
                    ticket.sla_tier_start_date or start,
                    tier.resolve_hours,
                    ticket.sla_tier_paused_hours,
                    ratio,
                )
            result[ticket] = {name: clock for name, clock in clocks.items() if clock}
        return result

    def _sla_stored_clocks(self):
        """The clocks as last computed (see ``_sla_clocks``), from the ticket."""
        self.ensure_one()
        return {
            name: Clock(self[stored.risk], self[stored.deadline])
            for name, stored in CLOCK_FIELDS.items()
            if self[stored.deadline]
        }

    def _sla_running_clocks(self, clocks):
        """The clocks that still run: the response one until the first response,
        the others until the ticket is closed; none while waiting on the customer
        (paused) or once archived."""
        self.ensure_one()
        if self.stage_id.closed or not self.active or self.waiting_on == "customer":
            return {}
        return {
            name: clock
            for name, clock in clocks.items()
            if name != "response" or not self.first_response_date
        }

    def _sla_dealt_with(self, name):
        """Whether the sweep has already acted on the breach of clock ``name``."""
        return self.sla_tier_breached if name == "tier" else bool(self.sla_breach_date)

    def _sla_due_moments(self, clocks):
        """The moments of the running clocks that the sweep has yet to act on."""
        checked = self.sla_checked_date
        moments = []
        for name, clock in self._sla_running_clocks(clocks).items():
            if self._sla_dealt_with(name):
                continue
            if not checked or clock.risk > checked:
                moments.append(clock.risk)
            moments.append(clock.deadline)
        return moments

    def _sla_evaluate(self, clocks, now):
        """(sla_state, sla_next_check) of the ticket at ``now``."""
        self.ensure_one()
        if not clocks:
            return False, False
        if self.stage_id.closed:
            if not self.closed_date:
                # Created closed (an import): when it was resolved is unknown.
                return False, False
            return ("breached" if self._sla_closed_late(clocks) else "met"), False
        if self.sla_breach_date:
            state = "breached"
        elif self.waiting_on == "customer":
            state = "paused"
        else:
            running = self._sla_running_clocks(clocks)
            if any(
                running[name].deadline <= now
                for name in CUSTOMER_CLOCKS
                if name in running
            ):
                state = "breached"
            elif self.sla_tier_breached or any(
                clock.risk <= now for clock in running.values()
            ):
                state = "at_risk"
            else:
                state = "on_track"
        return state, min(self._sla_due_moments(clocks), default=False)

    def _sla_closed_late(self, clocks):
        # Resolved without a reply: the resolution was the response.
        responded = self.first_response_date or self.closed_date
        return bool(
            self.sla_breach_date
            or ("response" in clocks and responded > clocks["response"].deadline)
            or ("resolve" in clocks and self.closed_date > clocks["resolve"].deadline)
        )

    def _customer_update_intervals(self):
        """{ticket: working hours between two status updates} for the tickets
        whose customer gets updates: open, with a contact who did not opt out,
        and an interval in the plan (its default for the priority otherwise)."""
        targets = self._sla_targets()
        intervals = {}
        for ticket in self:
            if (
                ticket.stage_id.closed
                or not ticket.active
                or not ticket.partner_id
                or ticket.partner_id.helpdesk_update_opt_out
                or not ticket.priority_category
            ):
                continue
            target = targets.get(
                (ticket.service_plan_id.id, ticket.priority_category, False)
            )
            hours = (
                target.update_interval_hours
                if target
                else DEFAULT_UPDATE_INTERVALS[ticket.priority_category]
            )
            if hours > 0:
                intervals[ticket] = hours
        return intervals

    def _sla_write_vals(self, vals):
        """What goes with ``vals`` on each ticket: reaching a new tier restarts
        the tier clock (and starts or ends waiting on a vendor at an external
        tier); a change of whom we wait on, or closing, settles the time waited:
        added to the pause when it was the customer, to the time at vendor when
        it was a vendor. Returns {extra values as items: tickets}, or None when
        ``vals`` touches none of this."""
        waiting = vals.get("waiting_on")
        tier = "tier_id" in vals and self.env["helpdesk.tier"].browse(vals["tier_id"])
        closing = (
            vals.get("stage_id")
            and self.env["helpdesk.ticket.stage"].browse(vals["stage_id"]).closed
        )
        if not (waiting or tier or closing):
            return None
        now = fields.Datetime.now()
        moving = self.filtered(lambda t: tier and t.tier_id != tier)
        targets = {}
        for ticket in self:
            target = waiting or ticket.waiting_on
            if closing and not waiting:
                target = "none"
            elif ticket in moving and not waiting:
                if tier.is_external and ticket.waiting_on == "none":
                    target = "vendor"
                elif not tier.is_external and ticket.waiting_on == "vendor":
                    target = "none"
            targets[ticket] = target
        settling = {
            ticket: ticket.waiting_since
            for ticket in self
            if targets[ticket] != ticket.waiting_on and ticket.waiting_since
        }
        times = self._sla_working_times(settling)
        groups = {}
        for ticket in self:
            extra = {}
            if ticket in moving:
                extra.update(
                    sla_tier_start_date=now,
                    sla_tier_paused_hours=0.0,
                    sla_tier_breached=False,
                )
            target = targets[ticket]
            if target != ticket.waiting_on:
                extra.update(waiting_on=target, waiting_since=target != "none" and now)
                working = times.get(ticket._sla_calendar())
                hours = (
                    working.hours_between(ticket.waiting_since, now)
                    if working and ticket in settling
                    else 0.0
                )
                if ticket.waiting_on == "customer":
                    extra["sla_paused_hours"] = ticket.sla_paused_hours + hours
                    extra["sla_tier_paused_hours"] = (
                        extra.get("sla_tier_paused_hours", ticket.sla_tier_paused_hours)
                        + hours
                    )
                elif ticket.waiting_on == "vendor":
                    extra["vendor_wait_hours"] = ticket.vendor_wait_hours + hours
                if target == "customer":
                    extra["customer_wait_count"] = ticket.customer_wait_count + 1
            groups.setdefault(tuple(sorted(extra.items())), []).append(ticket.id)
        return {extra: self.browse(ids) for extra, ids in groups.items()}

    def _register_public_message(self, message):
        """A public message from an agent answers the customer (the first one is
        the first response) and moves the next status update; one from the
        customer's side ends a wait on the customer."""
        if message.author_id.user_ids.filtered(lambda user: not user.share):
            vals = {"last_customer_update": message.date}
            if not self.first_response_date:
                vals["first_response_date"] = message.date
        elif self.waiting_on == "customer":
            vals = {"waiting_on": "none"}
        else:
            return
        # sudo: bookkeeping of the conversation, whoever writes in it (the
        # customer, an agent of another tier who may only read the ticket).
        self.sudo().write(vals)

    @api.model
    def _cron_sla_sweep(self):
        """Scheduled every 5 minutes: one batch of due tickets per call; the cron
        calls again at once while some are left."""
        done = self._sla_sweep(limit=SLA_SWEEP_BATCH)
        remaining = self.search_count([("sla_next_check", "<=", fields.Datetime.now())])
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _sla_sweep(self, limit=None):
        """Act on the tickets whose next check is due (found through the index on
        ``sla_next_check``, so the cost follows the tickets due, not the tickets
        open): a threshold reached warns the tier's team lead, a deadline passed
        escalates the ticket one tier up or warns the lead. Rows another sweep
        holds are skipped. Returns the number of tickets handled."""
        self.flush_model(["sla_next_check"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM helpdesk_ticket WHERE sla_next_check <= %s "
                "ORDER BY sla_next_check LIMIT %s FOR UPDATE SKIP LOCKED",
                fields.Datetime.now(),
                limit,
            )
        )
        tickets = self.browse(row[0] for row in self.env.cr.fetchall())
        tickets._sla_process()
        return len(tickets)

    def _sla_process(self):
        """Act on what is due on these tickets, once: each breach and each
        threshold is handled by the first sweep that sees it."""
        if not self:
            return
        now = fields.Datetime.now()
        clocks = {ticket: ticket._sla_stored_clocks() for ticket in self}
        at_risk, breaches = {}, {}
        customer_breached, tier_breached = self.browse(), self.browse()
        for ticket in self:
            running = ticket._sla_running_clocks(clocks[ticket])
            late = [
                name
                for name, clock in running.items()
                if clock.deadline <= now and not ticket._sla_dealt_with(name)
            ]
            if set(late) & set(CUSTOMER_CLOCKS):
                customer_breached |= ticket
            if "tier" in late:
                tier_breached |= ticket
            if late:
                # The customer's deadline first: one escalation for all.
                breaches[ticket] = late[0]
                continue
            checked = ticket.sla_checked_date
            risky = [
                name
                for name, clock in running.items()
                if clock.risk <= now
                and (not checked or clock.risk > checked)
                and not ticket._sla_dealt_with(name)
            ]
            if risky:
                at_risk[ticket] = risky[0]
        # The sweep's own bookkeeping, and the states it moves: not tracked.
        quiet = self.with_context(mail_notrack=True)
        quiet.write({"sla_checked_date": now})
        quiet.browse(customer_breached.ids).write({"sla_breach_date": now})
        quiet.browse(tier_breached.ids).write({"sla_tier_breached": True})
        quiet._recompute_recordset()
        self._sla_schedule_activities(at_risk, clocks, breached=False)
        self._sla_handle_breaches(breaches, clocks)

    def _sla_escalation_target(self):
        """The tier one step up that an automatic escalation may hand the ticket
        to: the lowest internal tier this one escalates to (never a vendor: that
        needs a person to choose which one and what to send)."""
        self.ensure_one()
        return self.tier_id.escalation_target_ids.filtered(
            lambda tier: tier.active and not tier.is_external
        ).sorted("level")[:1]

    def _sla_handle_breaches(self, breaches, clocks):
        """Escalate the breached tickets one tier up (when their plan says so and
        there is a tier above), with a system hand-off note; warn the team lead
        of the others."""
        escalations, warnings = {}, {}
        for ticket, name in breaches.items():
            target = (
                ticket.service_plan_id.sla_auto_escalate
                and ticket._sla_escalation_target()
            )
            if target:
                key = (target, name, ticket.tier_id)
                escalations.setdefault(key, []).append(ticket.id)
            else:
                warnings[ticket] = name
        # The system escalates (OdooBot signs the hand-off note), whoever runs
        # the sweep.
        system = self.with_user(SUPERUSER_ID)
        for (target, name, origin), ticket_ids in escalations.items():
            system.browse(ticket_ids).escalate(
                target, self._sla_escalation_note(name, origin), reason="sla"
            ).write({"sla_breach": name})
        self._sla_schedule_activities(warnings, clocks, breached=True)

    def _sla_escalation_note(self, name, origin):
        if name == "response":
            reason = self.env._(
                "The customer got no first response before the deadline of their "
                "service plan."
            )
        elif name == "resolve":
            reason = self.env._(
                "The ticket was not resolved before the deadline of the customer's "
                "service plan."
            )
        else:
            reason = self.env._(
                "%(tier)s held the ticket beyond its internal target.",
                tier=origin.display_name,
            )
        return self.env._(
            "Automatic escalation by the service-level sweep. %(reason)s Read the "
            "conversation and the earlier hand-off notes for what was tried.",
            reason=reason,
        )

    def _sla_schedule_activities(self, tickets, clocks, breached):
        """Give the team lead of each ticket's team (else its agent) an activity,
        due on the day of the deadline at stake: ``tickets`` is {ticket: name of
        the clock at risk or breached}."""
        activity_type = self.env.ref(
            "helpdesk_tiers.mail_activity_type_sla_breached"
            if breached
            else "helpdesk_tiers.mail_activity_type_sla_at_risk"
        )
        summaries = (
            {
                "response": self.env._("SLA breached: first response"),
                "resolve": self.env._("SLA breached: resolution"),
                "tier": self.env._("SLA breached: tier target, no tier to escalate to"),
            }
            if breached
            else {
                "response": self.env._("SLA at risk: first response"),
                "resolve": self.env._("SLA at risk: resolution"),
                "tier": self.env._("SLA at risk: tier target"),
            }
        )
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for ticket, name in tickets.items():
            user = ticket.team_id.user_id or ticket.user_id
            if not user:
                continue
            deadline = fields.Datetime.context_timestamp(
                ticket.with_context(tz=user.tz), clocks[ticket][name].deadline
            )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": ticket.id,
                    "activity_type_id": activity_type.id,
                    "summary": summaries[name],
                    "user_id": user.id,
                    "date_deadline": deadline.date(),
                }
            )
        # One batch, without an e-mail per activity: the lead sees them in the
        # activity menu.
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            vals_list
        )

    def _render_customer_update(self):
        """{ticket: values of its status update}: the contact, the channel (their
        choice; the portal when they have no e-mail address), their language, and
        the subject and body of the template rendered in that language."""
        template = self.env.ref("helpdesk_tiers.mail_template_customer_update")
        rendered = template._generate_template(self.ids, ("subject", "body_html"))
        langs = template._render_lang(self.ids)
        result = {}
        for ticket in self:
            partner = ticket.partner_id
            channel = partner.helpdesk_update_channel or "email"
            if channel == "email" and not partner.email:
                channel = "portal"
            result[ticket] = {
                "partner_id": partner.id,
                "channel": channel,
                "lang": langs.get(ticket.id) or partner.lang or self.env.lang,
                "subject": rendered[ticket.id]["subject"],
                "body": rendered[ticket.id]["body_html"],
                "webhook_url": channel == "webhook"
                and partner.helpdesk_update_webhook_url,
            }
        return result

    def action_wait_on_customer(self):
        self.write({"waiting_on": "customer"})
