# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import Form

from .common import HelpdeskKbCommon


class TestKbOnTickets(HelpdeskKbCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_ticket(
            name="Coffee machine",
            description="<p>The orange thing keeps flashing on the Zorbaline.</p>",
            user_id=cls.agent_l1.id,
        )

    def test_suggestions_follow_the_ticket_text(self):
        suggestions = self.ticket.with_user(self.agent_l1).kb_suggestions
        self.assertEqual(suggestions[0]["id"], self.article_en.id)
        self.assertIn("<mark>", suggestions[0]["snippet"])
        self.assertFalse(suggestions[0]["linked"])

        with Form(self.ticket) as form:
            form.description = "<p>Le bidule orange clignote sur la cafetière.</p>"
            self.assertEqual(form.kb_suggestions[0]["id"], self.article_fr.id)

    def test_suggestions_never_show_what_the_agent_may_not_read(self):
        expert = self._create_article(
            name="Zorbaline orange flashing: replace the boiler",
            tier_id=self.tier_l3.id,
            visibility="internal",
        )
        ids = [s["id"] for s in self.ticket.with_user(self.agent_l1).kb_suggestions]
        self.assertNotIn(expert.id, ids)
        ids = [s["id"] for s in self.ticket.with_user(self.specialist).kb_suggestions]
        self.assertIn(expert.id, ids)

    def test_apply_links_counts_and_opens_a_reply(self):
        ticket = self.ticket.with_user(self.agent_l1)
        action = ticket.action_apply_kb_article(self.article_en.id)
        self.assertEqual(ticket.kb_article_ids, self.article_en)
        self.assertEqual(self.article_en.use_count, 1)
        event = self.article_en.event_ids
        self.assertEqual(
            (event.kind, event.origin, event.ticket_id, event.user_id),
            ("applied", "ticket", self.ticket, self.agent_l1),
        )
        self.assertTrue(ticket.kb_suggestions[0]["linked"])

        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.agent_l1)
            .with_context(**action["context"])
        ).save()
        self.assertIn("Zorbaclean", composer.body)
        self.assertIn(self.article_en.portal_url, composer.body)
        composer.action_send_mail()
        reply = self.ticket.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_comment")
        )[:1]
        self.assertIn("Zorbaclean", reply.body)

    def test_apply_refuses_what_cannot_be_applied(self):
        ticket = self.ticket.with_user(self.agent_l1)
        draft = self._create_article(name="Zorbaline draft", state="draft")
        expert = self._create_article(
            name="Zorbaline boiler", tier_id=self.tier_l2.id, visibility="internal"
        )
        for article in (draft, expert):
            with self.subTest(article=article.name), self.assertRaises(UserError):
                self.ticket.action_apply_kb_article(article.id)
        unreadable = self._create_article(
            name="Zorbaline board repair", tier_id=self.tier_l3.id
        )
        with self.assertRaises(UserError):
            ticket.action_apply_kb_article(unreadable.id)
        self.assertFalse(self.ticket.kb_article_ids)
        self.assertFalse(
            self.env["helpdesk.kb.article.event"].search(
                [("ticket_id", "=", self.ticket.id)]
            )
        )

    def test_closing_a_ticket_counts_a_resolution(self):
        self.ticket.action_apply_kb_article(self.article_en.id)
        self.assertEqual(self.article_en.resolved_count, 0)
        self.ticket.stage_id = self.stage_done
        self.article_en.invalidate_recordset(["resolved_count"])
        self.assertEqual(self.article_en.resolved_count, 1)
        self.ticket.stage_id = self.stage_new
        self.article_en.invalidate_recordset(["resolved_count"])
        self.assertEqual(self.article_en.resolved_count, 0)


class TestPublishToKb(HelpdeskKbCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_ticket(
            name="La cafetière fuit par le bas",
            description="<p>De l'eau coule sous la cafetière Zorbaline depuis ce "
            "matin.</p>",
            user_id=cls.agent_l1.id,
        )
        cls.ticket.with_user(cls.agent_l1).message_post(
            body="<p>Bonjour, le joint du réservoir était mal placé : nous l'avons "
            "remis en place et la fuite a cessé.</p>",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.ticket.message_post(
            body="<p>Internal: checked the seal stock.</p>",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def test_an_open_ticket_is_not_published(self):
        with self.assertRaises(UserError):
            self.ticket.action_publish_to_kb()
        self.assertFalse(self.ticket.kb_source_article_ids)

    def test_a_resolved_ticket_becomes_an_article_after_review(self):
        self.ticket.stage_id = self.stage_done
        action = self.ticket.with_user(self.agent_l1).action_publish_to_kb()
        article = self.env["helpdesk.kb.article"].browse(action["res_id"])
        self.assertEqual(article.source_ticket_id, self.ticket)
        self.assertEqual(article.state, "review")
        self.assertEqual(article.name, self.ticket.name)
        self.assertIn("De l'eau coule", article.symptoms)
        self.assertIn("joint du réservoir", article.body)
        self.assertNotIn("seal stock", article.body)
        self.assertEqual(article.lang, "fr")
        self.assertEqual(article.tier_id, self.tier_l1)
        self.assertEqual(article.create_uid, self.agent_l1)
        # a second click opens the same article
        again = self.ticket.with_user(self.agent_l1).action_publish_to_kb()
        self.assertEqual(again["res_id"], article.id)

        query = "la cafetière fuit, joint du réservoir "
        self.assertNotIn(article.id, self._search_ids(query))
        article.with_user(self.specialist).action_publish()
        self.assertEqual(self._search_ids(query)[0], article.id)

    def test_a_ticket_without_reply_gives_a_draft_to_complete(self):
        ticket = self._create_ticket(name="Zorbaline grinder stuck")
        ticket.stage_id = self.stage_done
        action = ticket.action_publish_to_kb()
        article = self.env["helpdesk.kb.article"].browse(action["res_id"])
        self.assertEqual(article.state, "draft")
        self.assertFalse(article.body)

    def test_the_category_follows_the_ticket_category(self):
        ticket_category = self.env["helpdesk.ticket.category"].create(
            {"name": "Coffee"}
        )
        self.category.ticket_category_ids = ticket_category
        self.ticket.write(
            {"category_id": ticket_category.id, "stage_id": self.stage_done.id}
        )
        action = self.ticket.action_publish_to_kb()
        article = self.env["helpdesk.kb.article"].browse(action["res_id"])
        self.assertEqual(article.category_id, self.category)
        self.assertEqual(article.activity_ids.user_id, self.specialist)
