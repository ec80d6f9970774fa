# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form

from .common import HelpdeskSlaCommon

FULL_BODY = (
    "<p>Hello {customer_name}, about {ticket_ref} ({ticket_subject}): next news "
    "by {next_update}. {agent_name}</p>"
)
FULL_TERM = FULL_BODY[3:-4]
FRENCH_TERM = "Bonjour {customer_name}, votre demande {ticket_ref} : {next_update}."
# Tuesday 5 May 2026, 9:00 in Paris: the plan's 8 working hours between two
# updates end on Wednesday at 9:00.
NOW = "2026-05-05 07:00:00"


class CannedReplyCommon(HelpdeskSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact.tz = "Europe/Paris"
        cls.reply = cls.env["helpdesk.canned.reply"].create(
            {"name": "Status", "body": FULL_BODY}
        )
        with freeze_time(NOW):
            cls.ticket = cls._create_sla_ticket(name="Till drawer stuck")

    def _composer_form(self, user, ticket=None):
        action = (ticket or self.ticket).with_user(user).action_canned_reply()
        composer = self.env["mail.compose.message"].with_user(user)
        return Form(composer.with_context(**action["context"]))


class TestCannedReplyRendering(CannedReplyCommon):
    def test_placeholders_are_filled_for_the_ticket(self):
        with self._at(NOW):
            body = self.reply.with_user(self.agent_l1)._render(self.ticket)
        self.assertIn("Hello Claire Contact, about", body)
        self.assertIn(f"{self.ticket.number} (Till drawer stuck)", body)
        self.assertIn("next news by Wednesday 6 May, 09:00.", body)
        self.assertIn(self.agent_l1.name, body)
        self.assertNotIn("{", body)

    def test_values_are_html_escaped(self):
        self.contact.name = '<script>alert("x")</script> & Sons'
        self.ticket.name = "<b>Drawer</b>"
        with self._at(NOW):
            body = self.reply._render(self.ticket)
        self.assertIn(
            "Hello &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Sons", body
        )
        self.assertIn("(&lt;b&gt;Drawer&lt;/b&gt;)", body)
        self.assertNotIn("<script>", body)
        self.assertNotIn("<b>", body)

    def test_body_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.reply.update_field_translations(
            "body", {"fr_FR": {FULL_TERM: FRENCH_TERM}}
        )
        self.contact.lang = "fr_FR"
        with self._at(NOW):
            french = self.reply._render(self.ticket)
        self.assertIn("Bonjour Claire Contact, votre demande", french)
        self.assertIn("mercredi 6 mai, 09:00", french)
        self.contact.lang = "en_US"
        with self._at(NOW):
            english = self.reply.with_context(lang="fr_FR")._render(self.ticket)
        self.assertIn("Hello Claire Contact", english)

    def test_starter_set_is_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_tiers"], ["fr_FR"], overwrite=True
        )
        self.contact.lang = "fr_FR"
        starters = self.env["helpdesk.canned.reply"].search(
            [("id", "in", self._starter_ids())]
        )
        self.assertEqual(len(starters), 6)
        self.ticket.kb_article_ids = [Command.link(self._portal_article().id)]
        with self._at(NOW):
            for reply in starters:
                body = reply._render(self.ticket)
                self.assertIn("Bonjour Claire Contact", body, reply.name)
                self.assertNotIn("{", body, reply.name)

    def test_kb_link_points_to_the_portal_article(self):
        reply = self.env["helpdesk.canned.reply"].create(
            {"name": "Article", "body": "<p>See {kb_link}</p>"}
        )
        with self.assertRaisesRegex(UserError, "link a published portal article"):
            reply._render(self.ticket)
        article = self._portal_article(name="Drawer <stuck> fix")
        self.ticket.kb_article_ids = [Command.link(article.id)]
        body = reply._render(self.ticket)
        url = f"{self.ticket.get_base_url()}{article.portal_url}"
        self.assertIn(f'<a href="{url}">Drawer &lt;stuck&gt; fix</a>', body)

    def test_next_update_needs_a_planned_update(self):
        self.contact.helpdesk_update_opt_out = True
        with self.assertRaisesRegex(UserError, "has none planned"):
            self.reply._render(self.ticket)

    def test_unknown_placeholder_is_refused(self):
        replies = self.env["helpdesk.canned.reply"]
        # assertRaises (not assertRaisesRegex) rolls back what the call wrote.
        with self.assertRaises(ValidationError) as caught:
            replies.create({"name": "Typo", "body": "<p>Hello {customer}</p>"})
        self.assertRegex(str(caught.exception), r"\{customer\}.*\{customer_name\}")
        with self.assertRaises(ValidationError):
            self.reply.body = "<p>Hello {customer}</p>"
        self.env["res.lang"]._activate_lang("fr_FR")
        with self.assertRaises(ValidationError) as caught:
            self.reply.update_field_translations(
                "body", {"fr_FR": {FULL_TERM: "Bonjour {client}"}}
            )
        self.assertIn("{client}", str(caught.exception))
        self.assertEqual(self.reply.body, FULL_BODY)
        self.assertEqual(self.reply.with_context(lang="fr_FR").body, FULL_BODY)

    def _starter_ids(self):
        return [
            self.env.ref(f"helpdesk_tiers.canned_reply_{name}").id
            for name in (
                "acknowledge",
                "kb_solution",
                "need_information",
                "escalated",
                "resolved",
                "development",
            )
        ]

    def _portal_article(self, name="Unjam the till drawer"):
        return self.env["helpdesk.kb.article"].create(
            {
                "name": name,
                "body": "<p>Press the release lever under the drawer.</p>",
                "symptoms": "The drawer does not open.",
                "lang": "en",
                "state": "published",
                "visibility": "portal",
            }
        )


class TestCannedReplyComposer(CannedReplyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        replies = cls.env["helpdesk.canned.reply"]
        cls.reply_l2 = replies.create(
            {"name": "L2", "body": "<p>L2</p>", "tier_ids": cls.tier_l2.ids}
        )
        cls.reply_l3 = replies.create(
            {"name": "L3", "body": "<p>L3</p>", "tier_ids": cls.tier_l3.ids}
        )
        cls.reply_team_l2 = replies.create(
            {"name": "Back office", "body": "<p>BO</p>", "team_ids": cls.team_l2.ids}
        )
        cls.reply_other_company = replies.create(
            {
                "name": "Elsewhere",
                "body": "<p>Elsewhere</p>",
                "company_id": cls.env["res.company"].create({"name": "Other Co"}).id,
            }
        )

    def _offered(self, user, ticket=None):
        return self._composer_form(user, ticket).helpdesk_canned_reply_offered_ids

    def test_offered_replies_follow_the_agents_tier_and_team(self):
        self.assertEqual(self.ticket.team_id, self.team_l1)
        offered = self._offered(self.agent_l1)
        self.assertIn(self.reply, offered)
        ref = self.env.ref
        self.assertIn(ref("helpdesk_tiers.canned_reply_kb_solution"), offered)
        self.assertNotIn(ref("helpdesk_tiers.canned_reply_development"), offered)
        for reply in (self.reply_l2, self.reply_l3, self.reply_team_l2):
            self.assertNotIn(reply, offered)
        # Back office: their tier, and their team's reply on any ticket.
        offered = self._offered(self.agent_l2)
        self.assertIn(self.reply_l2, offered)
        self.assertIn(self.reply_team_l2, offered)
        self.assertNotIn(self.reply_l3, offered)
        # Specialists: every tier; the back office's reply on its tickets only.
        offered = self._offered(self.specialist)
        self.assertIn(self.reply_l2, offered)
        self.assertIn(self.reply_l3, offered)
        self.assertNotIn(self.reply_team_l2, offered)
        self.ticket.escalate("L2", "Till drawer: lever checked, still stuck; call.")
        self.assertIn(self.reply_team_l2, self._offered(self.specialist))
        self.assertNotIn(self.reply_other_company, self._offered(self.manager))

    def test_reply_is_rendered_into_the_composer_and_sent(self):
        with self._at(NOW):
            form = self._composer_form(self.agent_l1)
            form.helpdesk_canned_reply_id = self.reply
            self.assertIn("Hello Claire Contact", form.body)
            self.assertIn("Wednesday 6 May, 09:00", form.body)
            form.body = form.body.replace("Hello", "Good morning")
            form.save().action_send_mail()
        message = self.ticket.message_ids[:1]
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertEqual(message.author_id, self.agent_l1.partner_id)
        self.assertIn("Good morning Claire Contact", message.body)
        self.assertIn(self.ticket.number, message.body)

    def test_composer_of_other_records_offers_nothing(self):
        composer = self.env["mail.compose.message"].create(
            {
                "model": "res.partner",
                "res_ids": str(self.contact.ids),
                "composition_mode": "comment",
                "helpdesk_canned_reply_id": self.reply.id,
            }
        )
        self.assertFalse(composer.helpdesk_canned_reply_offered_ids)
        self.assertFalse(composer.body)

    def test_no_reply_offered_is_said(self):
        self.env["helpdesk.canned.reply"].search([]).action_archive()
        with self.assertRaisesRegex(UserError, "No canned reply is offered"):
            self.ticket.with_user(self.agent_l1).action_canned_reply()


class TestCannedReplyAccess(CannedReplyCommon):
    def test_agents_read_managers_write(self):
        as_agent = self.reply.with_user(self.agent_l1)
        self.assertEqual(as_agent.name, "Status")
        with self.assertRaises(AccessError):
            as_agent.name = "Mine"
        with self.assertRaises(AccessError):
            as_agent.create({"name": "Mine", "body": "<p>x</p>"})
        with self.assertRaises(AccessError):
            as_agent.unlink()
        as_manager = self.reply.with_user(self.manager)
        as_manager.name = "Status update"
        as_manager.create({"name": "New", "body": "<p>x</p>"}).unlink()
        self.assertEqual(self.reply.name, "Status update")

    def test_portal_users_see_no_canned_reply(self):
        portal = self._new_user("canned-portal", "base.group_portal")
        with self.assertRaises(AccessError):
            self.reply.with_user(portal).read(["name"])
