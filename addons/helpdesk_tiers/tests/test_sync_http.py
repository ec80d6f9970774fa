# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from xmlrpc.client import Fault

from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.main import sign
from .common_sync import VENDOR_NOTE

SECRET = "s3cret-shared-with-the-vendor"


@tagged("post_install", "-at_install")
class TestSyncOverHttp(HttpCase):
    """The daemon's RPC calls and a webhook vendor's signed events, over HTTP as
    the real callers make them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["helpdesk.vendor.backend"].search([]).action_archive()
        cls.backend = cls.env["helpdesk.vendor.backend"].create(
            {
                "name": "Hooked vendor",
                "code": "hooked",
                "kind": "webhook",
                "webhook_secret": SECRET,
            }
        )
        cls.daemon = new_test_user(
            cls.env,
            login="tiers-http-daemon",
            password="tiers-http-daemon-pw",
            groups="base.group_user,helpdesk_tiers.group_sync_daemon",
        )
        cls.agent = new_test_user(
            cls.env,
            login="tiers-http-agent",
            password="tiers-http-agent-pw",
            groups="helpdesk_tiers.group_l3_specialist",
        )
        tier_l3 = cls.env.ref("helpdesk_tiers.tier_l3")
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {"name": "Receipts garbled", "description": "x", "tier_id": tier_l3.id}
        )
        cls.ticket.escalate("L4", VENDOR_NOTE)
        cls.binding = cls.ticket.vendor_binding_ids
        cls.binding.external_id = "V-1"

    def _rpc(self, user, password, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            user.id,
            password,
            "helpdesk.sync.api",
            method,
            list(args),
            kwargs,
        )

    def test_claim_and_ack_over_xmlrpc(self):
        claimed = self._rpc(
            self.daemon,
            "tiers-http-daemon-pw",
            "claim_events",
            "w1",
            10,
            60,
            backend_codes=["hooked"],
        )
        self.assertEqual([e["kind"] for e in claimed], ["create"])
        counts = self._rpc(
            self.daemon,
            "tiers-http-daemon-pw",
            "ack_events",
            [{"id": claimed[0]["id"], "ok": True, "external_id": "V-1"}],
            worker="w1",
        )
        self.assertEqual(counts["done"], 1)

    def test_agents_get_an_access_fault(self):
        with self.assertRaises(Fault) as fault:
            self._rpc(self.agent, "tiers-http-agent-pw", "claim_events", "w1", 10, 60)
        self.assertIn("Only the vendor sync daemon", fault.exception.faultString)

    def _post(self, body, signature):
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Helpdesk-Signature"] = signature
        return self.url_open(
            "/helpdesk_tiers/webhook/hooked", data=body, headers=headers
        )

    def _vendor_notes(self):
        return self.ticket.message_ids.filtered(
            lambda m: "Shipped a new print head" in (m.body or "")
        )

    def test_signed_events_are_applied_once(self):
        body = json.dumps(
            {
                "events": [
                    {
                        "remote_event_id": "hook-1",
                        "external_id": "V-1",
                        "kind": "comment",
                        "body": "Shipped a new print head",
                        "author": "Vendor support",
                    }
                ]
            }
        ).encode()
        response = self._post(body, sign(SECRET, body))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), {"applied": 1, "duplicates": 0, "unknown": 0})
        response = self._post(body, sign(SECRET, body))
        self.assertEqual(response.json(), {"applied": 0, "duplicates": 1, "unknown": 0})
        self.assertEqual(len(self._vendor_notes()), 1)
        self.assertTrue(self._vendor_notes().subtype_id.internal)

    def test_signed_resolution_hands_the_ticket_back(self):
        # The request's user is the public one: everything, flush included, must
        # run as superuser once the signature is checked.
        body = json.dumps(
            {
                "events": [
                    {
                        "remote_event_id": "hook-3",
                        "external_id": "V-1",
                        "kind": "resolved",
                        "status": "solved",
                    }
                ]
            }
        ).encode()
        response = self._post(body, sign(SECRET, body))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.ticket.tier_id.code, "L3")
        self.assertEqual(self.binding.external_status, "solved")

    def test_bad_signatures_get_401_and_apply_nothing(self):
        body = json.dumps(
            {
                "events": [
                    {
                        "remote_event_id": "hook-2",
                        "external_id": "V-1",
                        "kind": "comment",
                        "body": "Shipped a new print head",
                    }
                ]
            }
        ).encode()
        cases = {
            "missing": None,
            "wrong secret": sign("not-the-secret", body),
            "other body": sign(SECRET, body + b" "),
            "garbage": "sha256=zz",
        }
        for name, signature in cases.items():
            with self.subTest(name):
                response = self._post(body, signature)
                self.assertEqual(response.status_code, 401)
        self.assertFalse(self._vendor_notes())
        self.assertFalse(
            self.env["helpdesk.sync.inbox"].search([("remote_event_id", "=", "hook-2")])
        )
        # An unknown vendor code looks the same from outside.
        response = self.url_open(
            "/helpdesk_tiers/webhook/nobody",
            data=body,
            headers={"X-Helpdesk-Signature": sign(SECRET, body)},
        )
        self.assertEqual(response.status_code, 401)

    def test_malformed_signed_bodies_get_400(self):
        for body in (
            b"not json",
            b'{"no_events": []}',
            json.dumps({"events": [{"kind": "comment"}]}).encode(),
        ):
            with self.subTest(body=body):
                response = self._post(body, sign(SECRET, body))
                self.assertEqual(response.status_code, 400)
