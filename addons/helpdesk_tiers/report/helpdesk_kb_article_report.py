# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.helpdesk_kb_article import KB_LANGS, KB_STATES, KB_VISIBILITIES

# Votes against needed before an article counts as "many votes against".
MANY_VOTES_AGAINST = 3


class HelpdeskKbArticleReport(models.Model):
    """Effectiveness of each article: how often agents applied it, tickets it
    resolved, customers it helped without a ticket, and their votes."""

    _name = "helpdesk.kb.article.report"
    _description = "Knowledge Base Effectiveness"
    _auto = False
    _order = "use_count desc, article_id"
    # what the query reads: flushed before any search on the report
    _depends = {
        "helpdesk.kb.article": [
            "name",
            "category_id",
            "tier_id",
            "company_id",
            "lang",
            "state",
            "visibility",
            "published_date",
            "ticket_ids",
        ],
        "helpdesk.kb.article.event": ["article_id", "kind", "create_date"],
        "helpdesk.ticket": ["stage_id", "active", "kb_article_ids"],
        "helpdesk.ticket.stage": ["closed"],
    }

    article_id = fields.Many2one("helpdesk.kb.article", readonly=True)
    name = fields.Char(string="Title", readonly=True)
    category_id = fields.Many2one("helpdesk.kb.category", readonly=True)
    tier_id = fields.Many2one("helpdesk.tier", string="Lowest tier", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    lang = fields.Selection(KB_LANGS, string="Language", readonly=True)
    state = fields.Selection(KB_STATES, readonly=True)
    visibility = fields.Selection(KB_VISIBILITIES, readonly=True)
    published_date = fields.Datetime(readonly=True)
    use_count = fields.Integer(string="Applied", readonly=True)
    resolved_count = fields.Integer(string="Resolved tickets", readonly=True)
    deflection_count = fields.Integer(string="Solved without a ticket", readonly=True)
    helpful_count = fields.Integer(string="Helpful votes", readonly=True)
    unhelpful_count = fields.Integer(string="Votes against", readonly=True)
    helpful_rate = fields.Float(
        string="Helpful (%)",
        readonly=True,
        aggregator="avg",
        help="Share of helpful votes among all votes.",
    )
    last_used = fields.Datetime(readonly=True)
    never_used = fields.Boolean(readonly=True)
    many_votes_against = fields.Boolean(
        readonly=True,
        help=f"At least {MANY_VOTES_AGAINST} votes against, and more against than "
        "for.",
    )

    @property
    def _table_query(self):
        # Grouped subqueries rather than lateral joins: the planner pushes an
        # article_id filter into them, and a full report aggregates each table once.
        return SQL(
            """
            SELECT a.id AS id, a.id AS article_id, a.name, a.category_id, a.tier_id,
                   a.company_id, a.lang, a.state, a.visibility, a.published_date,
                   coalesce(e.use_count, 0) AS use_count,
                   coalesce(t.resolved_count, 0) AS resolved_count,
                   coalesce(e.deflection_count, 0) AS deflection_count,
                   coalesce(e.helpful_count, 0) AS helpful_count,
                   coalesce(e.unhelpful_count, 0) AS unhelpful_count,
                   CASE WHEN coalesce(e.helpful_count + e.unhelpful_count, 0) > 0
                        THEN 100.0 * e.helpful_count
                             / (e.helpful_count + e.unhelpful_count)
                   END AS helpful_rate,
                   e.last_used,
                   coalesce(e.use_count + e.deflection_count, 0) = 0
                       AND coalesce(t.resolved_count, 0) = 0 AS never_used,
                   coalesce(e.unhelpful_count >= %(many)s
                            AND e.unhelpful_count > e.helpful_count, FALSE)
                       AS many_votes_against
              FROM helpdesk_kb_article a
         LEFT JOIN (
                SELECT article_id,
                       count(*) FILTER (WHERE kind = 'applied') AS use_count,
                       count(*) FILTER (WHERE kind = 'deflected') AS deflection_count,
                       count(*) FILTER (WHERE kind = 'helpful') AS helpful_count,
                       count(*) FILTER (WHERE kind = 'unhelpful') AS unhelpful_count,
                       max(create_date) FILTER (WHERE kind IN ('applied', 'deflected'))
                           AS last_used
                  FROM helpdesk_kb_article_event
              GROUP BY article_id
              ) e ON e.article_id = a.id
         LEFT JOIN (
                SELECT rel.article_id, count(*) AS resolved_count
                  FROM helpdesk_kb_article_helpdesk_ticket_rel rel
                  JOIN helpdesk_ticket ticket ON ticket.id = rel.ticket_id
                  JOIN helpdesk_ticket_stage stage ON stage.id = ticket.stage_id
                 WHERE stage.closed AND ticket.active
              GROUP BY rel.article_id
              ) t ON t.article_id = a.id
            """,
            many=MANY_VOTES_AGAINST,
        )
