"""One pass of each job: push the outbox to the vendors (claim -> map ->
adapter -> ack), pull the vendors' changes into Odoo, send due customer
updates, report health. Stateless: everything it knows comes from Odoo."""

import json
import logging
import os
import socket
import time
from collections import Counter
from dataclasses import dataclass, field

from . import __version__
from .errors import PermanentSyncError, RetryableSyncError, SyncError
from .http import SIGNATURE_HEADER, HttpClient, sign
from .vendors.base import RemoteTicket

_logger = logging.getLogger(__name__)
# What a customer's webhook receives of a status update.
UPDATE_FIELDS = (
    "id",
    "ticket_id",
    "ticket_number",
    "lang",
    "subject",
    "body",
    "state",
    "handled_by",
    "status",
    "next_update",
)
# Stop taking new events of a batch when this share of its lease is used.
LEASE_MARGIN = 0.8


@dataclass
class PassReport:
    """What one pass did: outcome counts and whether anything went wrong."""

    counts: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors and not (self.counts["failed"] + self.counts["dead"])

    def merge(self, other):
        self.counts.update(other.counts)
        self.errors += other.errors
        return self


class Synchronizer:
    def __init__(self, config, gateway, vendors, stop_event):
        self.config = config
        self.daemon = config.daemon
        self.gateway = gateway
        self.vendors = vendors  # {code: Vendor}
        self.stop_event = stop_event
        self.health = dict.fromkeys(vendors)  # {code: last error or None}
        self._updates_http = None

    @property
    def worker(self):
        return self.daemon.worker_id

    # ------------------------------------------------------------------
    # Push: the outbox to the vendors
    # ------------------------------------------------------------------

    def push(self):
        """Claim, send and acknowledge batches until nothing is due."""
        report = PassReport()
        if not self.vendors:
            return report
        while not self.stop_event.is_set():
            claimed = self.gateway.claim_events(
                self.worker,
                self.daemon.batch_size,
                self.daemon.lease_seconds,
                backend_codes=list(self.vendors),
            )
            if not claimed:
                break
            deadline = time.monotonic() + self.daemon.lease_seconds * LEASE_MARGIN
            results = self._send_batch(claimed, deadline)
            counts = self.gateway.ack_events(results, self.worker)
            report.counts.update(
                {
                    "done": counts.get("done", 0),
                    "failed": counts.get("retried", 0),
                    "dead": counts.get("dead", 0),
                    "released": counts.get("released", 0),
                }
            )
            _logger.info(
                "pushed %s events: %s",
                len(claimed),
                ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if v),
            )
        return report

    def _send_batch(self, events, deadline):
        results = []
        # A vendor ticket whose event failed gets nothing more from this batch:
        # its later events wait, in order, for the next claim.
        broken = set()
        for event in sorted(events, key=lambda e: e["id"]):
            chain = (event["backend_code"], event["correlation_key"])
            if (
                self.stop_event.is_set()
                or time.monotonic() > deadline
                or chain in broken
            ):
                results.append({"id": event["id"], "ok": False, "released": True})
                continue
            result = self._send(event)
            if not result["ok"]:
                broken.add(chain)
            results.append(result)
        return results

    def _send(self, event):
        code = event["backend_code"]
        vendor = self.vendors.get(code)
        try:
            if vendor is None:
                raise RetryableSyncError(f"no configuration for vendor system {code}")
            remote = self._deliver(vendor, event)
        except RetryableSyncError as error:
            return self._failure(event, error, retryable=True)
        except PermanentSyncError as error:
            return self._failure(event, error, retryable=False)
        except Exception as error:  # noqa: BLE001 - a bug or an odd answer: retry later
            _logger.exception("event %s (%s) failed unexpectedly", event["id"], code)
            return self._failure(
                event, SyncError(f"{type(error).__name__}: {error}"), retryable=True
            )
        self.health[code] = None
        return {"id": event["id"], "ok": True, **remote.as_result()}

    def _failure(self, event, error, retryable):
        code = event["backend_code"]
        self.health[code] = str(error)
        _logger.warning(
            "event %s (%s %s, attempt %s) failed: %s",
            event["id"],
            event["kind"],
            code,
            event["attempts"],
            error,
        )
        result = {
            "id": event["id"],
            "ok": False,
            "error": str(error)[:2000],
            "retryable": retryable,
        }
        seconds = getattr(error, "seconds", None)
        if seconds:
            result["retry_after"] = seconds
        return result

    def _deliver(self, vendor, event):
        """Carry one event to the vendor; returns the vendor ticket. An event
        tried before may have gone through: look before writing again."""
        adapter, mapper = vendor.adapter, vendor.mapper
        kind, payload, key = event["kind"], event["payload"], event["correlation_key"]
        tried_before = event["attempts"] > 1
        if kind == "create":
            found = adapter.find(key) if tried_before else None
            return found or adapter.create(mapper.ticket(payload, key), key)
        external_id = payload.get("external_id") or self._find_external_id(adapter, key)
        if kind == "comment" or payload.get("note"):
            marker = f"({key}/e{event['id']})"
            if not (tried_before and adapter.has_comment(external_id, marker)):
                adapter.comment(external_id, mapper.comment(payload, marker))
        if kind in ("status", "close"):
            status = mapper.status(payload)
            if status:
                return adapter.set_status(external_id, status)
        return RemoteTicket(str(external_id))

    @staticmethod
    def _find_external_id(adapter, key):
        # The create went through but was not acknowledged yet.
        found = adapter.find(key)
        if not found:
            raise RetryableSyncError("the vendor ticket does not exist yet")
        return found.external_id

    # ------------------------------------------------------------------
    # Pull: the vendors' changes into Odoo
    # ------------------------------------------------------------------

    def pull(self):
        report = PassReport()
        pulling = {code: v for code, v in self.vendors.items() if v.adapter.pulls}
        if not pulling:
            return report
        backends = {b["code"]: b for b in self.gateway.backends()}
        for code, vendor in pulling.items():
            if self.stop_event.is_set():
                break
            backend = backends.get(code)
            if backend is None:
                _logger.warning(
                    "vendor %s: no active vendor system with this code in Odoo", code
                )
                continue
            try:
                report.counts.update(
                    self._pull_vendor(vendor, backend["cursor"] or None)
                )
            except (RetryableSyncError, PermanentSyncError) as error:
                self.health[code] = str(error)
                report.errors.append(f"{code}: {error}")
                _logger.warning("vendor %s: reading changes failed: %s", code, error)
        return report

    def _pull_vendor(self, vendor, cursor):
        counts = Counter()
        while not self.stop_event.is_set():
            changes = vendor.adapter.fetch_changes(cursor)
            events = vendor.mapper.remote_events(changes.items)
            if events or changes.cursor != cursor:
                # The events and the cursor after them in one transaction, the
                # cursor moving only from where this pass read it: a second
                # daemon that got there first wins, and this one stops.
                result = self.gateway.apply_remote_events(
                    vendor.code, events, changes.cursor, cursor
                )
                if result.get("conflict"):
                    _logger.info(
                        "vendor %s: another daemon read these changes first "
                        "(cursor %s)",
                        vendor.code,
                        result.get("cursor"),
                    )
                    counts["conflicts"] += 1
                    break
                counts.update(result)
                cursor = changes.cursor
            if not changes.more:
                break
        self.health[vendor.code] = None
        if counts["applied"]:
            _logger.info(
                "vendor %s: applied %s changes", vendor.code, counts["applied"]
            )
        return counts

    # ------------------------------------------------------------------
    # Customer updates and heartbeat
    # ------------------------------------------------------------------

    def send_updates(self):
        """Due customer status updates: those by webhook are sent from here; Odoo
        sends the e-mail and portal ones when they are acknowledged."""
        report = PassReport()
        while not self.stop_event.is_set():
            updates = self.gateway.claim_customer_updates(
                self.worker, self.daemon.batch_size, self.daemon.lease_seconds
            )
            if not updates:
                break
            results = [self._send_update(update) for update in updates]
            self.gateway.ack_customer_updates(results, self.worker)
            failed = sum(1 for r in results if not r["ok"])
            report.counts.update(
                updates_sent=len(results) - failed, updates_failed=failed
            )
            if failed:
                report.errors.append(f"{failed} customer updates failed")
        return report

    def _send_update(self, update):
        if update.get("channel") != "webhook":
            return {"id": update["id"], "ok": True}
        try:
            self._post_update(update)
        except SyncError as error:
            _logger.warning("customer update %s failed: %s", update["id"], error)
            return {"id": update["id"], "ok": False, "error": str(error)[:2000]}
        return {"id": update["id"], "ok": True}

    def _post_update(self, update):
        secret = self.config.updates.webhook_secret
        if not secret:
            raise PermanentSyncError(
                "customer updates by webhook need [customer_updates] secret_env"
            )
        if not update.get("webhook_url"):
            raise PermanentSyncError("the customer has no webhook URL")
        if self._updates_http is None:
            self._updates_http = HttpClient(
                "",
                timeout=self.config.updates.timeout,
                retries=self.daemon.http_retries,
                max_retry_wait=self.daemon.max_retry_wait,
                headers={"Content-Type": "application/json"},
                stop_event=self.stop_event,
            )
        body = {
            key: update.get(key)
            for key in UPDATE_FIELDS
            if update.get(key) not in (None, False)
        }
        data = json.dumps(body, sort_keys=True, default=str).encode()
        self._updates_http.request(
            "POST",
            update["webhook_url"],
            data=data,
            idempotent=True,
            headers={
                "X-Helpdesk-Event": "customer_update",
                "X-Helpdesk-Delivery": f"update-{update['id']}",
                SIGNATURE_HEADER: sign(secret, data),
            },
        )

    def heartbeat(self):
        return self.gateway.heartbeat(
            self.worker,
            {
                "version": __version__,
                "host": f"{socket.gethostname()} pid {os.getpid()}",
                "backends": {
                    code: {"ok": error is None, "error": error or False}
                    for code, error in self.health.items()
                },
            },
        )

    def close(self):
        for vendor in self.vendors.values():
            vendor.adapter.close()
        if self._updates_http:
            self._updates_http.close()
