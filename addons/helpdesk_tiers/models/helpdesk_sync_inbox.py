# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL


class HelpdeskSyncInbox(models.Model):
    """The vendor events already applied, by the vendor's own event id: applying
    the same event twice (a retried pull, two daemons, a replayed webhook) is a
    no-op."""

    _name = "helpdesk.sync.inbox"
    _description = "Applied Vendor Event"
    _order = "id desc"
    _rec_name = "remote_event_id"

    backend_id = fields.Many2one(
        "helpdesk.vendor.backend",
        string="Vendor system",
        required=True,
        ondelete="cascade",
        readonly=True,
    )
    remote_event_id = fields.Char(string="Vendor event", required=True, readonly=True)
    ticket_id = fields.Many2one(
        "helpdesk.ticket", ondelete="set null", index="btree_not_null", readonly=True
    )
    kind = fields.Char(readonly=True)
    applied_at = fields.Datetime(required=True, readonly=True)

    _sql_constraints = [
        (
            "remote_event_unique",
            "unique(backend_id, remote_event_id)",
            "A vendor event is applied once.",
        )
    ]

    @api.model
    def _take(self, backend, events):
        """Record ``events`` (dicts with ``remote_event_id``, ``ticket_id``,
        ``kind``) as applied and return the remote ids that were new. A concurrent
        transaction inserting the same ids waits on the unique index and then
        gets nothing back, so each event is applied by exactly one transaction."""
        if not events:
            return set()
        now = fields.Datetime.now()
        rows = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                backend.id,
                event["remote_event_id"],
                event["ticket_id"],
                event["kind"],
                now,
                self.env.uid,
                now,
                self.env.uid,
                now,
            )
            for event in events
        )
        taken = self.env.execute_query(
            SQL(
                """
                INSERT INTO helpdesk_sync_inbox (backend_id, remote_event_id,
                    ticket_id, kind, applied_at, create_uid, create_date,
                    write_uid, write_date)
                VALUES %s
                ON CONFLICT (backend_id, remote_event_id) DO NOTHING
                RETURNING remote_event_id
                """,
                rows,
            )
        )
        return {remote_event_id for (remote_event_id,) in taken}
