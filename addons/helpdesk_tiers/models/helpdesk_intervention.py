# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

INTERVENTION_KINDS = [
    ("remote", "Remote session"),
    ("onsite", "On-site visit"),
    ("replacement", "Replacement equipment"),
]


class HelpdeskIntervention(models.Model):
    """An action of the back office on a ticket: a remote session, an on-site visit
    or a replacement unit. Planning it books the technician's calendar and tells the
    customer when it happens and what to prepare."""

    _name = "helpdesk.intervention"
    _description = "Helpdesk Intervention"
    _inherit = ["mail.thread", "mail.activity.mixin", "helpdesk.state.mixin"]
    _order = "scheduled_date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('closed', '=', False)]",
    )
    partner_id = fields.Many2one(
        related="ticket_id.partner_id", string="Customer", store=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    kind = fields.Selection(
        INTERVENTION_KINDS, required=True, default="remote", tracking=True
    )
    scheduled_date = fields.Datetime(string="Date", tracking=True, index=True)
    duration = fields.Float(
        default=1.0, help="Expected length of the intervention, in hours."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Technician",
        tracking=True,
        index=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("planned", "Planned"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    notes = fields.Text(
        string="Internal notes",
        help="What the technician has to do; not shown to " "the customer.",
    )
    customer_preparation = fields.Text(
        string="What the customer prepares",
        compute="_compute_customer_preparation",
        store=True,
        readonly=False,
        help="Sent to the customer with the date.",
    )
    address = fields.Char(compute="_compute_address")
    outcome = fields.Text(help="What was done, for the ticket's history.")
    calendar_event_id = fields.Many2one(
        "calendar.event",
        string="Calendar event",
        compute="_compute_calendar_event_id",
        help="The technician's appointment, booked when the intervention is planned.",
    )

    @api.depends("kind")
    def _compute_customer_preparation(self):
        texts = {
            "remote": self.env._(
                "Please be at the computer concerned at that time, with the remote "
                "support tool installed and your password at hand."
            ),
            "onsite": self.env._(
                "Please make sure someone can let the technician in and show the "
                "equipment, and that it can be switched off if needed."
            ),
            "replacement": self.env._(
                "Please keep the faulty unit and its accessories at hand: the "
                "technician swaps it and takes the old one back."
            ),
        }
        for intervention in self:
            intervention.customer_preparation = texts.get(intervention.kind, False)

    @api.depends("kind", "partner_id")
    def _compute_address(self):
        for intervention in self:
            partner = intervention.partner_id
            parts = (
                partner.street,
                partner.street2,
                " ".join(filter(None, (partner.zip, partner.city))),
                partner.country_id.name,
            )
            intervention.address = (
                ", ".join(filter(None, parts)) or False
                if intervention.kind == "onsite"
                else False
            )

    def _compute_calendar_event_id(self):
        events = self.env["calendar.event"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        )
        by_intervention = {event.res_id: event for event in events}
        for intervention in self:
            intervention.calendar_event_id = by_intervention.get(intervention.id)

    @api.depends("kind", "ticket_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for intervention in self:
            intervention.display_name = (
                f"{kinds.get(intervention.kind, '')} - "
                f"{intervention.ticket_id.number or ''}"
            )

    @api.constrains("duration")
    def _check_duration(self):
        if self.filtered(lambda i: i.duration <= 0):
            raise ValidationError(
                self.env._("An intervention lasts more than zero hours.")
            )

    @api.constrains("ticket_id", "state")
    def _check_ticket_open(self):
        for intervention in self:
            if intervention.state == "draft" and intervention.ticket_id.closed:
                raise ValidationError(
                    self.env._(
                        "Ticket %s is closed: reopen it to plan an intervention.",
                        intervention.ticket_id.number,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_plan(self):
        """Book the technician and tell the customer the date and what to prepare."""
        self.check_access("write")
        self._check_state(("draft",))
        now = fields.Datetime.now()
        for intervention in self:
            if not intervention.scheduled_date or not intervention.user_id:
                raise UserError(
                    self.env._(
                        "Set the date and the technician of %s before planning it.",
                        intervention.display_name,
                    )
                )
            if intervention.scheduled_date <= now:
                raise UserError(
                    self.env._(
                        "The date of %s is in the past: choose a future date.",
                        intervention.display_name,
                    )
                )
            if intervention.ticket_id.closed:
                raise UserError(
                    self.env._(
                        "Ticket %s is closed: reopen it to plan an intervention.",
                        intervention.ticket_id.number,
                    )
                )
        self._book_calendar()
        self.write({"state": "planned"})
        for intervention in self.filtered("partner_id"):
            intervention.ticket_id._post_customer_message(
                "helpdesk_tiers.message_intervention_planned",
                intervention=intervention,
            )
        return True

    def action_done(self):
        self.check_access("write")
        self._check_state(("planned",))
        self.write({"state": "done"})
        for intervention in self:
            intervention.ticket_id.message_post(
                body=self.env._(
                    "%(intervention)s done by %(technician)s. %(outcome)s",
                    intervention=intervention.display_name,
                    technician=intervention.user_id.name,
                    outcome=intervention.outcome or "",
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cancel(self):
        """Cancel; a customer who was told the date is told it is off."""
        self.check_access("write")
        self._check_state(("draft", "planned"))
        planned = self.filtered(lambda i: i.state == "planned")
        self.calendar_event_id.unlink()
        self.write({"state": "cancelled"})
        for intervention in planned.filtered("partner_id"):
            intervention.ticket_id._post_customer_message(
                "helpdesk_tiers.message_intervention_cancelled",
                intervention=intervention,
            )
        return True

    def action_reset(self):
        """Back to draft, to change the date or the technician and plan again."""
        self.check_access("write")
        self._check_state(("planned", "cancelled"))
        self.calendar_event_id.unlink()
        self.write({"state": "draft"})
        return True

    def action_open_calendar_event(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": self.calendar_event_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _book_calendar(self):
        """One event per intervention in the technician's calendar, linked to the
        intervention (its document)."""
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["calendar.event"].with_context(no_mail_to_attendees=True).create(
            [
                {
                    "name": self.env._(
                        "%(kind)s: %(ticket)s",
                        kind=kinds[intervention.kind],
                        ticket=intervention.ticket_id.display_name,
                    ),
                    "start": intervention.scheduled_date,
                    "stop": intervention.scheduled_date
                    + timedelta(hours=intervention.duration),
                    "duration": intervention.duration,
                    "user_id": intervention.user_id.id,
                    "partner_ids": [(6, 0, intervention.user_id.partner_id.ids)],
                    "location": intervention.address or False,
                    "description": intervention.notes or False,
                    "res_model_id": model_id,
                    "res_id": intervention.id,
                }
                for intervention in self
            ]
        )
        self.invalidate_recordset(["calendar_event_id"])
