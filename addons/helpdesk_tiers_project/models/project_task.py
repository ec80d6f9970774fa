# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ProjectTask(models.Model):
    _inherit = "project.task"

    helpdesk_ticket_ids = fields.One2many(
        "helpdesk.ticket",
        "development_task_id",
        string="Helpdesk tickets",
        help="The tickets waiting for this development.",
    )
