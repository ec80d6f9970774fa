# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``POST /helpdesk/alert``: monitoring and IoT systems open tickets.

Authentication: ``Authorization: Bearer <token>`` (a token per
``helpdesk.alert.source``). Body: a JSON object::

    {"fingerprint": "printer-42/toner",   # required: same alert = same string
     "title": "Toner low on printer 42",  # required
     "status": "firing" | "resolved",     # optional, default "firing"
     "severity": "warning",               # optional
     "description": "...",                # optional
     "serial_number": "SN-123"}           # optional

Answers JSON: 201 ``{"action": "created", "ticket": ...}``, 200 for
``updated`` / ``resolved`` / ``ignored``; 400 for a bad payload, 401 for a
missing or unknown token, 405 for another method, 413 for a body too large.
Nothing is written when the answer is 4xx."""

import json
import logging

from odoo import http
from odoo.http import request

from ..models.helpdesk_alert_source import ALERT_STATUSES

_logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
FIELDS = {
    # name: (required, max length)
    "fingerprint": (True, 200),
    "title": (True, 200),
    "status": (False, 20),
    "severity": (False, 50),
    "description": (False, 10000),
    "serial_number": (False, 100),
}


class AlertError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def parse_alert(raw, env):
    """The alert as a dict of stripped strings, or AlertError(400)."""
    try:
        data = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError) as error:
        raise AlertError(400, env._("The body is not valid JSON: %s", error)) from error
    if not isinstance(data, dict):
        raise AlertError(400, env._("The body must be a JSON object."))
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise AlertError(
            400,
            env._(
                "Unknown keys: %(keys)s. Allowed: %(allowed)s.",
                keys=", ".join(unknown),
                allowed=", ".join(FIELDS),
            ),
        )
    alert = {}
    for name, (required, max_length) in FIELDS.items():
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise AlertError(400, env._("%s is required.", name))
            continue
        if not isinstance(value, str):
            raise AlertError(400, env._("%s must be a string.", name))
        if len(value) > max_length:
            raise AlertError(
                400,
                env._(
                    "%(name)s is longer than %(max)s characters.",
                    name=name,
                    max=max_length,
                ),
            )
        alert[name] = value.strip()
    alert.setdefault("status", "firing")
    if alert["status"] not in ALERT_STATUSES:
        raise AlertError(
            400,
            env._(
                "status must be one of: %s.",
                ", ".join(ALERT_STATUSES),
            ),
        )
    return alert


class HelpdeskAlertController(http.Controller):
    @http.route(
        "/helpdesk/alert",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def receive_alert(self, **_kwargs):
        env = request.env
        try:
            header = request.httprequest.headers.get("Authorization", "")
            scheme, _sep, token = header.partition(" ")
            source = env["helpdesk.alert.source"]._authenticate(
                token.strip() if scheme.lower() == "bearer" else ""
            )
            if not source:
                raise AlertError(401, env._("Missing or unknown bearer token."))
            length = request.httprequest.content_length
            if length and length > MAX_BODY_BYTES:
                raise AlertError(
                    413, env._("The body is larger than %s bytes.", MAX_BODY_BYTES)
                )
            raw = request.httprequest.get_data(cache=False)
            if len(raw) > MAX_BODY_BYTES:
                raise AlertError(
                    413, env._("The body is larger than %s bytes.", MAX_BODY_BYTES)
                )
            alert = parse_alert(raw, env)
        except AlertError as error:
            return request.make_json_response(
                {"error": error.message}, status=error.status
            )
        action, ticket = source._receive_alert(alert)
        _logger.info(
            "Alert %s from source %s: %s %s",
            alert["fingerprint"],
            source.id,
            action,
            ticket.number or "",
        )
        return request.make_json_response(
            {
                "action": action,
                "ticket": ticket and {"id": ticket.id, "number": ticket.number},
            },
            status=201 if action == "created" else 200,
        )
