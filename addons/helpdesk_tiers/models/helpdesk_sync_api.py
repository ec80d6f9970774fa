# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .helpdesk_vendor_backend import NOT_GIVEN

MAX_CLAIM = 1000
LEASE_RANGE = (5, 3600)


class HelpdeskSyncApi(models.AbstractModel):
    """What the vendor sync daemon calls over RPC, and nothing else: its user has
    no rights of its own on tickets. Each method checks that the caller is in
    ``helpdesk_tiers.group_sync_daemon``, then works as superuser within what the
    method does. The shapes exchanged are a contract (see DESIGN.md); absent
    values are ``False``, as XML-RPC has no null."""

    _name = "helpdesk.sync.api"
    _description = "Vendor Sync API"

    @api.model
    def _as_daemon(self):
        """This model as superuser, once the caller is known to be the daemon."""
        if not self.env.su and not self.env.user.has_group(
            "helpdesk_tiers.group_sync_daemon"
        ):
            raise AccessError(
                self.env._(
                    "Only the vendor sync daemon may call the sync API "
                    "(group 'Helpdesk sync daemon')."
                )
            )
        # sudo: the caller is the sync daemon, whose only rights are these methods.
        return self.sudo()

    @api.model
    def _check_worker(self, worker):
        if not isinstance(worker, str) or not worker.strip():
            raise UserError(self.env._("Name the worker: a non-empty string."))
        return worker.strip()

    @api.model
    def _check_claim(self, worker, limit, lease_seconds):
        """The worker's name, once the arguments of a claim are known to be sound."""
        worker = self._check_worker(worker)
        if (
            not isinstance(limit, int)
            or isinstance(limit, bool)
            or not 0 < limit <= MAX_CLAIM
        ):
            raise UserError(
                self.env._("The limit must be between 1 and %s.", MAX_CLAIM)
            )
        low, high = LEASE_RANGE
        if not isinstance(lease_seconds, int | float) or not (
            low <= lease_seconds <= high
        ):
            raise UserError(
                self.env._(
                    "The lease must last between %(low)s and %(high)s seconds.",
                    low=low,
                    high=high,
                )
            )
        return worker

    @api.model
    def claim_events(self, worker, limit=100, lease_seconds=120, backend_codes=None):
        """Lease up to ``limit`` outbox events due for sending to ``worker`` for
        ``lease_seconds``; an event whose lease expires returns to the pool.
        ``backend_codes`` restricts the claim to these vendor systems.

        Returns a list of dicts: ``id``, ``backend_code``, ``kind``,
        ``ticket_id``, ``correlation_key``, ``attempts`` (this one included) and
        ``payload`` (the ticket in a neutral shape, with the binding's
        ``external_id`` when the vendor ticket exists)."""
        api_ = self._as_daemon()
        worker = self._check_claim(worker, limit, lease_seconds)
        backend_ids = None
        if backend_codes:
            backend_ids = (
                api_.env["helpdesk.vendor.backend"]
                .search([("code", "in", list(backend_codes))])
                .ids
            )
            if not backend_ids:
                return []
        events = api_.env["helpdesk.sync.event"]._claim(
            worker, limit, lease_seconds, backend_ids
        )
        return events._to_rpc()

    @api.model
    def ack_events(self, results, worker=None):
        """Report on leased events. Each result: ``id`` and ``ok``; when ok,
        ``external_id``, ``external_url``, ``external_status`` (written on the
        binding); when not, ``error``, ``retryable`` and optionally
        ``retry_after`` (seconds), or ``released`` for an event left unsent
        (it goes back to the pool without counting as an attempt).

        A failure report counts only while the event is still leased (to
        ``worker`` when given); a success always counts. Returns counts:
        ``done``, ``retried``, ``dead``, ``released``, ``ignored``."""
        api_ = self._as_daemon()
        if not isinstance(results, list | tuple) or not all(
            isinstance(r, dict) and isinstance(r.get("id"), int) for r in results
        ):
            raise UserError(
                self.env._("Results must be a list of objects, each with an id.")
            )
        return api_.env["helpdesk.sync.event"]._ack(results, worker=worker)

    @api.model
    def backends(self):
        """The active vendor systems, with their backlog: ``code``, ``name``,
        ``kind``, ``cursor``, ``pending``, ``failed``, ``dead``,
        ``oldest_pending`` (UTC, or false), ``last_seen``, ``last_error``,
        ``state``, and ``workers``: the daemon instances serving it (``name``,
        ``state``, ``last_heartbeat``, ``host``, ``version``, ``failing``)."""
        api_ = self._as_daemon()
        return [
            {
                "id": backend.id,
                "code": backend.code,
                "name": backend.name,
                "kind": backend.kind,
                "cursor": backend.cursor or False,
                "pending": backend.pending_count,
                "failed": backend.failed_count,
                "dead": backend.dead_count,
                "oldest_pending": _to_string(backend.oldest_pending_date),
                "last_seen": _to_string(backend.last_seen),
                "last_pull": _to_string(backend.last_pull),
                "last_error": backend.last_error or False,
                "state": backend.state,
                "workers": backend.worker_ids._to_rpc(backend),
            }
            for backend in api_.env["helpdesk.vendor.backend"].search([])
        ]

    @api.model
    def apply_remote_events(
        self, backend_code, events, cursor=None, read_cursor=NOT_GIVEN
    ):
        """Apply what the vendor ``backend_code`` sent, each event once (through
        the inbox), and store ``cursor`` (where the daemon stopped reading) in the
        same transaction. Each event: ``remote_event_id``, ``external_id`` (or
        ``correlation_key``), ``kind`` (``comment``, ``status``, ``resolved``,
        ``closed``), ``body``, ``author``, ``date``, ``status``.

        ``read_cursor``, the cursor the daemon read before fetching the events
        (false for none), makes the cursor a compare-and-set: if another daemon
        has moved it meanwhile, nothing is applied, the cursor does not go back,
        and the result has ``"conflict": True`` and the stored ``cursor``.

        Returns ``{"applied": n, "duplicates": m, "unknown": k}``; unknown events
        concern no ticket of ours and are not recorded."""
        api_ = self._as_daemon()
        backend = api_.env["helpdesk.vendor.backend"]._resolve(backend_code)
        return backend._apply_remote_events(
            events, cursor=cursor, read_cursor=read_cursor
        )

    @api.model
    def claim_customer_updates(self, worker, limit=100, lease_seconds=120):
        """Lease to ``worker``, for ``lease_seconds``, the status updates due on
        up to ``limit`` tickets, rendered in each customer's language (a ticket
        whose update is leased, or failed and not yet due again, waits; an
        expired lease returns the ticket to the pool).

        Returns a list of dicts: ``id``, ``ticket_id``, ``channel`` (``email``,
        ``portal``, ``webhook``), ``lang``, ``subject``, ``body`` (HTML),
        ``webhook_url``, ``next_update`` (UTC, the time the update promises),
        and for webhooks ``ticket_number``, ``state``, ``handled_by``,
        ``status`` (the customer's words), ``attempt``, ``lease_until``.
        E-mail and portal updates need no transport from the daemon: Odoo's
        mail sends them when they are acknowledged."""
        api_ = self._as_daemon()
        worker = self._check_claim(worker, limit, lease_seconds)
        updates = api_.env["helpdesk.customer.update"]._claim(
            worker, limit, lease_seconds
        )
        return updates._to_rpc()

    @api.model
    def ack_customer_updates(self, results, worker=None):
        """Report on claimed status updates. Each result: ``id``, ``ok`` and,
        when not ok, ``error``. A sent update is recorded in the ticket's
        chatter (e-mail and portal ones are posted then, through Odoo's mail)
        and the next one is scheduled; a failed one is tried again later, after
        a growing delay. Reports on updates no longer leased (to ``worker`` when
        given) are ignored. Returns counts: ``sent``, ``failed``, ``ignored``."""
        api_ = self._as_daemon()
        if not isinstance(results, list | tuple) or not all(
            isinstance(r, dict)
            and isinstance(r.get("id"), int)
            and isinstance(r.get("ok"), bool)
            for r in results
        ):
            raise UserError(
                self.env._(
                    "Results must be a list of objects, each with an integer id "
                    "and a boolean ok."
                )
            )
        return api_.env["helpdesk.customer.update"]._ack(results, worker=worker)

    @api.model
    def heartbeat(self, worker, info=None):
        """The daemon instance ``worker`` reports it is alive: ``info["backends"]``
        holds, for each vendor system it serves, ``{"ok": bool, "error": str}``;
        those are marked seen (all active ones when ``info`` names none);
        ``info["version"]`` and ``info["host"]`` describe the instance. Each
        instance is recorded apart (``helpdesk.sync.worker``), so two daemons
        at once are both visible. Returns the server time (UTC)."""
        api_ = self._as_daemon()
        worker = self._check_worker(worker)
        info = info or {}
        if not isinstance(info, dict):
            raise UserError(self.env._("info must be an object."))
        reports = info.get("backends") or {}
        if not isinstance(reports, dict) or not all(
            isinstance(r, dict) for r in reports.values()
        ):
            raise UserError(
                self.env._("info['backends'] must map vendor codes to objects.")
            )
        domain = [("code", "in", list(reports))] if reports else []
        backends = api_.env["helpdesk.vendor.backend"].search(domain)
        errors = {
            backend: str(reports[backend.code]["error"])
            for backend in backends
            if (reports.get(backend.code) or {}).get("error")
        }
        api_.env["helpdesk.sync.worker"]._beat(worker, backends, errors, info)
        return {"time": _to_string(fields.Datetime.now())}


def _to_string(value):
    return fields.Datetime.to_string(value) if value else False
