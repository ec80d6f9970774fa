# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskKbCategory(models.Model):
    """A shelf of the knowledge base (printers, network, accounts, billing...)."""

    _name = "helpdesk.kb.category"
    _description = "Knowledge Base Category"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(
        translate=True, help="Shown to customers on the portal's category page."
    )
    company_id = fields.Many2one(
        "res.company",
        index="btree_not_null",
        help="Leave empty to share the category between companies.",
    )
    reviewer_id = fields.Many2one(
        "res.users",
        string="Reviewer",
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("helpdesk_tiers.group_l3_specialist").ids)
        ],
        help="Who is asked to review the articles submitted in this category.",
    )
    ticket_category_ids = fields.Many2many(
        "helpdesk.ticket.category",
        string="Ticket categories",
        help="Articles published from tickets of these categories land here.",
    )
    article_ids = fields.One2many("helpdesk.kb.article", "category_id")
    article_count = fields.Integer(compute="_compute_article_count")

    def _compute_article_count(self):
        counts = dict(
            self.env["helpdesk.kb.article"]._read_group(
                [("category_id", "in", self.ids)], ["category_id"], ["__count"]
            )
        )
        for category in self:
            category.article_count = counts.get(category, 0)

    def action_view_articles(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_tiers.helpdesk_kb_article_action"
        )
        action.update(
            domain=[("category_id", "=", self.id)],
            context={"default_category_id": self.id},
        )
        return action
