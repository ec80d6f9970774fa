# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskAlertToken(models.TransientModel):
    """Shows a newly generated token once. The token travels in the action's
    context and is never stored: the dialog is only ever cancelled."""

    _name = "helpdesk.alert.token"
    _description = "New Alert Source Token"

    source_id = fields.Many2one("helpdesk.alert.source", readonly=True)
    token = fields.Char(compute="_compute_token")

    @api.depends_context("helpdesk_alert_token")
    def _compute_token(self):
        for wizard in self:
            wizard.token = self.env.context.get("helpdesk_alert_token")
