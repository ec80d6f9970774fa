# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestAlertEndpoint(HttpCase):
    """Monitoring alerts through the real HTTP endpoint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Monitored Ltd", "is_company": True}
        )
        cls.source = cls.env["helpdesk.alert.source"].create(
            {"name": "Zabbix test", "partner_id": cls.customer.id}
        )
        action = cls.source.action_generate_token()
        cls.token = action["context"]["helpdesk_alert_token"]
        cls.monitoring = cls.env.ref(
            "helpdesk_tiers.helpdesk_ticket_channel_monitoring"
        )

    def _post(self, payload, token=None, raw=None):
        token = self.token if token is None else token
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = raw if raw is not None else json.dumps(payload)
        return self.url_open("/helpdesk/alert", data=body, headers=headers)

    def _tickets(self):
        return self.env["helpdesk.ticket"].search(
            [("alert_source_id", "=", self.source.id)], order="id"
        )

    def test_alert_lifecycle(self):
        alert = {
            "fingerprint": "printer-42/toner",
            "title": "Toner low on printer 42",
            "severity": "warning",
            "serial_number": "SN-42",
        }
        response = self._post(alert)
        self.assertEqual(response.status_code, 201, response.text)
        data = response.json()
        self.assertEqual(data["action"], "created")
        ticket = self._tickets()
        self.assertEqual(data["ticket"]["id"], ticket.id)
        self.assertEqual(ticket.channel_id, self.monitoring)
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.serial_number, "SN-42")
        self.assertEqual(ticket.alert_count, 1)
        self.assertEqual(ticket.priority_source, "rule")  # the demo monitoring rule
        self.assertEqual(ticket.priority_category, "critical")

        response = self._post(alert)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["action"], "updated")
        self.assertEqual(self._tickets(), ticket)
        self.assertEqual(ticket.alert_count, 2)
        self.assertIn("Alert received from Zabbix test", ticket.message_ids[0].body)

        response = self._post({**alert, "status": "resolved"})
        self.assertEqual(response.json()["action"], "resolved")
        self.assertIn("Alert resolved by Zabbix test", ticket.message_ids[0].body)

        ticket.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertEqual(
            self._post({**alert, "status": "resolved"}).json()["action"], "ignored"
        )
        response = self._post(alert)
        self.assertEqual(response.status_code, 201)
        self.assertEqual(len(self._tickets()), 2)
        self.assertEqual(self.source.ticket_count, 2)

    def test_other_fingerprints_open_other_tickets(self):
        self._post({"fingerprint": "a", "title": "Disk full on srv-a"})
        self._post({"fingerprint": "b", "title": "Disk full on srv-b"})
        self.assertEqual(self._tickets().mapped("alert_fingerprint"), ["a", "b"])

    def test_authentication(self):
        alert = {"fingerprint": "x", "title": "Something"}
        for token in ("", "wrong-token"):
            with self.subTest(token=token):
                response = self._post(alert, token=token)
                self.assertEqual(response.status_code, 401)
                self.assertIn("token", response.json()["error"])
        response = self.url_open(
            "/helpdesk/alert",
            data=json.dumps(alert),
            headers={"Authorization": f"Basic {self.token}"},
        )
        self.assertEqual(response.status_code, 401)
        old_token = self.token
        self.source.action_generate_token()
        self.assertEqual(self._post(alert, token=old_token).status_code, 401)
        self.source.active = False
        self.assertEqual(self._post(alert, token=old_token).status_code, 401)
        self.assertFalse(self._tickets())

    def test_bad_payloads_create_nothing(self):
        cases = {
            "not json": (None, "{not json"),
            "not an object": ([1, 2], None),
            "no fingerprint": ({"title": "T"}, None),
            "blank title": ({"fingerprint": "f", "title": "  "}, None),
            "number title": ({"fingerprint": "f", "title": 42}, None),
            "unknown status": (
                {"fingerprint": "f", "title": "T", "status": "maybe"},
                None,
            ),
            "unknown key": ({"fingerprint": "f", "title": "T", "host": "x"}, None),
            "too long": ({"fingerprint": "f" * 201, "title": "T"}, None),
        }
        for name, (payload, raw) in cases.items():
            with self.subTest(case=name):
                response = self._post(payload, raw=raw)
                self.assertEqual(response.status_code, 400, response.text)
                self.assertTrue(response.json()["error"])
        response = self._post(
            None, raw=json.dumps({"fingerprint": "f", "title": "x" * 70000})
        )
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self._tickets())
        self.assertFalse(self.source.last_alert_date)

    @mute_logger("werkzeug")
    def test_only_post(self):
        response = self.url_open(
            "/helpdesk/alert", headers={"Authorization": f"Bearer {self.token}"}
        )
        self.assertEqual(response.status_code, 405)

    def test_token_is_shown_once_and_stored_hashed(self):
        action = self.source.action_generate_token()
        token = action["context"]["helpdesk_alert_token"]
        self.assertGreaterEqual(len(token), 40)
        self.assertEqual(self.source.token_hint, f"{token[:6]}…")
        self.assertNotIn(token, self.source.sudo().token_hash)
        wizard = (
            self.env["helpdesk.alert.token"]
            .with_context(**action["context"])
            .new({"source_id": self.source.id})
        )
        self.assertEqual(wizard.token, token)
        self.assertFalse(self.env["helpdesk.alert.token"].search_count([]))
