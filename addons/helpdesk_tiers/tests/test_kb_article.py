# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError

from .common import HelpdeskKbCommon


class TestKbArticleWorkflow(HelpdeskKbCommon):
    def _draft_as(self, user, **vals):
        return (
            self.env["helpdesk.kb.article"]
            .with_user(user)
            .create(
                {
                    "name": "Zorbaline milk frother does not foam",
                    "category_id": self.category.id,
                    "body": "<p>Clean the frother nozzle with hot water.</p>",
                    **vals,
                }
            )
        )

    def _end_transaction(self):
        """What a commit runs: tracking messages are written then, and a record
        is tracked from the transaction after the one that created it."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_agent_drafts_submits_and_a_specialist_publishes(self):
        draft = self._draft_as(self.agent_l1).with_context(
            tracking_disable=False, mail_notrack=False
        )
        self.assertEqual(draft.state, "draft")
        self._end_transaction()
        draft.action_submit_review()
        self.assertEqual(draft.state, "review")
        self._end_transaction()
        activity = draft.activity_ids
        self.assertEqual(activity.user_id, self.specialist)
        with self.assertRaises(AccessError):
            draft.action_publish()
        self.assertEqual(draft.state, "review")

        draft.with_user(self.specialist).action_publish()
        self.assertEqual(draft.state, "published")
        self.assertTrue(draft.published_date)
        self.assertFalse(draft.activity_ids)
        self._end_transaction()
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", draft._name),
                ("mail_message_id.res_id", "=", draft.id),
                ("field_id.name", "=", "state"),
            ]
        )
        self.assertEqual(
            set(tracked.mapped("new_value_char")), {"In review", "Published"}
        )

    def test_agents_cannot_publish_by_writing_the_state(self):
        draft = self._draft_as(self.agent_l2)
        for state in ("published", "archived"):
            with self.subTest(state=state), self.assertRaises(AccessError):
                draft.write({"state": state})
        with self.assertRaises(AccessError):
            self._draft_as(self.agent_l1, state="published")
        self.assertEqual(draft.state, "draft")

    def test_an_article_without_solution_is_not_submitted(self):
        draft = self._draft_as(self.agent_l1, body=False)
        with self.assertRaises(UserError):
            draft.action_submit_review()
        self.assertEqual(draft.state, "draft")

    def test_wrong_transitions_are_refused(self):
        with self.assertRaises(UserError):
            self.article_en.action_submit_review()
        draft = self._draft_as(self.agent_l1)
        with self.assertRaises(UserError):
            draft.with_user(self.specialist).action_archive_article()
        self.article_en.action_archive_article()
        self.assertEqual(self.article_en.state, "archived")
        self.article_en.action_back_to_draft()
        self.assertEqual(self.article_en.state, "draft")

    def test_solution_edits_are_kept_in_the_chatter_and_history(self):
        article = self._draft_as(self.agent_l1)
        article.write({"body": "<p>Descale first, then clean the nozzle.</p>"})
        self.assertIn("The solution was edited.", article.message_ids.mapped("preview"))
        self.assertEqual(len(article.html_field_history["body"]), 1)


class TestKbArticleAccess(HelpdeskKbCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.article_l2 = cls._create_article(
            name="Zorbaline pump replacement", tier_id=cls.tier_l2.id
        )
        cls.article_l3 = cls._create_article(
            name="Zorbaline firmware flashing", tier_id=cls.tier_l3.id
        )
        cls.draft_by_l1 = (
            cls.env["helpdesk.kb.article"]
            .with_user(cls.agent_l1)
            .create({"name": "Zorbaline leaks water", "category_id": cls.category.id})
        )

    def _readable(self, user, article):
        return article.with_user(user).has_access("read")

    def test_who_reads_what(self):
        articles = {
            "portal_public": self.article_fr,
            "portal": self.article_en,
            "internal": self.article_internal,
            "l2": self.article_l2,
            "l3": self.article_l3,
            "draft_by_l1": self.draft_by_l1,
        }
        expected = {
            self.public_user: {"portal_public"},
            self.portal_user: {"portal_public", "portal"},
            self.agent_l1: {"portal_public", "portal", "internal", "draft_by_l1"},
            self.agent_l2: {"portal_public", "portal", "internal", "l2"},
            self.specialist: set(articles),
            self.manager: set(articles),
        }
        for user, readable in expected.items():
            for key, article in articles.items():
                with self.subTest(user=user.login, article=key):
                    self.assertEqual(self._readable(user, article), key in readable)

    def test_a_portal_user_never_reads_an_internal_article(self):
        with self.assertRaises(AccessError):
            self.article_internal.with_user(self.portal_user).read(["name", "body"])
        found = self.env["helpdesk.kb.article"].with_user(self.portal_user).search([])
        self.assertFalse(found.filtered(lambda a: a.visibility == "internal"))
        self.assertFalse(found.filtered(lambda a: a.state != "published"))

    def test_agents_edit_only_their_unpublished_articles(self):
        self.draft_by_l1.with_user(self.agent_l1).write({"keywords": "leak, seal"})
        with self.assertRaises(AccessError):
            self.draft_by_l1.with_user(self.agent_l2).write({"keywords": "x"})
        with self.assertRaises(AccessError):
            self.article_en.with_user(self.agent_l1).write({"name": "Changed"})
        self.article_en.with_user(self.specialist).write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.article_en.with_user(self.portal_user).write({"name": "Hacked"})

    def test_only_managers_delete(self):
        with self.assertRaises(AccessError):
            self.draft_by_l1.with_user(self.specialist).unlink()
        self.draft_by_l1.with_user(self.manager).unlink()
        self.assertFalse(self.draft_by_l1.exists())
