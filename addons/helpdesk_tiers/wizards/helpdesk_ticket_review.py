# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketReview(models.TransientModel):
    """The back office's review of tickets closed at the front line."""

    _name = "helpdesk.ticket.review"
    _description = "Review Front-Line Tickets"

    ticket_ids = fields.Many2many("helpdesk.ticket", string="Tickets", required=True)
    remarks = fields.Text(
        help="What went well, what to do differently; the agent who closed the "
        "ticket is notified."
    )

    def action_confirm(self):
        self.ensure_one()
        self.ticket_ids._mark_reviewed(self.remarks)
        return {"type": "ir.actions.act_window_close"}
