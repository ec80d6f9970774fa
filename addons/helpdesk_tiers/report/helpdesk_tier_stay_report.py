# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.helpdesk_service_plan import PRIORITY_CATEGORIES

STAY_OUTCOMES = [
    ("escalated", "Escalated"),
    ("returned", "Returned"),
    ("resolved", "Resolved"),
    ("open", "Still there"),
]


class HelpdeskTierStayReport(models.Model):
    """One row per stay of a ticket at a tier, from its arrival (its opening,
    or the escalation or return that brought it) to the move that took it
    elsewhere or its closing: how much each tier handles, resolves and passes
    on, and along which paths."""

    _name = "helpdesk.tier.stay.report"
    _description = "Helpdesk Tier Analysis"
    _auto = False
    _rec_name = "ticket_id"
    _order = "date_start desc"
    _depends = {
        "helpdesk.ticket": [
            "active",
            "company_id",
            "team_id",
            "user_id",
            "tier_id",
            "stage_id",
            "closed_date",
            "sla_start_date",
            "priority_category",
        ],
        "helpdesk.ticket.stage": ["closed"],
        "helpdesk.ticket.escalation": [
            "ticket_id",
            "date",
            "from_tier_id",
            "to_tier_id",
            "from_team_id",
            "to_team_id",
            "direction",
            "user_id",
            "sla_breach",
        ],
    }

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    tier_id = fields.Many2one("helpdesk.tier", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Agent",
        readonly=True,
        help="Who moved the ticket on from this tier, or holds it now.",
    )
    priority_category = fields.Selection(
        PRIORITY_CATEGORIES, string="Priority", readonly=True
    )
    next_tier_id = fields.Many2one(
        "helpdesk.tier",
        string="Handed to",
        readonly=True,
        help="The tier the ticket went to next (the escalation path).",
    )
    date_start = fields.Datetime(string="Arrived", readonly=True)
    date_end = fields.Datetime(string="Left", readonly=True)
    outcome = fields.Selection(STAY_OUTCOMES, readonly=True)
    automatic = fields.Boolean(
        string="Escalated on breach",
        readonly=True,
        help="The service-level sweep escalated the ticket by itself.",
    )
    escalated_rate = fields.Float(
        string="Escalation rate (%)",
        aggregator="avg",
        readonly=True,
        help="Stays that ended with an escalation, among the finished ones.",
    )
    resolved_rate = fields.Float(
        string="Resolved here (%)",
        aggregator="avg",
        readonly=True,
        help="Stays that ended with the ticket resolved, among the finished ones.",
    )
    hours = fields.Float(
        string="Time held (h)",
        aggregator="avg",
        readonly=True,
        help="Hours the tier held the ticket (until now for the open ones).",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH moves AS (
                SELECT move.ticket_id, move.date, move.from_tier_id, move.to_tier_id,
                       move.from_team_id, move.to_team_id, move.direction,
                       move.user_id, move.sla_breach,
                       ROW_NUMBER() OVER (
                           PARTITION BY move.ticket_id ORDER BY move.date, move.id
                       ) AS seq
                  FROM helpdesk_ticket_escalation move
            ), arrivals AS (
                SELECT ticket.id AS ticket_id, 0 AS seq,
                       COALESCE(first.from_tier_id, ticket.tier_id) AS tier_id,
                       COALESCE(first.from_team_id, ticket.team_id) AS team_id,
                       ticket.sla_start_date AS date_start
                  FROM helpdesk_ticket ticket
                  LEFT JOIN moves first
                         ON first.ticket_id = ticket.id AND first.seq = 1
                 WHERE ticket.active
                UNION ALL
                SELECT moves.ticket_id, moves.seq, moves.to_tier_id, moves.to_team_id,
                       moves.date
                  FROM moves
            ), stays AS (
                SELECT arrival.*, next.date AS next_date, next.direction,
                       next.to_tier_id AS next_tier_id, next.user_id AS mover_id,
                       next.sla_breach
                  FROM arrivals arrival
                  LEFT JOIN moves next
                         ON next.ticket_id = arrival.ticket_id
                        AND next.seq = arrival.seq + 1
            )
            SELECT ticket.id::bigint * 1000 + stay.seq AS id,
                   stay.ticket_id,
                   ticket.company_id,
                   stay.tier_id,
                   stay.team_id,
                   COALESCE(stay.mover_id, ticket.user_id) AS user_id,
                   ticket.priority_category,
                   stay.next_tier_id,
                   stay.date_start,
                   COALESCE(
                       stay.next_date,
                       CASE WHEN stage.closed THEN ticket.closed_date END
                   ) AS date_end,
                   CASE WHEN stay.direction = 'up' THEN 'escalated'
                        WHEN stay.direction = 'down' THEN 'returned'
                        WHEN stage.closed THEN 'resolved'
                        ELSE 'open' END AS outcome,
                   stay.sla_breach IS NOT NULL AS automatic,
                   CASE WHEN stay.direction = 'up' THEN 100.0
                        WHEN stay.direction IS NOT NULL OR stage.closed THEN 0.0
                   END AS escalated_rate,
                   CASE WHEN stay.direction IS NULL AND stage.closed THEN 100.0
                        WHEN stay.direction IS NOT NULL THEN 0.0
                   END AS resolved_rate,
                   EXTRACT(EPOCH FROM COALESCE(
                       stay.next_date,
                       CASE WHEN stage.closed THEN ticket.closed_date END,
                       NOW() AT TIME ZONE 'UTC'
                   ) - stay.date_start) / 3600 AS hours
              FROM stays stay
              JOIN helpdesk_ticket ticket ON ticket.id = stay.ticket_id
              LEFT JOIN helpdesk_ticket_stage stage ON stage.id = ticket.stage_id
             WHERE ticket.active
            """
        )
