# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime
from odoo.tools.translate import html_translate

# {name}: a placeholder; nothing else in braces is special.
PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLACEHOLDERS = (
    "customer_name",
    "ticket_ref",
    "ticket_subject",
    "next_update",
    "kb_link",
    "agent_name",
)


class HelpdeskCannedReply(models.Model):
    """A reply agents send often, written once in each language, with
    placeholders filled in for the ticket at hand (see ``PLACEHOLDERS``)."""

    _name = "helpdesk.canned.reply"
    _description = "Canned Reply"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    body = fields.Html(
        required=True,
        translate=html_translate,
        help="The reply, in each language. Placeholders: {customer_name}, "
        "{ticket_ref}, {ticket_subject}, {next_update} (when the customer hears "
        "from us next), {kb_link} (a link to the knowledge base article), "
        "{agent_name}.",
    )
    tier_ids = fields.Many2many(
        "helpdesk.tier",
        string="Tiers",
        help="Offered to agents of these tiers; empty: to every tier.",
    )
    team_ids = fields.Many2many(
        "helpdesk.ticket.team",
        string="Teams",
        help="Offered on tickets of these teams and to their members; empty: to "
        "every team.",
    )
    kb_article_id = fields.Many2one(
        "helpdesk.kb.article",
        string="Knowledge base article",
        domain="[('state', '=', 'published'), ('visibility', '=', 'portal')]",
        help="The article {kb_link} points to; empty: the newest published portal "
        "article linked to the ticket.",
    )
    company_id = fields.Many2one(
        "res.company",
        index="btree_not_null",
        help="Empty: offered in every company.",
    )

    @api.constrains("body")
    def _check_body(self):
        langs = [code for code, __ in self.env["res.lang"].get_installed()]
        for reply in self:
            for lang in langs:
                body = reply.with_context(lang=lang).body or ""
                unknown = sorted(set(PLACEHOLDER.findall(body)) - set(PLACEHOLDERS))
                if unknown:
                    raise ValidationError(
                        self.env._(
                            "Canned reply %(reply)s uses unknown placeholders: "
                            "%(unknown)s. Available: %(known)s.",
                            reply=reply.name,
                            unknown=", ".join(f"{{{name}}}" for name in unknown),
                            known=", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
                        )
                    )

    def _update_field_translations(
        self, field_name, translations, digest=None, source_lang=None
    ):
        # The translation dialog writes here, not through write(): check the
        # placeholders of the languages it changed too.
        res = super()._update_field_translations(
            field_name, translations, digest=digest, source_lang=source_lang
        )
        if field_name == "body":
            self._check_body()
        return res

    @api.model
    def _offered_domain(self, ticket):
        """The replies offered to the current user on ``ticket``: those of the
        tiers the user works at and of the user's teams and the ticket's."""
        user = self.env.user
        if user.has_group("helpdesk_tiers.group_l3_specialist"):
            tiers = self.env["helpdesk.tier"].search([])
        else:
            level = 2 if user.has_group("helpdesk_tiers.group_l2_agent") else 1
            tiers = self.env["helpdesk.tier"].search([("level", "<=", level)])
        teams = ticket.team_id | self.env["helpdesk.ticket.team"].search(
            [("user_ids", "in", user.ids)]
        )
        return [
            ("company_id", "in", [False, ticket.company_id.id]),
            "|",
            ("tier_ids", "=", False),
            ("tier_ids", "in", tiers.ids),
            "|",
            ("team_ids", "=", False),
            ("team_ids", "in", teams.ids),
        ]

    def _render(self, ticket):
        """The body for ``ticket``, in its customer's language, with the
        placeholders filled in (HTML-escaped)."""
        self.ensure_one()
        ticket.ensure_one()
        lang = ticket.partner_id.lang or ticket.company_id.partner_id.lang
        reply = self.with_context(lang=lang)
        body = str(reply.body or "")
        used = set(PLACEHOLDER.findall(body))
        values = {name: reply._placeholder_value(name, ticket, lang) for name in used}
        return Markup(
            PLACEHOLDER.sub(
                lambda match: str(escape(values[match.group(1)])),
                body,
            )
        )

    def _placeholder_value(self, name, ticket, lang):
        if name == "customer_name":
            return ticket.partner_id.name or ""
        if name == "ticket_ref":
            return ticket.number or ""
        if name == "ticket_subject":
            return ticket.name
        if name == "agent_name":
            return self.env.user.name
        if name == "next_update":
            return self._next_update_value(ticket, lang)
        if name == "kb_link":
            return self._kb_link_value(ticket)
        raise ValidationError(self.env._("Unknown placeholder {%s}.", name))

    def _next_update_value(self, ticket, lang):
        when = ticket.customer_update_next_planned or ticket.next_customer_update
        if not when:
            raise UserError(
                self.env._(
                    "Canned reply %(reply)s announces the next update, but ticket "
                    "%(ticket)s has none planned (its customer has no service "
                    "plan with an update interval).",
                    reply=self.name,
                    ticket=ticket.number,
                )
            )
        tz = (
            ticket.partner_id.tz
            or ticket.service_plan_id.calendar_id.tz
            or self.env.user.tz
            or "UTC"
        )
        return format_datetime(
            self.env, when, tz=tz, dt_format="EEEE d MMMM, HH:mm", lang_code=lang
        )

    def _kb_link_value(self, ticket):
        article = (
            self.kb_article_id
            or ticket.kb_article_ids.filtered(
                lambda a: a.state == "published" and a.visibility == "portal"
            ).sorted("id")[-1:]
        )
        if not article:
            raise UserError(
                self.env._(
                    "Canned reply %(reply)s links to a knowledge base article: "
                    "link a published portal article to ticket %(ticket)s first.",
                    reply=self.name,
                    ticket=ticket.number,
                )
            )
        return Markup('<a href="%s">%s</a>') % (
            f"{ticket.get_base_url()}{article.portal_url}",
            article.name,
        )
