# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.helpdesk_ticket_escalation import (
    COST_NOTICES,
    DELAY_UNITS,
    ESCALATION_REASONS,
)


class HelpdeskTicketEscalate(models.TransientModel):
    """Escalate tickets to a higher tier, or return them one step down, with the
    receiving tier's hand-off checklist in view."""

    _name = "helpdesk.ticket.escalate"
    _description = "Escalate Tickets"

    ticket_ids = fields.Many2many("helpdesk.ticket", string="Tickets", required=True)
    ticket_count = fields.Integer(compute="_compute_allowed_tier_ids")
    direction = fields.Selection(
        [("up", "Escalate"), ("down", "Return")], required=True, default="up"
    )
    current_tier_id = fields.Many2one(
        "helpdesk.tier", string="Current tier", compute="_compute_allowed_tier_ids"
    )
    allowed_tier_ids = fields.Many2many(
        "helpdesk.tier", compute="_compute_allowed_tier_ids"
    )
    tier_id = fields.Many2one(
        "helpdesk.tier",
        string="To tier",
        compute="_compute_tier_id",
        store=True,
        readonly=False,
        domain="[('id', 'in', allowed_tier_ids)]",
    )
    handoff_checklist = fields.Html(related="tier_id.handoff_checklist")
    is_external_tier = fields.Boolean(related="tier_id.is_external")
    vendor_backend_id = fields.Many2one(
        "helpdesk.vendor.backend",
        string="Vendor system",
        compute="_compute_vendor_backend_id",
        store=True,
        readonly=False,
        help="Where the vendor receives the tickets. Proposed from their "
        "category; when left empty, each ticket goes to the vendor system of its "
        "category.",
    )
    note = fields.Text(string="Hand-off note")
    reason = fields.Selection(
        ESCALATION_REASONS, compute="_compute_reason", store=True, readonly=False
    )
    # What the customer is told when the tier warns customers (L3, L4).
    notify_customer_expectation = fields.Boolean(
        related="tier_id.notify_customer_expectation"
    )
    expected_delay = fields.Integer(
        help="Told to the customer, in their language. Leave empty when unknown: "
        "the customer is told it may take longer than usual."
    )
    expected_delay_unit = fields.Selection(DELAY_UNITS, default="weeks")
    cost_notice = fields.Selection(
        COST_NOTICES,
        help="Told to the customer, in their language. Leave empty when unknown: "
        "the customer is told it may cost and that we will say so first.",
    )

    @api.depends("ticket_ids", "direction")
    def _compute_allowed_tier_ids(self):
        for wizard in self:
            tickets = wizard.ticket_ids._origin
            wizard.ticket_count = len(tickets)
            tiers = tickets.tier_id
            wizard.current_tier_id = tiers if len(tiers) == 1 else False
            moves = tickets._get_allowed_moves()
            side = 0 if wizard.direction == "up" else 1
            allowed = None
            for ticket_moves in moves.values():
                tiers_ok = ticket_moves[side]
                allowed = tiers_ok if allowed is None else allowed & tiers_ok
            wizard.allowed_tier_ids = allowed or False

    @api.depends("allowed_tier_ids")
    def _compute_tier_id(self):
        for wizard in self:
            allowed = wizard.allowed_tier_ids._origin
            if wizard.tier_id._origin in allowed:
                continue
            if wizard.direction == "up":
                wizard.tier_id = allowed.sorted("level")[:1]
            else:
                # Back where the first ticket came from, as de_escalate() does.
                first = wizard.ticket_ids._origin[:1]
                if first:
                    preferred = first._get_allowed_moves()[first][1]
                    wizard.tier_id = (preferred & allowed)[:1]
                else:
                    wizard.tier_id = False

    @api.depends("tier_id")
    def _compute_vendor_backend_id(self):
        backend_model = self.env["helpdesk.vendor.backend"]
        for wizard in self:
            if not wizard.tier_id.is_external or wizard.direction != "up":
                wizard.vendor_backend_id = False
                continue
            tickets = wizard.ticket_ids._origin
            found = backend_model._find_for_tickets(tickets)
            backends = set(found.values())
            # One vendor system for them all: propose it; else each its own.
            single = len(found) == len(tickets) and len(backends) == 1
            wizard.vendor_backend_id = backends.pop() if single else False

    @api.depends("direction")
    def _compute_reason(self):
        for wizard in self:
            wizard.reason = "handback" if wizard.direction == "down" else False

    def action_confirm(self):
        self.ensure_one()
        if not self.tier_id:
            raise UserError(self.env._("Choose the tier that takes over the tickets."))
        self.ticket_ids.escalate(
            self.tier_id,
            self.note,
            self.reason,
            vendor=self.vendor_backend_id if self.is_external_tier else None,
            expectation=self._get_expectation(),
        )
        return {"type": "ir.actions.act_window_close"}

    def _get_expectation(self):
        """What the customer is told when the tier warns customers; a delay or a
        cost left empty is announced in general terms (may be long, may cost)."""
        if self.direction != "up" or not self.notify_customer_expectation:
            return None
        return {
            "delay": self.expected_delay or None,
            "delay_unit": self.expected_delay_unit,
            "cost": self.cost_notice or False,
        }
