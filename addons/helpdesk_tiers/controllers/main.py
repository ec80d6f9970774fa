# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import hmac
import json
import logging

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

_logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Helpdesk-Signature"
MAX_BODY = 1024 * 1024


def sign(secret, body):
    """The signature a webhook vendor sends: HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class HelpdeskSyncWebhook(http.Controller):
    @http.route(
        "/helpdesk_tiers/webhook/<string:backend_code>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def receive_vendor_events(self, backend_code):
        """A webhook vendor's signed events: ``{"events": [...]}`` in the shape of
        ``helpdesk.sync.api.apply_remote_events``. A missing or bad signature is
        refused with 401 and nothing is applied, whether the code exists or not."""
        body = request.httprequest.get_data(cache=False)
        if len(body) > MAX_BODY:
            return _json({"error": "body too large"}, 413)
        # sudo: the caller is anonymous until the signature proves it is the vendor.
        backend = (
            request.env["helpdesk.vendor.backend"]
            .sudo()
            .search([("code", "=", backend_code), ("kind", "=", "webhook")], limit=1)
        )
        given = request.httprequest.headers.get(SIGNATURE_HEADER, "")
        expected = sign(backend.webhook_secret, body) if backend.webhook_secret else ""
        if not expected or not hmac.compare_digest(given, expected):
            _logger.warning("webhook %s: bad or missing signature", backend_code)
            return _json({"error": "bad signature"}, 401)
        try:
            payload = json.loads(body)
            events = payload["events"]
            # All or nothing: a malformed event undoes the whole delivery.
            with request.env.cr.savepoint():
                result = backend._apply_remote_events(
                    events, cursor=payload.get("cursor")
                )
                # Recompute as superuser: the request's own user is the public one.
                backend.env.flush_all()
        except (ValueError, KeyError, TypeError, UserError) as error:
            return _json({"error": str(error)}, 400)
        return _json(result, 200)


def _json(data, status):
    return request.make_json_response(data, status=status)
