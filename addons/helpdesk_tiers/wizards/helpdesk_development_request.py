# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskDevelopmentRequest(models.TransientModel):
    """A specialist asks for development (a fix or a feature) behind a ticket."""

    _name = "helpdesk.development.request"
    _description = "Request Development"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, readonly=True)
    summary = fields.Text(
        string="What to develop",
        required=True,
        help="What has to be developed or fixed in the product, and why.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id._request_development(self.summary)
        return {"type": "ir.actions.act_window_close"}
