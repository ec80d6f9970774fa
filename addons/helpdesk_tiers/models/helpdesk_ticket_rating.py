# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

RATING_VALUES = [
    ("1", "Very dissatisfied"),
    ("2", "Dissatisfied"),
    ("3", "Neutral"),
    ("4", "Satisfied"),
    ("5", "Very satisfied"),
]


class HelpdeskTicketRating(models.Model):
    """The customer's satisfaction with a closed ticket (1 to 5 and a comment),
    given on the portal. The tier, team and agent that held the ticket when it
    was rated are kept, so that the report reads per tier and per agent."""

    _name = "helpdesk.ticket.rating"
    _description = "Ticket satisfaction rating"
    _order = "date desc, id desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade"
    )
    rating = fields.Integer(required=True, aggregator="avg")
    rating_label = fields.Selection(
        RATING_VALUES,
        string="Satisfaction",
        compute="_compute_rating_label",
        store=True,
    )
    comment = fields.Text()
    partner_id = fields.Many2one(
        "res.partner", string="Rated by", required=True, ondelete="cascade"
    )
    commercial_partner_id = fields.Many2one(
        related="ticket_id.commercial_partner_id", string="Customer", store=True
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    tier_id = fields.Many2one("helpdesk.tier", string="Tier", index=True)
    team_id = fields.Many2one("helpdesk.ticket.team", string="Team")
    user_id = fields.Many2one("res.users", string="Agent", index="btree_not_null")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        ("ticket_unique", "unique(ticket_id)", "A ticket is rated once."),
        ("rating_range", "check(rating between 1 and 5)", "A rating is 1 to 5."),
    ]

    @api.depends("rating")
    def _compute_rating_label(self):
        for rating in self:
            rating.rating_label = str(rating.rating) if rating.rating else False
