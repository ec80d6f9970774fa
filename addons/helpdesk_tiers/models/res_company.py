# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    helpdesk_default_service_plan_id = fields.Many2one(
        "helpdesk.service.plan",
        string="Default service plan",
        ondelete="restrict",
        check_company=True,
        help="The plan of customers who have none.",
    )
