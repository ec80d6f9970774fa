"""Odoo over JSON-RPC, the one place that uses odoorpc.

Calls go through Odoo's stateless ``/jsonrpc`` endpoint (``execute_kw`` with the
login's password or API key on each call), so an Odoo restart costs nothing but
the calls made while it is down: those raise OdooUnavailable, and the next call
simply works again.
"""

import http.client
import logging
import socket
import threading
import urllib.error
from urllib.parse import urlsplit

import odoorpc
import odoorpc.error

from .errors import OdooError, OdooUnavailable

_logger = logging.getLogger(__name__)

SYNC_API = "helpdesk.sync.api"
# Errors that say Odoo did not (or not fully) answer: retry later.
NETWORK_ERRORS = (
    urllib.error.URLError,
    http.client.HTTPException,
    ConnectionError,
    socket.timeout,
    TimeoutError,
    ValueError,  # a half-written or non-JSON answer (a proxy's error page)
)


class OdooConnection:
    """execute_kw on one Odoo database as one user."""

    def __init__(self, url, database, login, password, timeout=30.0):
        parts = urlsplit(url)
        self.url = url.rstrip("/")
        self.database = database
        self.login = login
        self._password = password
        self._odoo = odoorpc.ODOO(
            parts.hostname,
            protocol="jsonrpc+ssl" if parts.scheme == "https" else "jsonrpc",
            port=parts.port or (443 if parts.scheme == "https" else 80),
            timeout=timeout,
            version="18.0",  # else odoorpc asks the server at once
        )
        self._uid = None
        self._lock = threading.Lock()
        self.calls = 0

    @property
    def uid(self):
        if self._uid is None:
            uid = self._rpc(
                "common", "authenticate", self.database, self.login, self._password, {}
            )
            if not uid:
                raise OdooError(
                    f"Odoo refused the login {self.login!r} on {self.database!r}",
                    name="odoo.exceptions.AccessDenied",
                )
            self._uid = uid
        return self._uid

    def execute(self, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` on the server."""
        try:
            return self._rpc(
                "object",
                "execute_kw",
                self.database,
                self.uid,
                self._password,
                model,
                method,
                list(args),
                kwargs,
            )
        except OdooError as error:
            if error.name == "odoo.exceptions.AccessDenied":
                self._uid = None  # the password changed, or the user was recreated
            raise

    def _rpc(self, service, method, *args):
        with self._lock:
            self.calls += 1
        try:
            data = self._odoo.json(
                "/jsonrpc", {"service": service, "method": method, "args": list(args)}
            )
        except odoorpc.error.RPCError as error:
            info = error.info if isinstance(error.info, dict) else {}
            data = info.get("data") or {}
            raise OdooError(
                data.get("message") or str(error), name=data.get("name")
            ) from None
        except NETWORK_ERRORS as error:
            raise OdooUnavailable(
                f"Odoo at {self.url} is unreachable: {error}"
            ) from None
        return data.get("result")

    def version(self):
        return self._rpc("common", "version")


class OdooGateway(OdooConnection):
    """The methods of ``helpdesk.sync.api`` (see the addon), one per RPC."""

    def claim_events(self, worker, limit, lease_seconds, backend_codes=None):
        return self.execute(
            SYNC_API,
            "claim_events",
            worker,
            limit,
            lease_seconds,
            backend_codes=list(backend_codes or []),
        )

    def ack_events(self, results, worker):
        return self.execute(SYNC_API, "ack_events", results, worker=worker)

    def backends(self):
        return self.execute(SYNC_API, "backends")

    def apply_remote_events(self, backend_code, events, cursor, read_cursor):
        """Apply ``events`` and move the cursor from ``read_cursor`` (compare and
        set) to ``cursor``."""
        return self.execute(
            SYNC_API,
            "apply_remote_events",
            backend_code,
            events,
            cursor,
            read_cursor=read_cursor or False,
        )

    def heartbeat(self, worker, info):
        return self.execute(SYNC_API, "heartbeat", worker, info)

    def claim_customer_updates(self, worker, limit, lease_seconds):
        return self.execute(
            SYNC_API, "claim_customer_updates", worker, limit, lease_seconds
        )

    def ack_customer_updates(self, results, worker):
        return self.execute(SYNC_API, "ack_customer_updates", results, worker=worker)
