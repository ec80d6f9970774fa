# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..models.helpdesk_service_plan import PRIORITY_CATEGORIES


class HelpdeskTicketPriorityOverride(models.TransientModel):
    """Set a ticket's priority by hand, saying why."""

    _name = "helpdesk.ticket.priority.override"
    _description = "Override Ticket Priority"

    ticket_ids = fields.Many2many("helpdesk.ticket", string="Tickets", required=True)
    current_explanation = fields.Text(compute="_compute_current_explanation")
    priority_category = fields.Selection(
        PRIORITY_CATEGORIES, string="New priority", required=True
    )
    reason = fields.Text(
        string="Why", required=True, help="Kept on the ticket with your name."
    )

    @api.depends("ticket_ids")
    def _compute_current_explanation(self):
        for wizard in self:
            tickets = wizard.ticket_ids._origin
            wizard.current_explanation = (
                tickets.priority_explanation if len(tickets) == 1 else False
            )

    def action_confirm(self):
        self.ensure_one()
        self.ticket_ids._origin.override_priority(self.priority_category, self.reason)
        return {"type": "ir.actions.act_window_close"}
