"""A generic webhook vendor: each change is one signed JSON POST to ``url``.

Headers: ``X-Helpdesk-Event`` (create, comment, status, ping),
``X-Helpdesk-Delivery`` (an id to deduplicate on: the correlation key for a
create, a per-event marker otherwise) and ``X-Helpdesk-Signature``
(``sha256=`` HMAC of the body with the shared secret, ``secret_env``). The
vendor answers a create with ``{"external_id": ..., "url": ..., "status": ...}``
and may answer ``GET <url>?correlation_key=...`` with the same shape (404 when
unknown). Its own events come back signed to Odoo's
``/helpdesk_tiers/webhook/<code>``.
"""

import json
from urllib.parse import urlencode

from ...errors import PermanentSyncError, RetryableSyncError
from ...http import SIGNATURE_HEADER, sign
from ..base import Adapter, Changes, RemoteTicket


class WebhookAdapter(Adapter):
    required_secrets = ("secret",)
    pulls = False

    def __init__(self, config, daemon_config, stop_event):
        super().__init__(config, daemon_config, stop_event)
        self.secret = config.secret("secret")
        self.http = self._http_client(config.url, {"Content-Type": "application/json"})

    def _post(self, body, delivery, idempotent=False):
        data = json.dumps(body, sort_keys=True).encode()
        response = self.http.request(
            "POST",
            "",
            data=data,
            idempotent=idempotent,
            headers={
                "X-Helpdesk-Event": body["event"],
                "X-Helpdesk-Delivery": delivery,
                SIGNATURE_HEADER: sign(self.secret, data),
            },
        )
        if not response.content:
            return {}
        try:
            answer = response.json()
        except ValueError:
            raise RetryableSyncError(
                f"the webhook answered garbage: {response.text[:80]!r}"
            ) from None
        return answer if isinstance(answer, dict) else {}

    @staticmethod
    def _ticket(answer, fallback_id=None):
        external_id = answer.get("external_id") or fallback_id
        if not external_id:
            raise PermanentSyncError("the webhook answered without an external_id")
        return RemoteTicket(str(external_id), answer.get("url"), answer.get("status"))

    def create(self, request, correlation_key):
        return self._ticket(self._post(request, correlation_key))

    def find(self, correlation_key):
        query = urlencode({"correlation_key": correlation_key})
        try:
            response = self.http.request(
                "GET",
                f"{self.config.url}?{query}",
                headers={SIGNATURE_HEADER: sign(self.secret, query.encode())},
            )
        except PermanentSyncError:
            return None  # 404: unknown; 405/501: the vendor offers no lookup
        try:
            answer = response.json()
        except ValueError:
            return None
        return self._ticket(answer) if answer.get("external_id") else None

    def comment(self, external_id, request):
        self._post({**request, "external_id": external_id}, request["delivery"])

    def has_comment(self, external_id, marker):
        # Webhook receivers deduplicate on X-Helpdesk-Delivery.
        return False

    def set_status(self, external_id, status):
        body = {"event": "status", "external_id": external_id, "status": status}
        answer = self._post(body, f"{external_id}/{status}", idempotent=True)
        return RemoteTicket(
            str(external_id), answer.get("url"), answer.get("status") or status
        )

    def fetch_changes(self, cursor):
        return Changes([], cursor)

    def check(self):
        self._post({"event": "ping"}, "ping", idempotent=True)
        return f"webhook at {self.config.url}"
