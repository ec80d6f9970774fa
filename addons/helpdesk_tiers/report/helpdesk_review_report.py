# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class HelpdeskReviewReport(models.Model):
    """Tickets closed at the front line and whether the back office reviewed them:
    the share reviewed per month, agent, team or category."""

    _name = "helpdesk.review.report"
    _description = "Review of Front-Line Tickets"
    _auto = False
    _order = "closed_date desc"

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    closed_date = fields.Datetime(readonly=True)
    user_id = fields.Many2one("res.users", string="Closed by", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    category_id = fields.Many2one("helpdesk.ticket.category", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    is_reviewed = fields.Boolean(string="Reviewed", readonly=True)
    reviewer_id = fields.Many2one("res.users", string="Reviewed by", readonly=True)
    ticket_count = fields.Integer(string="Closed at L1", readonly=True)
    reviewed_count = fields.Integer(string="Reviewed tickets", readonly=True)
    reviewed_share = fields.Float(
        string="Share reviewed (%)", readonly=True, aggregator="avg"
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %s AS (
                SELECT t.id,
                       t.id AS ticket_id,
                       t.closed_date,
                       t.user_id,
                       t.team_id,
                       t.category_id,
                       t.commercial_partner_id AS partner_id,
                       t.company_id,
                       coalesce(t.is_reviewed, false) AS is_reviewed,
                       t.reviewer_id,
                       1 AS ticket_count,
                       CASE WHEN t.is_reviewed THEN 1 ELSE 0 END AS reviewed_count,
                       CASE WHEN t.is_reviewed THEN 100.0 ELSE 0.0 END
                           AS reviewed_share
                  FROM helpdesk_ticket t
                  JOIN helpdesk_tier tier ON tier.id = t.resolved_tier_id
                 WHERE t.active
                   AND tier.level = (
                       SELECT min(level) FROM helpdesk_tier WHERE active
                   )
            )
                """,
                SQL.identifier(self._table),
            )
        )
