# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError

from .common import HelpdeskKbCommon


class TestKbEffectiveness(HelpdeskKbCommon):
    def _report(self, article):
        return self.env["helpdesk.kb.article.report"].search(
            [("article_id", "=", article.id)]
        )

    def test_use_resolutions_deflections_and_votes_per_article(self):
        ticket = self._create_ticket(name="Zorbaline orange light")
        ticket.action_apply_kb_article(self.article_en.id)
        ticket.stage_id = self.stage_done
        portal_article = self.article_en.with_user(self.portal_user)
        portal_article._record_event("deflected", "ticket_form")
        portal_article._record_event("helpful", "portal")
        portal_article._record_event("unhelpful", "portal")

        report = self._report(self.article_en)
        self.assertEqual(
            (
                report.use_count,
                report.resolved_count,
                report.deflection_count,
                report.helpful_count,
                report.unhelpful_count,
                report.helpful_rate,
                report.never_used,
            ),
            (1, 1, 1, 1, 1, 50.0, False),
        )
        self.assertEqual(
            (self.article_en.use_count, self.article_en.resolved_count),
            (1, 1),
        )

    def test_never_used_and_many_votes_against(self):
        for __ in range(3):
            self.article_fr.with_user(self.public_user)._record_event(
                "unhelpful", "portal"
            )
        self.article_fr.with_user(self.public_user)._record_event("helpful", "portal")
        report = self.env["helpdesk.kb.article.report"]
        self.assertIn(
            self.article_fr,
            report.search([("many_votes_against", "=", True)]).article_id,
        )
        never_used = report.search([("never_used", "=", True)]).article_id
        self.assertIn(self.article_internal, never_used)
        self.assertIn(self.article_fr, never_used)  # votes are not uses

    def test_only_approvers_read_the_report(self):
        report = self.env["helpdesk.kb.article.report"]
        self.assertFalse(report.with_user(self.agent_l2).has_access("read"))
        self.assertTrue(report.with_user(self.specialist).has_access("read"))
        self.assertFalse(
            self.env["helpdesk.kb.article.event"]
            .with_user(self.portal_user)
            .has_access("read")
        )

    def test_an_unreadable_article_takes_no_feedback(self):
        with self.assertRaises(AccessError):
            self.article_internal.with_user(self.portal_user)._record_event(
                "helpful", "portal"
            )
        self.assertFalse(self.article_internal.event_ids)
