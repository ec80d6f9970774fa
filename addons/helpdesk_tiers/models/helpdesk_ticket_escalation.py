# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from .helpdesk_sync_event import SYNC_CONTEXT_KEY

ESCALATION_REASONS = [
    ("expertise", "Needs deeper expertise"),
    ("access", "Needs access, tools or equipment"),
    ("vendor", "Needs the vendor"),
    ("sla", "Service level at risk"),
    ("customer", "Asked by the customer"),
    ("handback", "Handed back"),
    ("coaching", "Returned for coaching"),
    ("other", "Other"),
]
# What a customer is told to expect when a ticket reaches a tier that warns them.
DELAY_UNITS = [("days", "Working days"), ("weeks", "Weeks"), ("months", "Months")]
COST_NOTICES = [
    ("included", "Covered by the contract"),
    ("quote", "Quote before any billable work"),
    ("billable", "Billable at the usual rates"),
]
EXPECTATION_KEYS = ("delay", "delay_unit", "cost")


class HelpdeskTicketEscalation(models.Model):
    """One move of a ticket between tiers, with its hand-off note. Written only by
    ``helpdesk.ticket.escalate``/``de_escalate``; never edited afterwards."""

    _name = "helpdesk.ticket.escalation"
    _description = "Ticket Escalation"
    _order = "date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    from_tier_id = fields.Many2one(
        "helpdesk.tier", string="From tier", required=True, ondelete="restrict"
    )
    to_tier_id = fields.Many2one(
        "helpdesk.tier",
        string="To tier",
        required=True,
        ondelete="restrict",
        index=True,
    )
    from_team_id = fields.Many2one("helpdesk.ticket.team", string="From team")
    to_team_id = fields.Many2one("helpdesk.ticket.team", string="To team")
    direction = fields.Selection(
        [("up", "Escalation"), ("down", "Return")], required=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="By",
        required=True,
        default=lambda self: self.env.user,
        index=True,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    note = fields.Text(
        string="Hand-off note",
        required=True,
        help="What was tried, what is known, what is expected from the next tier.",
    )
    reason = fields.Selection(ESCALATION_REASONS)
    sla_breach = fields.Selection(
        [
            ("response", "First response late"),
            ("resolve", "Resolution late"),
            ("tier", "Tier target exceeded"),
        ],
        string="Automatic, on breach",
        readonly=True,
        help="Set when the service-level sweep escalated the ticket by itself.",
    )

    @api.depends("ticket_id", "from_tier_id", "to_tier_id")
    def _compute_display_name(self):
        for escalation in self:
            escalation.display_name = (
                f"{escalation.ticket_id.number or ''}: "
                f"{escalation.from_tier_id.code or '?'} → "
                f"{escalation.to_tier_id.code or '?'}"
            )

    def _get_note_body(self):
        """The internal note that records this move in the ticket's chatter."""
        self.ensure_one()
        if self.direction == "up":
            title = self.env._(
                "Escalated from %(origin)s to %(target)s",
                origin=self.from_tier_id.display_name,
                target=self.to_tier_id.display_name,
            )
        else:
            title = self.env._(
                "Returned from %(origin)s to %(target)s",
                origin=self.from_tier_id.display_name,
                target=self.to_tier_id.display_name,
            )
        if self.reason:
            reasons = dict(self._fields["reason"]._description_selection(self.env))
            title = f"{title} ({reasons[self.reason]})"
        return Markup("<p><strong>%s</strong></p>%s") % (
            title,
            plaintext2html(self.note),
        )

    def _post_handoff_notes(self):
        """Record each move in its ticket's chatter as an internal note, notifying
        the members of the receiving team."""
        subtypes = {
            "up": self.env.ref("helpdesk_tiers.mt_ticket_escalated"),
            "down": self.env.ref("helpdesk_tiers.mt_ticket_returned"),
        }
        author = self.env.user.partner_id
        for escalation in self:
            escalation.ticket_id.message_post(
                body=escalation._get_note_body(),
                message_type="comment",
                subtype_id=subtypes[escalation.direction].id,
                partner_ids=(escalation.to_team_id.user_ids.partner_id - author).ids,
            )

    @api.model
    def _check_expectation(self, expectation):
        """Validate what escalate() was told to announce: None, or a dict with any
        of ``delay`` (a positive number), ``delay_unit`` and ``cost``."""
        if not expectation:
            return {}
        if not isinstance(expectation, dict) or set(expectation) - set(
            EXPECTATION_KEYS
        ):
            raise UserError(
                self.env._(
                    "The expectation is a mapping with the keys %s.",
                    ", ".join(EXPECTATION_KEYS),
                )
            )
        delay = expectation.get("delay")
        if delay is not None and (
            isinstance(delay, bool)
            or not isinstance(delay, int)
            or not 0 < delay < 1000
        ):
            raise UserError(
                self.env._(
                    "The expected delay is a whole number between 1 and 999, not "
                    "%s.",
                    delay,
                )
            )
        unit = expectation.get("delay_unit") or "days"
        if unit not in dict(DELAY_UNITS):
            raise UserError(
                self.env._(
                    "Unknown delay unit %(unit)s. Use one of: %(allowed)s.",
                    unit=unit,
                    allowed=", ".join(dict(DELAY_UNITS)),
                )
            )
        cost = expectation.get("cost")
        if cost and cost not in dict(COST_NOTICES):
            raise UserError(
                self.env._(
                    "Unknown cost notice %(cost)s. Use one of: %(allowed)s.",
                    cost=cost,
                    allowed=", ".join(dict(COST_NOTICES)),
                )
            )
        return {"delay": delay, "delay_unit": unit, "cost": cost or False}

    def _notify_customer_expectation(self, expectation):
        """Tell the customer of each ticket escalated to a tier that warns them
        what to expect (delay, cost), in their language."""
        warned = self.filtered(
            lambda e: e.direction == "up"
            and e.to_tier_id.notify_customer_expectation
            and e.ticket_id.partner_id
        )
        # For the customer only: the vendor learns of the escalation itself
        # through its own outbox event, not through this notice.
        warned.ticket_id.with_context(
            **{SYNC_CONTEXT_KEY: True}
        )._post_customer_message(
            "helpdesk_tiers.message_escalation_expectation",
            delay=expectation.get("delay"),
            delay_unit=expectation.get("delay_unit"),
            cost=expectation.get("cost"),
        )

    def _schedule_coaching(self):
        """A return for coaching gives the agent who escalated the ticket a to-do
        with the note, so the feedback reaches that person and not only the team."""
        coaching = self.filtered(
            lambda e: e.direction == "down" and e.reason == "coaching"
        )
        if not coaching:
            return
        earlier = self.search(
            [
                ("ticket_id", "in", coaching.ticket_id.ids),
                ("direction", "=", "up"),
                ("id", "not in", coaching.ids),
            ],
            order="date desc, id desc",
        )
        for escalation in coaching:
            sent_by = earlier.filtered(
                lambda e, esc=escalation: e.ticket_id == esc.ticket_id
                and e.from_tier_id == esc.to_tier_id
            )[:1].user_id
            if not sent_by or sent_by == self.env.user:
                continue
            escalation.ticket_id.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Coaching from %s", self.env.user.name),
                note=plaintext2html(escalation.note),
                user_id=sent_by.id,
            )
