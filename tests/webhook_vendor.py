"""A webhook vendor on loopback: the receiving end of the generic webhook
protocol, as a vendor would implement it (signature checked, deliveries
deduplicated, tickets numbered, lookup by correlation key), and the sending end
(signed events posted to Odoo's endpoint)."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import requests
from loopback import LoopbackServer


def sign(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookVendor:
    def __init__(self, secret):
        self.secret = secret
        self.tickets = {}  # external id -> {"correlation_key", "status", "comments"}
        self.deliveries = []  # every accepted (event, delivery id, body)
        self.rejected = 0
        self._seen = set()
        self._lock = threading.Lock()
        self._http = LoopbackServer(self._handler(), path="/hooks/helpdesk")
        self.url = self._http.url

    def __enter__(self):
        self._http.start()
        return self

    def __exit__(self, *exc):
        self._http.stop()

    def by_key(self, key):
        return next(
            (i for i, t in self.tickets.items() if t["correlation_key"] == key), None
        )

    def _receive(self, headers, body):
        """(status, answer) for a POST."""
        if headers.get("X-Helpdesk-Signature") != sign(self.secret, body):
            self.rejected += 1
            return 401, {"error": "bad signature"}
        data = json.loads(body)
        delivery = headers.get("X-Helpdesk-Delivery")
        with self._lock:
            if data["event"] == "create":
                found = self.by_key(data["correlation_key"])
                if found is None:
                    found = f"V-{len(self.tickets) + 1}"
                    self.tickets[found] = {
                        "correlation_key": data["correlation_key"],
                        "status": "new",
                        "comments": [],
                        "ticket": data["ticket"],
                    }
                    self.deliveries.append(("create", delivery, data))
                return 201, {
                    "external_id": found,
                    "status": self.tickets[found]["status"],
                    "url": f"https://vendor.example/t/{found}",
                }
            if (data["event"], delivery) in self._seen:
                return 200, {}
            self._seen.add((data["event"], delivery))
            self.deliveries.append((data["event"], delivery, data))
            ticket = self.tickets.get(data.get("external_id"))
            if data["event"] == "comment" and ticket:
                ticket["comments"].append(data["body"])
            if data["event"] == "status" and ticket:
                ticket["status"] = data["status"]
            return 200, {"status": ticket["status"] if ticket else None}

    def _lookup(self, query):
        key = parse_qs(query).get("correlation_key", [None])[0]
        found = self.by_key(key)
        if found is None:
            return 404, {"error": "unknown"}
        return 200, {"external_id": found, "status": self.tickets[found]["status"]}

    def _handler(self):
        vendor = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, status, data):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._answer(*vendor._receive(self.headers, body))

            def do_GET(self):
                query = urlsplit(self.path).query
                if self.headers.get("X-Helpdesk-Signature") != sign(
                    vendor.secret, query.encode()
                ):
                    return self._answer(401, {"error": "bad signature"})
                self._answer(*vendor._lookup(query))

        return Handler

    # --- the vendor's own events, to Odoo -------------------------------------------
    def send(self, odoo_url, code, events, secret=None):
        body = json.dumps({"events": events}).encode()
        return requests.post(
            f"{odoo_url}/helpdesk_tiers/webhook/{code}",
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Helpdesk-Signature": sign(secret or self.secret, body),
            },
            timeout=30,
        )
