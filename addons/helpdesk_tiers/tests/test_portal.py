# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import re

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import HANDOFF_NOTE, HelpdeskTiersCommon

_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')

PUBLIC_REPLY = "We ordered the spare part for your printer."
INTERNAL_NOTE = "INTERNAL-NOTE customer is difficult, check the contract"
VENDOR_REPLY = "VENDOR-REPLY firmware 3.4 has a known regression"
WORDING = "The little light blinks red and nothing prints"
XSS = '<script>alert("hdt")</script><img src=x onerror=alert(1)>'


class PortalCommon(HelpdeskTiersCommon):
    """Two customer companies: Customer Company (Alice, Bob, and Carol its support
    manager) and Other Company (Dave), each contact with a portal login."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.partner"].create(
            {"name": "Other Company", "is_company": True}
        )
        cls.alice = cls._portal_user("portal-alice", cls.customer)
        cls.bob = cls._portal_user("portal-bob", cls.customer)
        cls.carol = cls._portal_user("portal-carol", cls.customer)
        cls.carol.partner_id.helpdesk_support_manager = True
        cls.dave = cls._portal_user("portal-dave", cls.other_company)
        cls.alice_ticket = cls._create_ticket(
            name="Alice printer blinks", partner_id=cls.alice.partner_id.id
        )
        cls.bob_ticket = cls._create_ticket(
            name="Bob scanner is silent", partner_id=cls.bob.partner_id.id
        )
        cls.dave_ticket = cls._create_ticket(
            name="Dave till freezes", partner_id=cls.dave.partner_id.id
        )

    @classmethod
    def _portal_user(cls, login, company):
        user = new_test_user(
            cls.env, login=login, password=login, groups="base.group_portal"
        )
        user.partner_id.write({"parent_id": company.id, "email": f"{login}@x.com"})
        return user

    def _visible(self, user, tickets):
        return (
            self.env["helpdesk.ticket"]
            .with_user(user)
            .search([("id", "in", tickets.ids)])
        )

    def _add_private_messages(self, ticket):
        """An internal note, an escalation note and a vendor's reply."""
        ticket.message_post(
            body=INTERNAL_NOTE, message_type="comment", subtype_xmlid="mail.mt_note"
        )
        ticket.with_user(self.agent_l1).escalate("L2", HANDOFF_NOTE)
        backend = self.env["helpdesk.vendor.backend"].create(
            {"name": "Acme", "code": "acme_portal_test", "kind": "webhook"}
        )
        binding = self.env["helpdesk.vendor.binding"].create(
            {
                "backend_id": backend.id,
                "ticket_id": ticket.id,
                "external_id": "77",
                "correlation_key": "portal-test-77",
            }
        )
        backend._post_vendor_replies([({"body": VENDOR_REPLY}, binding)])
        ticket.message_post(
            body=PUBLIC_REPLY, message_type="comment", subtype_xmlid="mail.mt_comment"
        )


class TestPortalRules(PortalCommon):
    def test_a_contact_sees_their_own_tickets_only(self):
        tickets = self.alice_ticket | self.bob_ticket | self.dave_ticket
        self.assertEqual(self._visible(self.alice, tickets), self.alice_ticket)
        self.assertEqual(self._visible(self.dave, tickets), self.dave_ticket)

    def test_a_contact_sees_a_ticket_they_follow(self):
        self.bob_ticket.message_subscribe(partner_ids=self.alice.partner_id.ids)
        self.assertEqual(
            self._visible(self.alice, self.alice_ticket | self.bob_ticket),
            self.alice_ticket | self.bob_ticket,
        )

    def test_the_support_manager_sees_and_follows_the_company_tickets(self):
        tickets = self.alice_ticket | self.bob_ticket | self.dave_ticket
        self.assertEqual(
            self._visible(self.carol, tickets), self.alice_ticket | self.bob_ticket
        )
        self.assertIn(self.carol.partner_id, self.alice_ticket.message_partner_ids)
        self.assertNotIn(self.carol.partner_id, self.dave_ticket.message_partner_ids)

    def test_the_flag_takes_effect_at_once_both_ways(self):
        partner = self.bob.partner_id.with_user(self.manager)
        self.bob_ticket.message_subscribe(partner_ids=self.bob.partner_id.ids)
        self.assertFalse(self._visible(self.bob, self.alice_ticket))
        partner.helpdesk_support_manager = True
        self.assertEqual(self._visible(self.bob, self.alice_ticket), self.alice_ticket)
        self.assertIn(self.bob.partner_id, self.alice_ticket.message_partner_ids)
        partner.helpdesk_support_manager = False
        self.assertFalse(self._visible(self.bob, self.alice_ticket))
        self.assertIn(self.bob.partner_id, self.bob_ticket.message_partner_ids)

    def test_only_helpdesk_managers_choose_support_managers(self):
        with self.assertRaises(AccessError):
            self.bob.partner_id.with_user(self.agent_l1).helpdesk_support_manager = True
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.agent_l1).create(
                {"name": "Eve", "helpdesk_support_manager": True}
            )
        self.assertFalse(self.bob.partner_id.helpdesk_support_manager)

    def test_portal_users_never_read_internal_messages(self):
        self._add_private_messages(self.alice_ticket)
        bodies = " ".join(
            self.alice_ticket.with_user(self.alice).message_ids.mapped("body")
        )
        self.assertIn(PUBLIC_REPLY, bodies)
        for secret in (INTERNAL_NOTE, "needs a remote check", VENDOR_REPLY):
            self.assertNotIn(secret, bodies)
        # while the agents read them all
        self.env.invalidate_all()
        agent_bodies = " ".join(self.alice_ticket.message_ids.mapped("body"))
        self.assertIn(VENDOR_REPLY, agent_bodies)
        self.assertIn(INTERNAL_NOTE, agent_bodies)

    def test_the_portal_answers_feed_the_priority_rules(self):
        rules = self.env["helpdesk.priority.rule"]
        rules.create(
            {
                "sequence": 1,
                "name": "Stopped",
                "domain": "[('business_stopped', '=', True)]",
                "priority_category": "business_failure",
            }
        )
        rules.create(
            {
                "sequence": 2,
                "name": "Many people",
                "domain": "[('affected_users', '>=', 50)]",
                "priority_category": "critical",
            }
        )
        stopped, many, calm = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": name,
                    "description": "<p>x</p>",
                    "partner_id": self.alice.partner_id.id,
                    **vals,
                }
                for name, vals in (
                    ("stopped", {"business_stopped": True, "affected_users": 1}),
                    ("many", {"affected_users": 80}),
                    ("calm", {"affected_users": 2}),
                )
            ]
        )
        self.assertEqual(stopped.priority_category, "business_failure")
        self.assertEqual(many.priority_category, "critical")
        self.assertNotEqual(calm.priority_rule_id.name, "Many people")


class TestPortalActions(PortalCommon):
    def _as_customer(self, ticket, user):
        # what the controller does once the user may read the ticket
        self.assertTrue(ticket.with_user(user).has_access("read"))
        return ticket.sudo()

    def test_close_reopen_and_rate_are_recorded(self):
        ticket = self._as_customer(self.alice_ticket, self.alice)
        partner = self.alice.partner_id
        ticket._portal_close(self.stage_done, partner)
        self.assertTrue(ticket.closed)
        self.assertTrue(ticket.closed_date)
        ticket._portal_rate(partner, 4, "Quick <b>fix</b>")
        rating = ticket.satisfaction_ids
        self.assertRecordValues(
            rating,
            [
                {
                    "rating": 4,
                    "rating_label": "4",
                    "comment": "Quick <b>fix</b>",
                    "partner_id": partner.id,
                    "tier_id": self.tier_l1.id,
                    "company_id": ticket.company_id.id,
                }
            ],
        )
        with self.assertRaises(UserError):
            ticket._portal_rate(partner, 5, "again")
        with self.assertRaises(UserError):
            ticket._portal_reopen(partner, "  ")
        self.assertTrue(ticket.closed)
        ticket._portal_reopen(partner, "It blinks again")
        self.assertFalse(ticket.closed)
        self.assertFalse(ticket.closed_date)
        messages = ticket.message_ids.filtered(lambda m: m.author_id == partner)
        public = messages.filtered(lambda m: not m.subtype_id.internal)
        self.assertEqual(len(public), 2, "closing and reopening, both public")
        self.assertIn("It blinks again", public[0].body)
        note = messages - public
        self.assertIn("Quick &lt;b&gt;fix&lt;/b&gt;", note.body)
        self.assertTrue(note.subtype_id.internal, "the rating is an internal note")

    def test_refusals_write_nothing(self):
        ticket = self._as_customer(self.bob_ticket, self.bob)
        partner = self.bob.partner_id
        rejected = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_rejected")
        count = len(ticket.message_ids)
        with self.assertRaises(UserError):
            ticket._portal_close(rejected, partner)
        with self.assertRaises(UserError):
            ticket._portal_rate(partner, 5, "")
        with self.assertRaises(UserError):
            ticket._portal_reopen(partner, "not closed")
        ticket._portal_close(self.stage_done, partner)
        count = len(ticket.message_ids)
        for bad in (0, 6):
            with self.assertRaises(UserError):
                ticket._portal_rate(partner, bad, "")
        self.assertFalse(ticket.satisfaction_ids)
        self.assertEqual(len(ticket.message_ids), count)

    def test_the_report_reads_per_tier_and_agent(self):
        tickets = self.alice_ticket | self.bob_ticket
        tickets.write({"user_id": self.agent_l1.id})
        for ticket, value in zip(tickets, (2, 4), strict=True):
            ticket.sudo()._portal_close(self.stage_done, ticket.partner_id)
            ticket.sudo()._portal_rate(ticket.partner_id, value, "")
        groups = (
            self.env["helpdesk.ticket.rating"]
            .with_user(self.manager)
            ._read_group(
                [("ticket_id", "in", tickets.ids)],
                ["tier_id", "user_id"],
                ["rating:avg", "__count"],
            )
        )
        self.assertEqual(groups, [(self.tier_l1, self.agent_l1, 3.0, 2)])
        with self.assertRaises(AccessError):
            self.env["helpdesk.ticket.rating"].with_user(self.alice).search([])


@tagged("post_install", "-at_install")
class TestPortalPages(HttpCase, PortalCommon):
    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def _csrf(self, url="/my/tickets"):
        return _CSRF_RE.search(self._get(url).text).group(1)

    def _json(self, route, params):
        response = self.url_open(
            route,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        )
        return response.text

    def test_another_companys_ticket_is_not_found(self):
        self._login(self.dave)
        for ticket_id in (self.alice_ticket.id, 999999999):
            response = self._get(f"/my/ticket/{ticket_id}")
            self.assertEqual(response.status_code, 404)
            self.assertNotIn("Alice printer", response.text)
        self.assertEqual(
            self._get(f"/my/ticket/{self.dave_ticket.id}").status_code, 200
        )
        self.authenticate(None, None)
        response = self._get(f"/my/ticket/{self.alice_ticket.id}")
        self.assertEqual(response.status_code, 303, "signed out: sign in first")
        self.assertIn("/web/login", response.headers["Location"])
        self._login(self.dave)
        listing = self._get("/my/tickets").text
        self.assertIn("Dave till", listing)
        self.assertNotIn("Alice printer", listing)

    def test_closing_needs_a_post_and_access_to_the_ticket(self):
        self._login(self.dave)
        query = f"ticket_id={self.alice_ticket.id}&stage_id={self.stage_done.id}"
        self.assertEqual(self._get(f"/ticket/close?{query}").status_code, 405)
        response = self.url_open(
            "/ticket/close",
            data={
                "csrf_token": self._csrf(),
                "ticket_id": self.alice_ticket.id,
                "stage_id": self.stage_done.id,
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.alice_ticket.closed)
        self._login(self.alice)
        response = self.url_open(
            "/ticket/close",
            data={
                "csrf_token": self._csrf(),
                "ticket_id": self.alice_ticket.id,
                "stage_id": self.stage_done.id,
            },
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(self.alice_ticket.closed)

    def test_reopen_and_rate_from_the_page(self):
        self.alice_ticket.stage_id = self.stage_done
        self._login(self.alice)
        url = f"/my/ticket/{self.alice_ticket.id}"
        page = self._get(url).text
        self.assertIn("o_helpdesk_tiers_rating_form", page)
        self.assertNotIn('o_helpdesk_tiers_close"', page)
        response = self.url_open(
            f"{url}/rate",
            data={"csrf_token": self._csrf(url), "rating": "9", "comment": "kept"},
        )
        self.assertIn("o_helpdesk_tiers_portal_error", response.text)
        self.assertIn("kept", response.text, "the comment typed is kept")
        self.assertFalse(self.alice_ticket.satisfaction_ids)
        self.url_open(
            f"{url}/rate",
            data={"csrf_token": self._csrf(url), "rating": "5", "comment": XSS},
        )
        self.assertEqual(self.alice_ticket.satisfaction_ids.rating, 5)
        page = self._get(url).text
        self.assertIn("o_helpdesk_tiers_rating_given", page)
        self.assertNotIn(XSS, page)
        self.assertIn("&lt;script&gt;alert(", page)
        self.url_open(
            f"{url}/reopen",
            data={"csrf_token": self._csrf(url), "reason": "Blinks again"},
        )
        self.assertFalse(self.alice_ticket.closed)
        self._login(self.dave)
        response = self.url_open(
            f"{url}/reopen",
            data={"csrf_token": self._csrf(), "reason": "not mine"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)

    def test_pages_and_rpc_show_only_public_messages(self):
        self._add_private_messages(self.alice_ticket)
        self._login(self.alice)
        page = self._get(f"/my/ticket/{self.alice_ticket.id}").text
        chatter = self._json(
            "/mail/chatter_fetch",
            {"thread_model": "helpdesk.ticket", "thread_id": self.alice_ticket.id},
        )
        thread = self._json(
            "/mail/thread/messages",
            {"thread_model": "helpdesk.ticket", "thread_id": self.alice_ticket.id},
        )
        self.assertIn(PUBLIC_REPLY, chatter)
        self.assertIn(PUBLIC_REPLY, thread)
        for text in (page, chatter, thread):
            for secret in (INTERNAL_NOTE, "needs a remote check", VENDOR_REPLY):
                self.assertNotIn(secret, text)

    def test_user_text_is_shown_as_text(self):
        self.alice_ticket.sudo().write(
            {"name": XSS, "customer_status": XSS, "serial_number": XSS[:90]}
        )
        self._login(self.alice)
        for url in ("/my/tickets", f"/my/ticket/{self.alice_ticket.id}"):
            text = self._get(url).text
            self.assertNotIn('<script>alert("hdt")', text)
            self.assertNotIn("<img src=x", text)
            self.assertIn("&lt;script&gt;alert(", text)

    def _submit(self, **values):
        data = {
            "csrf_token": self._csrf("/new/ticket"),
            "subject": "Counter printer down",
            "description": WORDING,
            "business_stopped": "yes",
            "affected_users": "4",
            "serial_number": "SN-77",
            **values,
        }
        return self.url_open("/submitted/ticket", data=data, allow_redirects=False)

    def test_an_invalid_form_creates_nothing_and_keeps_the_values(self):
        self._login(self.alice)
        tickets = self.env["helpdesk.ticket"]
        count = tickets.search_count([])
        response = self._submit(
            subject="", affected_users="many", business_stopped="", product_id="abc"
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(tickets.search_count([]), count)
        for field in ("subject", "affected_users", "business_stopped"):
            self.assertIn(f'id="{field}_error"', response.text)
        self.assertIn("The little light blinks red", response.text)
        self.assertIn('value="SN-77"', response.text)
        response = self._submit(description=XSS, subject="x" * 201)
        self.assertEqual(response.status_code, 400)
        self.assertNotIn('<script>alert("hdt")', response.text)
        self.assertEqual(tickets.search_count([]), count)

    def test_a_file_too_large_creates_nothing(self):
        # Odoo refuses the request (413) before the controller; the form's script
        # (helpdesk_mgmt) drops such files with a message before sending.
        self.env["ir.config_parameter"].set_param("web.max_file_upload_size", 10)
        self._login(self.alice)
        count = self.env["helpdesk.ticket"].search_count([])
        attachments = self.env["ir.attachment"].search_count([])
        response = self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": self._csrf("/new/ticket"),
                "subject": "Photo",
                "description": WORDING,
                "business_stopped": "no",
                "affected_users": "1",
            },
            files={"attachment": ("photo.jpg", b"x" * 11, "image/jpeg")},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 413)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), count)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)

    def test_a_valid_form_opens_a_ticket_from_the_portal(self):
        self._login(self.alice)
        response = self._submit()
        self.assertIn(response.status_code, (302, 303))
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_id", "=", self.alice.partner_id.id)], order="id desc", limit=1
        )
        self.assertRecordValues(
            ticket,
            [
                {
                    "name": "Counter printer down",
                    "customer_wording": WORDING,
                    "serial_number": "SN-77",
                    "business_stopped": True,
                    "affected_users": 4,
                    "channel_id": self.env.ref(
                        "helpdesk_mgmt.helpdesk_ticket_channel_web"
                    ).id,
                }
            ],
        )
        self.assertIn(self.alice.partner_id, ticket.message_partner_ids)
        self.assertIn(self.carol.partner_id, ticket.message_partner_ids)

    def test_the_list_costs_the_same_queries_for_3_or_60_tickets(self):
        self._login(self.carol)
        self._get("/my/tickets")  # warm the caches

        def count_queries():
            before = self.cr.sql_log_count
            response = self._get("/my/tickets")
            self.assertEqual(response.status_code, 200)
            return self.cr.sql_log_count - before

        few = count_queries()
        self.assertGreater(few, 5, "the test sees the server's queries")
        self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Ticket {index}",
                    "description": "<p>x</p>",
                    "partner_id": (self.alice | self.bob)[index % 2].partner_id.id,
                    "user_id": self.agent_l1.id,
                    "category_id": self.env["helpdesk.ticket.category"]
                    .search([], limit=1)
                    .id,
                }
                for index in range(57)
            ]
        )
        self.env.flush_all()
        self._get("/my/tickets")
        many = count_queries()
        self.assertLessEqual(many, few + 2, f"{few} queries for 3, {many} for 60")
