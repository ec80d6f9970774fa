# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The knowledge base on the portal: search, read, vote, "this solved it".

Routes (all ``auth="public"``: what a visitor sees is decided by the record rules,
so a portal customer never reaches an internal article, and a visitor without an
account only the articles marked "readable without login"):

- ``GET /helpdesk/kb?q=...&category=<id>`` the search page;
- ``GET /helpdesk/kb/<slug>?origin=portal|ticket_form`` an article;
- ``POST /helpdesk/kb/<slug>/feedback`` (form: ``kind`` helpful, unhelpful or
  deflected, ``origin``) a vote or "this solved my problem", once per session;
- ``POST /helpdesk/kb/suggest`` (JSON-RPC: ``query``, ``limit`` 1-10, ``lang``,
  ``origin``) articles for a text being typed, for any portal form.
"""

from werkzeug.exceptions import BadRequest, NotFound

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.helpdesk_kb_article_event import KB_EVENT_ORIGINS

FEEDBACK_KINDS = ("helpful", "unhelpful", "deflected")
PORTAL_ORIGINS = tuple(code for code, __ in KB_EVENT_ORIGINS if code != "ticket")
SESSION_KEY = "helpdesk_kb_feedback"
ARTICLES_PER_PAGE = 20
SEARCH_RESULTS = 20
MAX_SUGGESTIONS = 10
MAX_QUERY_LENGTH = 500


class HelpdeskKbPortal(http.Controller):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @staticmethod
    def _visitor_lang():
        return "fr" if (request.env.lang or "").startswith("fr") else "en"

    @staticmethod
    def _portal_articles():
        return request.env["helpdesk.kb.article"]

    def _search(self, query, limit, lang=None):
        """Portal articles for ``query``, in the visitor's language first, in any
        language when none matches."""
        articles = self._portal_articles()
        lang = lang or self._visitor_lang()
        results = articles.search_articles(
            query, limit=limit, lang=lang, visibility="portal"
        )
        if not results:
            results = articles.search_articles(query, limit=limit, visibility="portal")
        return results

    def _get_article(self, slug):
        """The article of ``slug`` ("title-42"), if this visitor may read it on the
        portal; else 404, so nothing tells an internal article exists."""
        __, article_id = request.env["ir.http"]._unslug(slug)
        article = self._portal_articles().browse(article_id or 0)
        if (
            not article.exists()
            or not article.has_access("read")
            or article.state != "published"
            or article.visibility != "portal"
        ):
            raise NotFound()
        return article

    @staticmethod
    def _origin(origin):
        return origin if origin in PORTAL_ORIGINS else "portal"

    @staticmethod
    def _given_feedback(article):
        return set(request.session.get(SESSION_KEY, {}).get(str(article.id), []))

    # ------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------

    @http.route(
        ["/helpdesk/kb", "/helpdesk/kb/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def kb_index(self, q="", category=None, page=1, **kw):
        articles = self._portal_articles()
        categories = request.env["helpdesk.kb.category"].search([])
        domain = [("state", "=", "published"), ("visibility", "=", "portal")]
        counts = dict(articles._read_group(domain, ["category_id"], ["__count"]))
        current = categories.filtered(lambda c: str(c.id) == str(category))[:1]
        values = {
            "page_name": "helpdesk_kb",
            "query": q,
            "categories": categories.filtered(lambda c: counts.get(c)),
            "category_counts": counts,
            "current_category": current,
            "results": None,
            "articles": articles,
            "pager": None,
            "is_public_user": request.env.user._is_public(),
        }
        if q.strip():
            values["results"] = self._search(q, SEARCH_RESULTS)
        else:
            if current:
                domain.append(("category_id", "=", current.id))
            pager = portal_pager(
                url="/helpdesk/kb",
                url_args={"category": current.id} if current else {},
                total=articles.search_count(domain),
                page=page,
                step=ARTICLES_PER_PAGE,
            )
            values["articles"] = articles.search(
                domain,
                order="name, id",
                limit=ARTICLES_PER_PAGE,
                offset=pager["offset"],
            )
            values["pager"] = pager
        return request.render("helpdesk_tiers.portal_kb_index", values)

    @http.route(
        "/helpdesk/kb/<string:slug>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def kb_article(self, slug, origin="portal", feedback=None, **kw):
        article = self._get_article(slug)
        if request.httprequest.path != article.portal_url:
            # the title changed: send visitors and search engines to the new URL
            query = request.httprequest.query_string.decode()
            url = f"{article.portal_url}?{query}" if query else article.portal_url
            return request.redirect(url, code=301, local=True)
        return request.render(
            "helpdesk_tiers.portal_kb_article",
            {
                "page_name": "helpdesk_kb_article",
                "article": article,
                "origin": self._origin(origin),
                "feedback": feedback if feedback in FEEDBACK_KINDS else None,
                "given": self._given_feedback(article),
                "is_public_user": request.env.user._is_public(),
            },
        )

    @http.route(
        "/helpdesk/kb/<string:slug>/feedback",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def kb_feedback(self, slug, kind=None, origin="portal", **kw):
        if kind not in FEEDBACK_KINDS:
            raise BadRequest(
                request.env._("Unknown feedback: use helpful, unhelpful or deflected.")
            )
        article = self._get_article(slug)
        origin = self._origin(origin)
        given = self._given_feedback(article)
        # One vote (for or against) and one "solved it" per article and session.
        already = (
            kind in given
            if kind == "deflected"
            else bool(given & {"helpful", "unhelpful"})
        )
        if not already:
            article._record_event(kind, origin)
            feedback = dict(request.session.get(SESSION_KEY, {}))
            feedback[str(article.id)] = sorted(given | {kind})
            request.session[SESSION_KEY] = feedback
        return request.redirect(
            f"{article.portal_url}?origin={origin}&feedback={kind}", local=True
        )

    @http.route(
        "/helpdesk/kb/suggest", type="json", auth="public", website=True, sitemap=False
    )
    def kb_suggest(self, query="", limit=5, lang=None, origin="ticket_form", **kw):
        """Articles for the words a customer is typing (any portal form: add
        ``data-kb-suggest`` to a field, see ``static/src/portal/kb_suggest.js``)."""
        if not isinstance(query, str) or len(query.strip()) < 3:
            return []
        query = query[:MAX_QUERY_LENGTH]
        try:
            limit = max(1, min(int(limit), MAX_SUGGESTIONS))
        except (TypeError, ValueError):
            limit = 5
        lang = lang if lang in ("fr", "en") else None
        origin = self._origin(origin)
        return [
            {
                "id": result["id"],
                "title": result["title"],
                "snippet": str(result["snippet"]),
                "category": result["category"],
                "url": f"{result['url']}?origin={origin}",
            }
            for result in self._search(query, limit, lang)
        ]
