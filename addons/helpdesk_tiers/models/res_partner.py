# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    helpdesk_service_plan_id = fields.Many2one(
        "helpdesk.service.plan",
        string="Service plan",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        help="The support plan of this customer, set on the company and shared "
        "by its contacts. Empty: the company's default plan.",
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["helpdesk_service_plan_id"]
