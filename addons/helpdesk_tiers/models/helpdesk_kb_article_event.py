# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

KB_EVENT_KINDS = [
    ("applied", "Applied on a ticket"),
    ("deflected", "Solved without a ticket"),
    ("helpful", "Helpful"),
    ("unhelpful", "Not helpful"),
]
KB_EVENT_ORIGINS = [
    ("ticket", "Ticket"),
    ("portal", "Portal knowledge base"),
    ("ticket_form", "Portal new-ticket form"),
]


class HelpdeskKbArticleEvent(models.Model):
    """One use of an article: applied by an agent, or a customer's vote or
    "this solved it". Written only by ``helpdesk.kb.article._record_event``."""

    _name = "helpdesk.kb.article.event"
    _description = "Knowledge Base Article Event"
    _order = "create_date desc, id desc"

    article_id = fields.Many2one(
        "helpdesk.kb.article", required=True, ondelete="cascade", index=True
    )
    kind = fields.Selection(KB_EVENT_KINDS, required=True, index=True)
    origin = fields.Selection(KB_EVENT_ORIGINS, required=True)
    ticket_id = fields.Many2one(
        "helpdesk.ticket", ondelete="set null", index="btree_not_null"
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", ondelete="set null", index="btree_not_null"
    )
    user_id = fields.Many2one("res.users", string="By", ondelete="set null")
    category_id = fields.Many2one(related="article_id.category_id", store=True)
    lang = fields.Selection(related="article_id.lang", store=True)
    company_id = fields.Many2one(related="article_id.company_id", store=True)
