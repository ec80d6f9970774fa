# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    helpdesk_development_project_id = fields.Many2one(
        "project.project",
        string="Development project",
        check_company=True,
        help="Where the specialists' development requests become tasks.",
    )
