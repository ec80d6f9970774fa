# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    helpdesk_default_service_plan_id = fields.Many2one(
        related="company_id.helpdesk_default_service_plan_id", readonly=False
    )
    helpdesk_recurrence_threshold = fields.Integer(
        related="company_id.helpdesk_recurrence_threshold", readonly=False
    )
    helpdesk_recurrence_days = fields.Integer(
        related="company_id.helpdesk_recurrence_days", readonly=False
    )
    helpdesk_sla_at_risk_percent = fields.Float(
        related="company_id.helpdesk_sla_at_risk_percent", readonly=False
    )
