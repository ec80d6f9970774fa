# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Knowledge base articles on tickets."""

from markupsafe import Markup

from odoo import Command, models
from odoo.exceptions import UserError
from odoo.tools import (
    html2plaintext,
    is_html_empty,
)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # ------------------------------------------------------------------
    # Knowledge base
    # ------------------------------------------------------------------

    def action_apply_kb_article(self, article_id):
        """Link the article to the ticket, count the use, and open a reply to the
        customer that starts with the article's solution."""
        self.ensure_one()
        self.check_access("write")
        article = self.env["helpdesk.kb.article"].browse(int(article_id)).exists()
        if not article or not article.has_access("read"):
            raise UserError(
                self.env._(
                    "This knowledge base article does not exist or is not "
                    "available to you."
                )
            )
        if article.state != "published":
            raise UserError(
                self.env._(
                    "Article %s is not published: it cannot be applied yet.",
                    article.name,
                )
            )
        if article.tier_id and article.tier_id.level > self.tier_id.level:
            raise UserError(
                self.env._(
                    "Article %(article)s may be applied from %(tier)s only: escalate "
                    "ticket %(ticket)s first.",
                    article=article.name,
                    tier=article.tier_id.display_name,
                    ticket=self.number,
                )
            )
        self.kb_article_ids = [Command.link(article.id)]
        article._record_event("applied", "ticket", ticket=self)
        return self._action_reply_composer(
            self.env._("Reply with %s", article.name),
            default_body=self._kb_reply_body(article),
        )

    def _action_reply_composer(self, name, **defaults):
        """The composer of a public reply to the customer on this ticket."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_subtype_xmlid": "mail.mt_comment",
                **defaults,
            },
        }

    def action_canned_reply(self):
        """A reply to the customer that starts from a canned reply."""
        self.ensure_one()
        replies = self.env["helpdesk.canned.reply"]
        if not replies.search_count(replies._offered_domain(self), limit=1):
            raise UserError(
                self.env._(
                    "No canned reply is offered to you on ticket %s: ask a manager "
                    "to write one for your tier or team.",
                    self.number,
                )
            )
        return self._action_reply_composer(self.env._("Canned reply"))

    def _kb_reply_body(self, article):
        body = Markup(article.body or "")
        if article.visibility == "portal":
            url = f"{self.get_base_url()}{article.portal_url}"
            body += Markup('<p>%s <a href="%s">%s</a></p>') % (
                self.env._("The full article:"),
                url,
                article.name,
            )
        return body

    def action_publish_to_kb(self):
        """Step 7: turn a resolved ticket into a knowledge base article, prefilled
        from the ticket and sent to review (or open the one already written)."""
        self.ensure_one()
        if not self.stage_id.closed:
            raise UserError(
                self.env._(
                    "Ticket %s is not resolved: publish its solution once it is "
                    "closed.",
                    self.number,
                )
            )
        article = self.kb_source_article_ids[:1]
        if not article:
            article = self.env["helpdesk.kb.article"].create(self._kb_article_values())
            if not is_html_empty(article.body):
                article.action_submit_review()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.kb.article",
            "res_id": article.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _kb_article_values(self):
        self.ensure_one()
        symptoms = html2plaintext(self.description or "")
        solution = self._kb_resolving_reply()
        category = (
            self.env["helpdesk.kb.category"].search(
                [("ticket_category_ids", "in", self.category_id.ids)], limit=1
            )
            if self.category_id
            else self.env["helpdesk.kb.category"]
        )
        return {
            "name": self.name,
            "symptoms": symptoms,
            "body": solution.body if solution else False,
            "lang": self.env["helpdesk.kb.article"]._guess_lang(
                f"{self.name} {symptoms} {html2plaintext(solution.body or '')}"
            ),
            "tier_id": (self.resolved_tier_id or self.tier_id).id,
            "category_id": category.id,
            "company_id": self.company_id.id,
            "source_ticket_id": self.id,
        }

    def _kb_resolving_reply(self):
        """The last reply an employee sent to the customer on this ticket."""
        self.ensure_one()
        return self.env["mail.message"].search(
            [
                ("model", "=", self._name),
                ("res_id", "=", self.id),
                ("message_type", "in", ("comment", "email")),
                ("subtype_id", "=", self.env.ref("mail.mt_comment").id),
                ("author_id.user_ids.share", "=", False),
            ],
            order="date desc, id desc",
            limit=1,
        )
