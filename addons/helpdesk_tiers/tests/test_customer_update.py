# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import HelpdeskSlaCommon

CLAIMED_KEYS = {
    "id",
    "ticket_id",
    "channel",
    "lang",
    "subject",
    "body",
    "webhook_url",
    "next_update",
}


@tagged("post_install", "-at_install")
class TestCustomerUpdates(HelpdeskSlaCommon):
    """Regular tickets of the plan get a status update every 8 working hours.
    A ticket opened Monday 27 April at 9:00 Paris (7:00 UTC) is due for its
    first update on Tuesday at 9:00 Paris."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.daemon = new_test_user(
            cls.env,
            login="tiers-updates-daemon",
            groups="base.group_user,helpdesk_tiers.group_sync_daemon",
        )
        cls.api = cls.env["helpdesk.sync.api"].with_user(cls.daemon)
        cls.subtype = cls.env.ref("helpdesk_tiers.mt_customer_update")

    def _open(self, **vals):
        with self._at("2026-04-27 07:00:00"):
            return self._create_sla_ticket(**vals)

    def _claim(self, when, limit=10, lease=120, worker="w1"):
        with self._at(when):
            return self.api.claim_customer_updates(worker, limit, lease)

    def _ack(self, when, results, worker=None):
        with self._at(when):
            return self.api.ack_customer_updates(results, worker=worker)

    def _update_messages(self, ticket):
        return ticket.message_ids.filtered(lambda m: m.subtype_id == self.subtype)

    def test_schedule_follows_the_plan_and_moves_on_each_reply(self):
        ticket = self._open()
        self.assertEqual(ticket.next_customer_update, datetime(2026, 4, 28, 7))
        with self._at("2026-04-27 10:00:00"):
            self._reply(ticket, "The technician is on his way.")
        self.assertEqual(ticket.last_customer_update, datetime(2026, 4, 27, 10))
        # 8 working hours from Monday 12:00 Paris: Tuesday 12:00 Paris.
        self.assertEqual(ticket.next_customer_update, datetime(2026, 4, 28, 10))
        with self._at("2026-04-27 11:00:00"):
            ticket.with_user(self.agent_l1).message_post(
                body="Internal: waiting for the part.", subtype_xmlid="mail.mt_note"
            )
        self.assertEqual(ticket.next_customer_update, datetime(2026, 4, 28, 10))

    def test_default_intervals_by_priority(self):
        critical = self._open(priority_category="critical")
        # No interval given on the plan's line: the default, 4 h (lunch
        # excluded): 14:00 Paris.
        self.assertEqual(critical.next_customer_update, datetime(2026, 4, 27, 12))
        planned = self._open(priority_category="planned")
        # No line at all for planned events: 72 working hours, across 1 May.
        self.assertEqual(planned.next_customer_update, datetime(2026, 5, 11, 7))

    def test_no_update_for_closed_tickets_or_contacts_who_opted_out(self):
        ticket = self._open()
        self.contact.helpdesk_update_opt_out = True
        self.assertFalse(ticket.next_customer_update)
        self.assertEqual(self._claim("2026-04-29 07:00:00"), [])
        self.contact.helpdesk_update_opt_out = False
        self.assertTrue(ticket.next_customer_update)
        ticket.stage_id = self.stage_done
        self.assertFalse(ticket.next_customer_update)
        self.assertEqual(self._claim("2026-04-29 07:00:00"), [])
        without_contact = self._open(partner_id=False)
        self.assertFalse(without_contact.next_customer_update)

    def test_claim_renders_the_update_and_leases_it(self):
        ticket = self._open()
        ticket.customer_status = "A replacement toner is on its way."
        self.assertEqual(self._claim("2026-04-28 06:59:00"), [], "Not due yet")
        (claimed,) = self._claim("2026-04-28 07:01:00")
        self.assertLessEqual(CLAIMED_KEYS, claimed.keys())
        self.assertEqual(claimed["ticket_id"], ticket.id)
        self.assertEqual(claimed["channel"], "email")
        self.assertEqual(claimed["lang"], "en_US")
        self.assertFalse(claimed["webhook_url"])
        self.assertIn(ticket.number, claimed["subject"])
        body = claimed["body"]
        self.assertIn("We are working on it.", body)
        self.assertIn("our support desk", body, "L1 in the customer's words")
        self.assertIn("A replacement toner is on its way.", body)
        # The next update: 8 working hours after 9:01 Paris, Wednesday 9:01.
        self.assertEqual(claimed["next_update"], "2026-04-29 07:01:00")
        self.assertIn("Wednesday 29 April, 09:01", body)
        self.assertIn("/helpdesk/updates/stop/", body)
        # Leased: nobody else gets it meanwhile.
        self.assertEqual(self._claim("2026-04-28 07:02:00", worker="w2"), [])
        update = self.env["helpdesk.customer.update"].browse(claimed["id"])
        self.assertEqual((update.state, update.worker), ("leased", "w1"))

    def test_the_update_speaks_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_tiers"], ["fr_FR"], overwrite=True
        )
        self.contact.lang = "fr_FR"
        ticket = self._open(tier_id=self.tier_l3.id)
        (claimed,) = self._claim("2026-04-28 07:01:00")
        self.assertEqual(claimed["lang"], "fr_FR")
        self.assertIn("où en est votre demande", claimed["subject"])
        self.assertIn("nos experts", claimed["body"])
        self.assertIn("mercredi 29 avril", claimed["body"])
        self.assertEqual(claimed["handled_by"], "nos experts")
        self.assertEqual(claimed["state"], "Nous nous en occupons.")
        self.assertEqual(claimed["ticket_id"], ticket.id)

    def test_sent_by_email_through_odoo_mail_and_recorded(self):
        ticket = self._open()
        (claimed,) = self._claim("2026-04-28 07:01:00")
        result = self._ack("2026-04-28 07:02:00", [{"id": claimed["id"], "ok": True}])
        self.assertEqual(result, {"sent": 1, "failed": 0, "ignored": 0})
        message = self._update_messages(ticket)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, ticket.company_id.partner_id)
        self.assertIn("We are working on it.", message.body)
        self.assertEqual(
            message.notification_ids.filtered(
                lambda n: n.notification_type == "email"
            ).res_partner_id,
            self.contact,
        )
        update = self.env["helpdesk.customer.update"].browse(claimed["id"])
        self.assertEqual((update.state, update.message_id), ("sent", message))
        # Counted from the claim: the next update comes when this one promised.
        self.assertEqual(ticket.last_customer_update, datetime(2026, 4, 28, 7, 1))
        self.assertEqual(
            fields.Datetime.to_string(ticket.next_customer_update),
            claimed["next_update"],
        )
        self.assertFalse(ticket.first_response_date, "An update is not a response")
        # A second report on the same update changes nothing.
        result = self._ack("2026-04-28 07:03:00", [{"id": claimed["id"], "ok": True}])
        self.assertEqual(result["ignored"], 1)
        self.assertEqual(len(self._update_messages(ticket)), 1)

    def test_portal_updates_are_not_emailed(self):
        self.contact.helpdesk_update_channel = "portal"
        ticket = self._open()
        (claimed,) = self._claim("2026-04-28 07:01:00")
        self.assertEqual(claimed["channel"], "portal")
        self._ack("2026-04-28 07:02:00", [{"id": claimed["id"], "ok": True}])
        message = self._update_messages(ticket)
        self.assertTrue(message)
        self.assertFalse(message.subtype_id.internal, "Shown on the portal")
        self.assertFalse(message.notification_ids)

    def test_a_contact_without_email_gets_portal_updates(self):
        self.contact.email = False
        self._open()
        (claimed,) = self._claim("2026-04-28 07:01:00")
        self.assertEqual(claimed["channel"], "portal")

    def test_webhook_updates_are_posted_by_the_daemon_and_recorded(self):
        self.contact.write(
            {
                "helpdesk_update_channel": "webhook",
                "helpdesk_update_webhook_url": "https://hooks.customer.example/it",
            }
        )
        ticket = self._open()
        ticket.customer_status = "Waiting for the part."
        (claimed,) = self._claim("2026-04-28 07:01:00")
        self.assertEqual(claimed["channel"], "webhook")
        self.assertEqual(claimed["webhook_url"], "https://hooks.customer.example/it")
        self.assertEqual(claimed["ticket_number"], ticket.number)
        self.assertEqual(claimed["handled_by"], "our support desk")
        self.assertEqual(claimed["status"], "Waiting for the part.")
        self.assertEqual(claimed["state"], "We are working on it.")
        self._ack("2026-04-28 07:02:00", [{"id": claimed["id"], "ok": True}])
        message = self._update_messages(ticket)
        self.assertTrue(message, "Recorded in the chatter")
        self.assertFalse(message.notification_ids, "Not e-mailed")

    def test_webhook_channel_needs_an_url(self):
        with self.assertRaisesRegex(Exception, "give its URL"):
            self.contact.helpdesk_update_channel = "webhook"

    def test_failed_updates_are_retried_later(self):
        ticket = self._open()
        (claimed,) = self._claim("2026-04-28 07:01:00")
        result = self._ack(
            "2026-04-28 07:02:00",
            [{"id": claimed["id"], "ok": False, "error": "HTTP 503"}],
        )
        self.assertEqual(result, {"sent": 0, "failed": 1, "ignored": 0})
        update = self.env["helpdesk.customer.update"].browse(claimed["id"])
        self.assertEqual((update.state, update.error), ("failed", "HTTP 503"))
        self.assertEqual(update.retry_at, datetime(2026, 4, 28, 7, 3))
        self.assertEqual(self._claim("2026-04-28 07:02:30"), [], "Waits a minute")
        (again,) = self._claim("2026-04-28 07:03:01")
        self.assertEqual(again["attempt"], 2)
        self._ack("2026-04-28 07:04:00", [{"id": again["id"], "ok": False}])
        retry = self.env["helpdesk.customer.update"].browse(again["id"])
        self.assertEqual(retry.retry_at, datetime(2026, 4, 28, 7, 6), "Then two")
        self.assertFalse(self._update_messages(ticket))
        self.assertEqual(ticket.next_customer_update, datetime(2026, 4, 28, 7))

    def test_a_new_due_update_starts_its_tries_afresh(self):
        self._open()
        (first,) = self._claim("2026-04-28 07:01:00")
        self._ack("2026-04-28 07:02:00", [{"id": first["id"], "ok": False}])
        (second,) = self._claim("2026-04-28 07:04:00")
        self.assertEqual(second["attempt"], 2)
        self._ack("2026-04-28 07:05:00", [{"id": second["id"], "ok": True}])
        (third,) = self._claim("2026-04-29 07:05:00")
        self.assertEqual(third["attempt"], 1)

    def test_an_expired_lease_hands_the_update_out_again(self):
        self._open()
        (first,) = self._claim("2026-04-28 07:01:00", lease=60)
        (second,) = self._claim("2026-04-28 07:02:30", worker="w2")
        self.assertNotEqual(first["id"], second["id"])
        old = self.env["helpdesk.customer.update"].browse(first["id"])
        self.assertEqual(old.state, "expired")
        # The first worker's late report is ignored; the second one counts.
        result = self._ack(
            "2026-04-28 07:03:00",
            [{"id": first["id"], "ok": True}, {"id": second["id"], "ok": True}],
        )
        self.assertEqual(result, {"sent": 1, "failed": 0, "ignored": 1})

    def test_reports_of_another_worker_are_ignored(self):
        self._open()
        (claimed,) = self._claim("2026-04-28 07:01:00", worker="w1")
        result = self._ack(
            "2026-04-28 07:02:00", [{"id": claimed["id"], "ok": True}], worker="w2"
        )
        self.assertEqual(result["ignored"], 1)

    def test_claims_are_limited_and_ordered_by_due_date(self):
        later = self._open()
        with self._at("2026-04-27 06:00:00"):
            earlier = self._create_sla_ticket()
        claimed = self._claim("2026-04-28 08:00:00", limit=1)
        self.assertEqual([c["ticket_id"] for c in claimed], [earlier.id])
        claimed = self._claim("2026-04-28 08:00:00", limit=1)
        self.assertEqual([c["ticket_id"] for c in claimed], [later.id])

    def test_bad_calls_are_refused(self):
        for args in (("", 10, 60), ("w", 0, 60), ("w", 10, 1), ("w", True, 60)):
            with self.subTest(args=args), self.assertRaises(UserError):
                self.api.claim_customer_updates(*args)
        for results in ("x", [{"id": "1", "ok": True}], [{"id": 1}]):
            with self.subTest(results=results), self.assertRaises(UserError):
                self.api.ack_customer_updates(results)

    def test_only_the_daemon_may_call(self):
        for user in (self.agent_l1, self.manager):
            api = self.env["helpdesk.sync.api"].with_user(user)
            with self.assertRaisesRegex(AccessError, "sync daemon"):
                api.claim_customer_updates("w", 10, 60)
            with self.assertRaisesRegex(AccessError, "sync daemon"):
                api.ack_customer_updates([])

    def test_agents_read_the_updates_of_a_ticket(self):
        ticket = self._open()
        (claimed,) = self._claim("2026-04-28 07:01:00")
        update = ticket.with_user(self.agent_l1).customer_update_ids
        self.assertEqual(update.id, claimed["id"])
        with self.assertRaises(AccessError):
            update.with_user(self.agent_l1).unlink()


@tagged("post_install", "-at_install")
class TestCustomerUpdateOptOut(HttpCase):
    def test_the_link_in_the_update_stops_the_updates(self):
        contact = self.env["res.partner"].create(
            {"name": "Paul Opt", "email": "paul@customer.example"}
        )
        url = contact.helpdesk_update_opt_out_url
        path = url[url.index("/helpdesk/updates/stop/") :]
        page = self.url_open(path)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Stop the status updates?", page.text)
        self.assertFalse(contact.helpdesk_update_opt_out, "Opening only asks")
        page = self.url_open(path, data={"confirm": "1"})
        self.assertEqual(page.status_code, 200)
        self.assertIn("You will no longer receive", page.text)
        self.assertTrue(contact.helpdesk_update_opt_out)
        wrong = self.url_open(f"/helpdesk/updates/stop/{contact.id}/not-the-token")
        self.assertEqual(wrong.status_code, 404)
