# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    tier_id = fields.Many2one(
        "helpdesk.tier",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        help="The support tier this team works at. Escalating a ticket to that tier "
        "hands it to this team.",
    )
