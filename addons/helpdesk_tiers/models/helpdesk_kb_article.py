# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, is_html_empty

from . import kb_fulltext

KB_STATES = [
    ("draft", "Draft"),
    ("review", "In review"),
    ("published", "Published"),
    ("archived", "Archived"),
]
KB_LANGS = [("fr", "French"), ("en", "English")]
KB_VISIBILITIES = [
    ("internal", "Internal (agents)"),
    ("portal", "Portal (customers)"),
]
APPROVER_GROUP = "helpdesk_tiers.group_l3_specialist"
# Fields whose change alters the search vector or the typo vocabulary.
SEARCHED_FIELDS = ("name", "symptoms", "keywords", "body", "lang")
MAX_SEARCH_LIMIT = 100


class HelpdeskKbArticle(models.Model):
    """A solution written for agents (internal) or customers (portal), found by
    full-text search in French and English (see ``kb_fulltext``)."""

    _name = "helpdesk.kb.article"
    _description = "Knowledge Base Article"
    _inherit = ["mail.thread", "mail.activity.mixin", "html.field.history.mixin"]
    _order = "name, id"
    _mail_post_access = "read"

    name = fields.Char(string="Title", required=True, tracking=True, index="trigram")
    body = fields.Html(
        string="Solution",
        sanitize=True,
        help="The solution, step by step. Its history is kept in the editor.",
    )
    symptoms = fields.Text(
        tracking=True,
        help="What customers say when they meet this problem, in their own words: "
        "the search matches them almost as strongly as the title.",
    )
    keywords = fields.Char(
        tracking=True, help="Technical terms, product names, error codes."
    )
    lang = fields.Selection(
        KB_LANGS,
        string="Language",
        required=True,
        default=lambda self: self._default_lang(),
        tracking=True,
    )
    state = fields.Selection(
        KB_STATES,
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
        group_expand=True,
    )
    visibility = fields.Selection(
        KB_VISIBILITIES,
        required=True,
        default="internal",
        tracking=True,
        help="Internal articles are for agents only; portal articles are also "
        "shown to customers once published.",
    )
    is_public = fields.Boolean(
        string="Readable without login",
        tracking=True,
        help="Portal articles only: anyone may read it on the portal, without an "
        "account.",
    )
    tier_id = fields.Many2one(
        "helpdesk.tier",
        string="Lowest tier",
        tracking=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The lowest tier allowed to apply this solution; agents of lower tiers "
        "do not see it. Empty: everyone.",
    )
    tier_level = fields.Integer(related="tier_id.level")
    category_id = fields.Many2one(
        "helpdesk.kb.category", tracking=True, index="btree_not_null"
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index="btree_not_null",
        help="Leave empty to share the article between companies.",
    )
    source_ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Written from ticket",
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    published_date = fields.Datetime(copy=False, readonly=True)
    ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        relation="helpdesk_kb_article_helpdesk_ticket_rel",
        column1="article_id",
        column2="ticket_id",
        string="Applied on tickets",
        copy=False,
    )
    event_ids = fields.One2many("helpdesk.kb.article.event", "article_id")
    problem_ids = fields.One2many(
        "helpdesk.problem",
        "kb_article_id",
        string="Problems",
        help="The problems whose workaround this article documents.",
    )
    # Counters: read from the effectiveness report, never stored on the article (a
    # vote must not rewrite the article's row and its search vector).
    use_count = fields.Integer(compute="_compute_counts", compute_sudo=True)
    resolved_count = fields.Integer(compute="_compute_counts", compute_sudo=True)
    deflection_count = fields.Integer(compute="_compute_counts", compute_sudo=True)
    helpful_count = fields.Integer(compute="_compute_counts", compute_sudo=True)
    unhelpful_count = fields.Integer(compute="_compute_counts", compute_sudo=True)
    portal_url = fields.Char(compute="_compute_portal_url")
    is_approver = fields.Boolean(compute="_compute_is_approver")

    @api.model
    def _get_versioned_fields(self):
        return [HelpdeskKbArticle.body.name]

    @api.model
    def _default_lang(self):
        return "fr" if (self.env.lang or "").startswith("fr") else "en"

    @api.depends_context("uid")
    def _compute_is_approver(self):
        self.is_approver = self._is_approver()

    def _compute_counts(self):
        counters = [
            "use_count",
            "resolved_count",
            "deflection_count",
            "helpful_count",
            "unhelpful_count",
        ]
        # _read_group reads the report afresh (records of it may be cached)
        rows = self.env["helpdesk.kb.article.report"]._read_group(
            [("article_id", "in", self._origin.ids)],
            ["article_id"],
            [f"{counter}:sum" for counter in counters],
        )
        by_article = {article.id: values for article, *values in rows}
        for article in self:
            values = by_article.get(article._origin.id, [0] * len(counters))
            for counter, value in zip(counters, values, strict=True):
                article[counter] = value

    @api.depends("name")
    def _compute_portal_url(self):
        slug = self.env["ir.http"]._slug
        for article in self:
            article.portal_url = (
                f"/helpdesk/kb/{slug(article)}" if article._origin.id else False
            )

    # ------------------------------------------------------------------
    # Schema: text-search configurations, search vector, vocabulary
    # ------------------------------------------------------------------

    def _auto_init(self):
        kb_fulltext.ensure_extensions(self.env)
        kb_fulltext.ensure_configurations(self.env.cr)
        result = super()._auto_init()
        kb_fulltext.ensure_search_schema(self.env.cr)
        return result

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_state_allowed(vals.get("state", "draft"))
            if vals.get("state") == "published":
                vals.setdefault("published_date", fields.Datetime.now())
        articles = super().create(vals_list)
        articles._update_vocabulary()
        return articles

    def write(self, vals):
        if "state" in vals:
            self._check_state_allowed(vals["state"])
        old_bodies = (
            {article: article.body for article in self} if "body" in vals else {}
        )
        result = super().write(vals)
        if set(SEARCHED_FIELDS) & set(vals):
            self._update_vocabulary()
        # Html fields are not tracked: say in the chatter that the solution changed
        # (the editor keeps its revisions).
        for article, old_body in old_bodies.items():
            if article.body != old_body:
                article._message_log(body=self.env._("The solution was edited."))
        return result

    def _update_vocabulary(self):
        self.flush_recordset(list(SEARCHED_FIELDS))
        kb_fulltext.add_vocabulary(self.env.cr, self.ids)

    @api.model
    def _rebuild_vocabulary(self):
        """Refill the typo vocabulary from every article (after a bulk import)."""
        self.flush_model(list(SEARCHED_FIELDS))
        kb_fulltext.add_vocabulary(self.env.cr)

    # ------------------------------------------------------------------
    # Review workflow: draft -> review -> published -> archived
    # ------------------------------------------------------------------

    @api.model
    def _is_approver(self):
        return self.env.su or self.env.user.has_group(APPROVER_GROUP)

    @api.model
    def _check_state_allowed(self, state):
        if state in ("published", "archived") and not self._is_approver():
            raise AccessError(
                self.env._(
                    "Only L3 specialists and managers publish or archive knowledge "
                    "base articles; submit the article for review instead."
                )
            )

    def _first_not_in(self, states):
        """The first article whose state is not in ``states``, with its state's
        label, for an error message (None when all are)."""
        wrong = self.filtered(lambda a: a.state not in states)[:1]
        if not wrong:
            return None
        labels = dict(self._fields["state"]._description_selection(self.env))
        return {"article": wrong.name, "state": labels[wrong.state]}

    def action_submit_review(self):
        if wrong := self._first_not_in(("draft",)):
            raise UserError(
                self.env._(
                    "Only a draft is submitted for review; article %(article)s is "
                    "in state %(state)s.",
                    **wrong,
                )
            )
        empty = self.filtered(lambda a: is_html_empty(a.body))
        if empty:
            raise UserError(
                self.env._(
                    "Article %s has no solution yet: write it before submitting the "
                    "article for review.",
                    empty[0].name,
                )
            )
        self.write({"state": "review"})
        for article in self:
            reviewer = article.category_id.reviewer_id
            if reviewer:
                article.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Review this knowledge base article"),
                    user_id=reviewer.id,
                )
        return True

    def action_publish(self):
        if wrong := self._first_not_in(("draft", "review", "archived")):
            raise UserError(
                self.env._(
                    "Article %(article)s is already published (state %(state)s).",
                    **wrong,
                )
            )
        self.write({"state": "published", "published_date": fields.Datetime.now()})
        self.activity_feedback(
            ["mail.mail_activity_data_todo"],
            feedback=self.env._("Published"),
        )
        return True

    def action_back_to_draft(self):
        if wrong := self._first_not_in(("review", "published", "archived")):
            raise UserError(
                self.env._(
                    "Article %(article)s is already a draft (state %(state)s).",
                    **wrong,
                )
            )
        self.write({"state": "draft"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_archive_article(self):
        if wrong := self._first_not_in(("published",)):
            raise UserError(
                self.env._(
                    "Only a published article is archived; article %(article)s is "
                    "in state %(state)s.",
                    **wrong,
                )
            )
        self.write({"state": "archived"})
        return True

    # ------------------------------------------------------------------
    # Search
    # ------------------------------------------------------------------

    @api.model
    def search_articles(self, query, limit=10, lang=None, visibility=None):
        """Published articles that answer ``query`` (customer words or technical
        terms, French or English, accents and case ignored, typos corrected, the
        last word matched as a prefix unless followed by a space), best first.

        :param lang: ``"fr"`` or ``"en"`` to search one language, None for both
        :param visibility: ``"internal"`` or ``"portal"``, None for both
        :return: list of dicts ``id``, ``title``, ``score`` (higher is better),
            ``snippet`` (HTML: escaped text, matched words in ``<mark>``), ``lang``,
            ``visibility``, ``category`` (name or False), ``url`` (portal page)
        """
        self._check_search_arguments(query, limit, lang, visibility)
        limit = int(limit)
        if not query.strip():
            return []
        parsed = kb_fulltext.parse_query(
            self.env.cr, query, phrases=self._glossary_terms(query, lang)
        )
        langs = [lang] if lang else [code for code, __ in KB_LANGS]
        if not any(parsed.tsqueries.get(code) for code in langs):
            return []
        domain = [("state", "=", "published")]
        if lang:
            domain.append(("lang", "=", lang))
        if visibility:
            domain.append(("visibility", "=", visibility))
        self.flush_model()
        search = self._search(domain)
        condition, rank = kb_fulltext.match_and_rank(search.table, parsed, langs)
        search.add_where(condition)
        search.order = SQL("%s DESC, %s DESC", rank, SQL.identifier(search.table, "id"))
        search.limit = limit
        rows = self.env.execute_query(
            kb_fulltext.with_snippets(
                search.select(SQL.identifier(search.table, "id"), rank), parsed
            )
        )
        articles = self.browse([row[0] for row in rows])
        # only what the results show: not the bodies, not their history
        articles.fetch(["name", "lang", "visibility", "category_id"])
        return [
            {
                "id": article.id,
                "title": article.name,
                "score": round(score, 6),
                "snippet": kb_fulltext.highlight(headline),
                "lang": article.lang,
                "visibility": article.visibility,
                "category": article.category_id.name or False,
                "url": article.portal_url,
            }
            for article, (__, score, headline) in zip(articles, rows, strict=True)
        ]

    @api.model
    def _check_search_arguments(self, query, limit, lang, visibility):
        problems = []
        if not isinstance(query, str):
            problems.append(self.env._("The query must be text."))
        if (
            isinstance(limit, bool)
            or not isinstance(limit, int)
            or not 1 <= limit <= MAX_SEARCH_LIMIT
        ):
            problems.append(
                self.env._(
                    "The limit must be a whole number from 1 to %s.", MAX_SEARCH_LIMIT
                )
            )
        if lang not in (None, False, *dict(KB_LANGS)):
            problems.append(
                self.env._("Unknown language %r: use fr, en or None.", lang)
            )
        if visibility not in (None, False, *dict(KB_VISIBILITIES)):
            problems.append(
                self.env._(
                    "Unknown visibility %r: use internal, portal or None.", visibility
                )
            )
        if problems:
            raise UserError("\n".join(problems))

    @api.model
    def _glossary_terms(self, query, lang):
        """The technical terms the glossary gives for the customer phrases in
        ``query`` ("le truc qui clignote" -> "LED d'état"), searched beside the
        query's own words."""
        # sudo: portal visitors search too; the glossary is not confidential and
        # only its technical terms are read.
        terms = self.env["helpdesk.kb.term"].sudo().find_terms(query, lang)
        return list(dict.fromkeys(terms.mapped("technical_term")))

    @api.model
    def _guess_lang(self, text):
        """fr or en: the language whose stop words take more of ``text``."""
        return kb_fulltext.guess_language(self.env.cr, text) or self._default_lang()

    # ------------------------------------------------------------------
    # Use and feedback
    # ------------------------------------------------------------------

    def _record_event(self, kind, origin, ticket=None):
        """Log that these articles were applied, voted on or solved a customer's
        problem (the effectiveness report counts these events)."""
        self.check_access("read")
        user = self.env.user
        partner = user.partner_id if not user._is_public() else False
        # sudo: anyone who may read an article may leave this trace; nobody may
        # write events directly.
        return (
            self.env["helpdesk.kb.article.event"]
            .sudo()
            .create(
                [
                    {
                        "article_id": article.id,
                        "kind": kind,
                        "origin": origin,
                        "ticket_id": ticket.id if ticket else False,
                        "partner_id": partner.id if partner else False,
                        "user_id": user.id,
                    }
                    for article in self
                ]
            )
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action.update(domain=[("kb_article_ids", "in", self.ids)], context={})
        return action

    def action_open_portal(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.portal_url, "target": "new"}
