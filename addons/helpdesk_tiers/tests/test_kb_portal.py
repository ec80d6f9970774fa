# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import HelpdeskKbCommon

_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestKbPortal(HttpCase, HelpdeskKbCommon):
    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def _feedback(self, article, kind, origin="portal"):
        page = self._get(article.portal_url)
        token = _CSRF_RE.search(page.text).group(1)
        return self.url_open(
            f"{article.portal_url}/feedback",
            data={"csrf_token": token, "kind": kind, "origin": origin},
            allow_redirects=False,
        )

    def _events(self, article, kind):
        return self.env["helpdesk.kb.article.event"].search(
            [("article_id", "=", article.id), ("kind", "=", kind)]
        )

    def test_visitors_without_account_read_only_open_articles(self):
        index = self._get("/helpdesk/kb")
        self.assertEqual(index.status_code, 200)
        self.assertIn(self.article_fr.name, index.text)
        self.assertNotIn(self.article_en.name, index.text)
        self.assertEqual(self._get(self.article_fr.portal_url).status_code, 200)
        for article in (self.article_en, self.article_internal):
            with self.subTest(article=article.name):
                self.assertEqual(self._get(article.portal_url).status_code, 404)

    def test_customers_read_portal_articles_never_internal_ones(self):
        self.authenticate("kb-portal", "kb-portal")
        self.assertEqual(self._get(self.article_en.portal_url).status_code, 200)
        self.assertEqual(self._get(self.article_internal.portal_url).status_code, 404)
        self.assertEqual(
            self._get("/helpdesk/kb/no-such-article-999999").status_code, 404
        )
        results = self._get("/helpdesk/kb?q=zorbaline+service+mode+counter")
        self.assertNotIn(self.article_internal.name, results.text)
        draft = self._create_article(
            name="Zorbaline portal draft", state="draft", visibility="portal"
        )
        self.assertEqual(self._get(draft.portal_url).status_code, 404)

    def test_an_internal_user_on_the_portal_sees_portal_articles_only(self):
        self.authenticate(self.specialist.login, f"{self.specialist.login}-password")
        self.assertEqual(self._get(self.article_internal.portal_url).status_code, 404)
        results = self._get("/helpdesk/kb?q=zorbaline")
        self.assertIn(self.article_en.name, results.text)
        self.assertNotIn(self.article_internal.name, results.text)

    def test_this_solved_it_counts_one_deflection_per_session(self):
        self.authenticate("kb-portal", "kb-portal")
        answer = self._feedback(self.article_en, "deflected", origin="ticket_form")
        self.assertEqual(answer.status_code, 303)
        self.assertIn("feedback=deflected", answer.headers["Location"])
        self._feedback(self.article_en, "deflected", origin="ticket_form")
        event = self._events(self.article_en, "deflected")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.origin, "ticket_form")
        self.assertEqual(event.partner_id, self.portal_user.partner_id)
        self.assertEqual(self.article_en.deflection_count, 1)
        page = self._get(f"{self.article_en.portal_url}?feedback=deflected")
        self.assertIn("No need to open a ticket", page.text)

    def test_one_vote_per_session(self):
        self._feedback(self.article_fr, "helpful")
        self._feedback(self.article_fr, "unhelpful")
        self.assertEqual(len(self._events(self.article_fr, "helpful")), 1)
        self.assertFalse(self._events(self.article_fr, "unhelpful"))
        event = self._events(self.article_fr, "helpful")
        self.assertFalse(event.partner_id)  # a visitor without account

    def test_bad_feedback_is_refused(self):
        self.assertEqual(self._feedback(self.article_fr, "liked").status_code, 400)
        page = self._get(self.article_fr.portal_url)
        token = _CSRF_RE.search(page.text).group(1)
        answer = self.url_open(
            f"{self.article_internal.portal_url}/feedback",
            data={"csrf_token": token, "kind": "helpful"},
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 404)
        self.assertFalse(self.article_internal.event_ids)

    def test_suggestions_for_a_form_being_typed(self):
        self.authenticate("kb-portal", "kb-portal")
        results = self.make_jsonrpc_request(
            "/helpdesk/kb/suggest",
            {"query": "the orange thing flashing on the coffee mach", "limit": 3},
        )
        self.assertEqual(results[0]["id"], self.article_en.id)
        self.assertTrue(results[0]["url"].endswith("?origin=ticket_form"))
        self.assertIn("<mark>", results[0]["snippet"])
        self.assertLessEqual(len(results), 3)
        self.assertNotIn(self.article_internal.id, [r["id"] for r in results])
        self.assertEqual(
            self.make_jsonrpc_request("/helpdesk/kb/suggest", {"query": "ab"}), []
        )


@tagged("post_install", "-at_install")
class TestKbTours(HttpCase):
    def test_customer_finds_the_article_and_leaves_without_a_ticket(self):
        customer = new_test_user(
            self.env,
            login="kb-tour-customer",
            password="kb-tour-customer",
            groups="base.group_portal",
        )
        article = self.env.ref("helpdesk_tiers.kb_article_printer_red_light_fr")
        tickets_before = self.env["helpdesk.ticket"].search_count([])
        self.start_tour(
            "/helpdesk/kb", "helpdesk_tiers_kb_portal_tour", login=customer.login
        )
        event = self.env["helpdesk.kb.article.event"].search(
            [("partner_id", "=", customer.partner_id.id)]
        )
        self.assertEqual((event.article_id, event.kind), (article, "deflected"))
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), tickets_before)

    def test_agent_sees_the_article_first_and_applies_it(self):
        agent = new_test_user(
            self.env,
            login="kb-tour-l1",
            password="kb-tour-l1",
            groups="helpdesk_tiers.group_l1_agent",
        )
        self.env.ref("helpdesk_tiers.team_l1_hotline").user_ids = [
            Command.link(agent.id)
        ]
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Imprimante en panne",
                "customer_wording": "Le truc qui clignote en rouge sur l'imprimante.",
                "description": "<p>Imprimante du comptoir arrêtée.</p>",
                "user_id": agent.id,
            }
        )
        article = self.env.ref("helpdesk_tiers.kb_article_printer_red_light_fr")
        self.start_tour(
            f"/odoo/helpdesk-tickets/{ticket.id}",
            "helpdesk_tiers_kb_ticket_tour",
            login=agent.login,
        )
        self.assertEqual(ticket.kb_article_ids, article)
        self.assertEqual(article.use_count, 1)
        self.assertTrue(
            ticket.message_ids.filtered(lambda m: "capot" in (m.body or ""))
        )
