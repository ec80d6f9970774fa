# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, create_index, html2plaintext

# Writes made on behalf of the vendor sync carry this context key: they create no
# outbox events, so nothing the vendor sends comes back to it.
SYNC_CONTEXT_KEY = "helpdesk_tiers_sync"
EVENT_KINDS = [
    ("create", "Create"),
    ("comment", "Comment"),
    ("status", "Status"),
    ("close", "Close"),
]
# Events that still have to go out, in order, per vendor ticket.
OPEN_STATES = ("pending", "in_progress", "failed")


class HelpdeskSyncEvent(models.Model):
    """The outbox: one change of a ticket to carry to a vendor's system, written
    in the same transaction as the change. The sync daemon leases events
    (``claim_events``), sends them and reports back (``ack_events``); failures are
    retried with backoff, then set aside as dead until someone retries them."""

    _name = "helpdesk.sync.event"
    _description = "Vendor Sync Event"
    _order = "id desc"

    backend_id = fields.Many2one(
        "helpdesk.vendor.backend",
        string="Vendor system",
        required=True,
        ondelete="restrict",
        index=True,
        readonly=True,
    )
    binding_id = fields.Many2one(
        "helpdesk.vendor.binding",
        string="Vendor ticket",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    kind = fields.Selection(EVENT_KINDS, required=True, readonly=True)
    payload = fields.Json(readonly=True)
    state = fields.Selection(
        [
            ("pending", "Waiting"),
            ("in_progress", "Being sent"),
            ("done", "Delivered"),
            ("failed", "Retrying"),
            ("dead", "Dead"),
        ],
        required=True,
        default="pending",
        readonly=True,
        index=True,
    )
    attempts = fields.Integer(default=0, readonly=True)
    dead_after = fields.Integer(
        string="Give up after attempt",
        readonly=True,
        help="The event is set aside as dead when this attempt fails too.",
    )
    next_attempt_at = fields.Datetime(readonly=True)
    lease_owner = fields.Char(readonly=True)
    lease_until = fields.Datetime(readonly=True)
    last_error = fields.Text(readonly=True)
    done_at = fields.Datetime(string="Delivered on", readonly=True)
    dedup_key = fields.Char(required=True, readonly=True)

    _sql_constraints = [
        ("dedup_key_unique", "unique(dedup_key)", "This change is already queued.")
    ]

    def init(self):
        # The claim scans only the events still to send, oldest first; done ones,
        # the vast majority, stay out of these partial indexes.
        create_index(
            self.env.cr,
            "helpdesk_sync_event_open_idx",
            self._table,
            ["id"],
            where="state IN ('pending', 'in_progress', 'failed')",
        )
        create_index(
            self.env.cr,
            "helpdesk_sync_event_open_binding_idx",
            self._table,
            ["binding_id", "id"],
            where="state <> 'done'",
        )

    @api.depends("kind", "ticket_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for event in self:
            event.display_name = (
                f"{event.ticket_id.number or ''}: {kinds.get(event.kind, '')}"
            )

    # ------------------------------------------------------------------
    # Writing the outbox
    # ------------------------------------------------------------------

    @api.model
    def _queue(self, bindings_payloads, kind, dedup):
        """Queue one ``kind`` event per (binding, payload); ``dedup(binding)`` gives
        each its dedup key. Events already queued under their key are skipped."""
        keys = {
            dedup(binding): (binding, payload) for binding, payload in bindings_payloads
        }
        if not keys:
            return self.browse()
        # sudo: agents cause events but may not read or write the outbox.
        events = self.sudo()
        known = set(
            events.search([("dedup_key", "in", list(keys))]).mapped("dedup_key")
        )
        return events.create(
            [
                {
                    "backend_id": binding.backend_id.id,
                    "binding_id": binding.id,
                    "ticket_id": binding.ticket_id.id,
                    "kind": kind,
                    "payload": payload,
                    "dedup_key": key,
                    "dead_after": binding.backend_id.max_attempts,
                }
                for key, (binding, payload) in keys.items()
                if key not in known
            ]
        )

    @api.model
    def _queue_escalations(self, escalations, vendors):
        """A ``create`` event for each ticket escalated to a vendor it has no
        ticket at yet, else a ``status`` event that reopens the vendor's ticket
        with the new hand-off note. ``vendors``: {ticket: vendor system}."""
        escalations = escalations.filtered(lambda e: e.ticket_id in vendors)
        if not escalations:
            return self.browse()
        # sudo: agents cause bindings but may not write them.
        bindings, new_pairs = (
            self.env["helpdesk.vendor.binding"]
            .sudo()
            ._ensure([(vendors[e.ticket_id], e.ticket_id) for e in escalations])
        )
        by_kind = {"create": [], "status": []}
        for escalation in escalations:
            pair = (vendors[escalation.ticket_id], escalation.ticket_id)
            payload = {
                "note": escalation.note,
                "author": escalation.user_id.name,
                "status": "open",
            }
            kind = "create" if pair in new_pairs else "status"
            by_kind[kind].append((bindings[pair], payload, escalation))
        events = self.browse()
        for kind, items in by_kind.items():
            escalation_of = {binding: esc for binding, _payload, esc in items}
            events |= self._queue(
                [(binding, payload) for binding, payload, _esc in items],
                kind,
                lambda b, kind=kind, of=escalation_of: f"{kind}:{b.id}:esc{of[b].id}",
            )
        return events

    @api.model
    def _queue_message(self, ticket, message):
        """A ``comment`` event for a public message on a ticket at a vendor."""
        binding = ticket._get_current_vendor_binding()
        if not binding or not ticket.sudo().tier_id.is_external:
            return self.browse()
        payload = {
            "body": html2plaintext(message.body or "").strip(),
            "author": message.author_id.name or message.email_from or "",
            "date": fields.Datetime.to_string(message.date),
            "message_id": message.id,
        }
        return self._queue(
            [(binding, payload)], "comment", lambda b: f"comment:{b.id}:msg{message.id}"
        )

    @api.model
    def _queue_stage_changes(self, tickets):
        """A ``status`` event for tickets at a vendor that changed stage, a
        ``close`` event for those closed (wherever they are now)."""
        now = fields.Datetime.to_string(self.env.cr.now())
        bindings = tickets._get_current_vendor_binding()
        events = self.browse()
        for kind, group in bindings.grouped(
            lambda b: "close" if b.ticket_id.stage_id.closed else "status"
        ).items():
            if kind == "status":
                group = group.filtered(lambda b: b.ticket_id.tier_id.is_external)
            events |= self._queue(
                [
                    (
                        binding,
                        {
                            "status": "closed" if kind == "close" else "open",
                            "stage": binding.ticket_id.stage_id.name,
                        },
                    )
                    for binding in group
                ],
                kind,
                lambda b,
                kind=kind: f"{kind}:{b.id}:stage{b.ticket_id.stage_id.id}@{now}",
            )
        return events

    # ------------------------------------------------------------------
    # Leases
    # ------------------------------------------------------------------

    @api.model
    def _claim(self, worker, limit, lease_seconds, backend_ids=None):
        """Lease up to ``limit`` events due for sending to ``worker``: waiting ones,
        failed ones whose retry time has come, and those whose lease expired. An
        event waits while an earlier one of the same vendor ticket is unsent, so
        each vendor ticket receives its changes in order."""
        now = fields.Datetime.now()
        self.env.flush_all()
        candidates = self.env.execute_query(
            SQL(
                """
                SELECT id, binding_id FROM helpdesk_sync_event
                 WHERE state IN ('pending', 'in_progress', 'failed')
                   AND CASE WHEN state = 'in_progress' THEN lease_until < %(now)s
                            ELSE next_attempt_at IS NULL OR next_attempt_at <= %(now)s
                       END
                   %(backends)s
                 ORDER BY id
                 LIMIT %(limit)s
                   FOR UPDATE SKIP LOCKED
                """,
                now=now,
                limit=limit,
                backends=SQL("AND backend_id IN %s", tuple(backend_ids))
                if backend_ids
                else SQL(),
            )
        )
        if not candidates:
            return self.browse()
        ids = tuple(event_id for event_id, _binding in candidates)
        blocked = {
            event_id
            for (event_id,) in self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT e.id
                      FROM helpdesk_sync_event e
                      JOIN helpdesk_sync_event earlier
                        ON earlier.binding_id = e.binding_id AND earlier.id < e.id
                     WHERE e.id IN %(ids)s
                       AND earlier.id NOT IN %(ids)s
                       AND earlier.state <> 'done'
                       AND (earlier.state <> 'dead' OR earlier.kind = 'create')
                    """,
                    ids=ids,
                )
            )
        }
        # Behind a blocked event, the later events of its vendor ticket wait too.
        blocked_bindings = {b for event_id, b in candidates if event_id in blocked}
        claimed = [
            event_id
            for event_id, binding in candidates
            if binding not in blocked_bindings
        ]
        if not claimed:
            return self.browse()
        self.env.execute_query(
            SQL(
                """
                UPDATE helpdesk_sync_event
                   SET state = 'in_progress', lease_owner = %(worker)s,
                       lease_until = %(until)s, attempts = COALESCE(attempts, 0) + 1,
                       write_uid = %(uid)s, write_date = %(now)s
                 WHERE id IN %(ids)s
                """,
                worker=worker,
                until=now + timedelta(seconds=lease_seconds),
                uid=self.env.uid,
                now=now,
                ids=tuple(claimed),
            )
        )
        events = self.browse(claimed)
        events.invalidate_recordset()
        return events

    def _to_rpc(self):
        """The claimed events as the daemon receives them, with the ticket mapped
        to a neutral shape."""
        tickets = self.ticket_id._get_vendor_payloads()
        return [
            {
                "id": event.id,
                "backend_code": event.backend_id.code,
                "kind": event.kind,
                "ticket_id": event.ticket_id.id,
                "correlation_key": event.binding_id.correlation_key,
                "attempts": event.attempts,
                "payload": {
                    **tickets[event.ticket_id],
                    **(event.payload or {}),
                    "external_id": event.binding_id.external_id or False,
                    "external_status": event.binding_id.external_status or False,
                },
            }
            for event in self.sorted("id")
        ]

    @api.model
    def _ack(self, results, worker=None):
        """Record what the daemon did with the events it leased (see
        ``helpdesk.sync.api.ack_events``)."""
        by_id = {int(result["id"]): result for result in results}
        events = self.browse(by_id).exists()
        counts = {"done": 0, "retried": 0, "dead": 0, "released": 0, "ignored": 0}

        def leased(event):
            return event.state == "in_progress" and (
                not worker or event.lease_owner == worker
            )

        done = events.filtered(lambda e: by_id[e.id].get("ok") and e.state != "done")
        released = events.filtered(
            lambda e: not by_id[e.id].get("ok") and by_id[e.id].get("released")
        ).filtered(leased)
        failed = (
            events.filtered(lambda e: not by_id[e.id].get("ok")).filtered(leased)
            - released
        )
        counts["ignored"] = (
            len(events)
            - len(done | released | failed)
            + len(set(by_id) - set(events.ids))
        )
        now = fields.Datetime.now()
        if done:
            self._bind_external(done, by_id, now)
            done.write(
                {
                    "state": "done",
                    "done_at": now,
                    "lease_owner": False,
                    "lease_until": False,
                    "next_attempt_at": False,
                    "last_error": False,
                }
            )
            counts["done"] = len(done)
        for attempts, group in released.grouped("attempts").items():
            group.write(
                {
                    "state": "pending",
                    "attempts": max(attempts - 1, 0),
                    "lease_owner": False,
                    "lease_until": False,
                }
            )
            counts["released"] += len(group)
        dead = failed.filtered(
            lambda e: not by_id[e.id].get("retryable") or e.attempts >= e.dead_after
        )
        for error, group in dead.grouped(lambda e: by_id[e.id].get("error")).items():
            group.write(
                {
                    "state": "dead",
                    "last_error": error or self.env._("Unknown error"),
                    "lease_owner": False,
                    "lease_until": False,
                    "next_attempt_at": False,
                }
            )
            counts["dead"] += len(group)
        retry = failed - dead
        for (backend, attempts, error, retry_after), group in retry.grouped(
            lambda e: (
                e.backend_id,
                e.attempts,
                by_id[e.id].get("error"),
                by_id[e.id].get("retry_after") or 0,
            )
        ).items():
            delay = backend._get_retry_delay(attempts, retry_after)
            group.write(
                {
                    "state": "failed",
                    "last_error": error or self.env._("Unknown error"),
                    "next_attempt_at": now + timedelta(seconds=delay),
                    "lease_owner": False,
                    "lease_until": False,
                }
            )
            counts["retried"] += len(group)
        return counts

    @api.model
    def _bind_external(self, events, by_id, now):
        """Write what the vendor answered on the events' bindings."""
        # One write per binding: each has its own vendor ticket id.
        for binding, group in events.grouped("binding_id").items():
            # The last event of a vendor ticket in this batch tells its state.
            result = by_id[group.sorted("id")[-1].id]
            vals = {"sync_date": now}
            for key in ("external_id", "external_url", "external_status"):
                if result.get(key):
                    vals[key] = str(result[key])
            binding.write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_retry(self):
        """Send dead (or retrying) events again, with a fresh set of attempts."""
        retry = self.filtered(lambda e: e.state in ("dead", "failed"))
        for (backend, attempts), group in retry.grouped(
            lambda e: (e.backend_id, e.attempts)
        ).items():
            group.write(
                {
                    "state": "pending",
                    "next_attempt_at": False,
                    # attempts never go back: the adapter then still looks for a
                    # vendor ticket that an earlier attempt may have created.
                    "dead_after": attempts + backend.max_attempts,
                    "last_error": False,
                }
            )
        return True

    @api.autovacuum
    def _gc_delivered_events(self):
        """Forget events delivered more than 30 days ago."""
        limit = fields.Datetime.now() - timedelta(days=30)
        self.search([("state", "=", "done"), ("done_at", "<", limit)]).unlink()
