# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, api, fields, models

# The daemon beats every minute; after this long without news it is silent.
HEARTBEAT_TIMEOUT = timedelta(minutes=5)
# Instances silent for this long are forgotten (a restart without a fixed
# worker_id is a new instance).
WORKER_RETENTION = timedelta(days=7)


class HelpdeskSyncWorker(models.Model):
    """One running instance of the sync daemon, as its heartbeats tell it: when
    it last reported, which vendor systems it serves, which of them failed. Two
    daemons at once are two records, each with its own heartbeat."""

    _name = "helpdesk.sync.worker"
    _description = "Sync Daemon Instance"
    _order = "last_heartbeat desc, id desc"

    name = fields.Char(string="Worker", required=True, readonly=True)
    last_heartbeat = fields.Datetime(
        string="Last heartbeat", required=True, readonly=True, index=True
    )
    version = fields.Char(readonly=True)
    host = fields.Char(readonly=True, help="Host name and process id.")
    backend_ids = fields.Many2many(
        "helpdesk.vendor.backend",
        "helpdesk_sync_worker_backend_rel",
        "worker_id",
        "backend_id",
        string="Vendor systems",
        readonly=True,
    )
    failing_backend_ids = fields.Many2many(
        "helpdesk.vendor.backend",
        "helpdesk_sync_worker_failing_rel",
        "worker_id",
        "backend_id",
        string="Failing vendor systems",
        readonly=True,
    )
    last_error = fields.Text(readonly=True)
    state = fields.Selection(
        [("alive", "Alive"), ("silent", "Silent")], compute="_compute_state"
    )

    _sql_constraints = [
        ("name_unique", "unique(name)", "Each daemon instance has its own name.")
    ]

    @api.depends("last_heartbeat")
    def _compute_state(self):
        silent_since = fields.Datetime.now() - HEARTBEAT_TIMEOUT
        for worker in self:
            worker.state = (
                "alive" if worker.last_heartbeat >= silent_since else "silent"
            )

    @api.model
    def _beat(self, name, backends, errors, info):
        """Record a heartbeat of the instance ``name`` serving ``backends``,
        ``errors`` being {backend: error} for those that failed. Then mark the
        backends seen: a backend's error is the last one reported, cleared
        once no living instance reports it failing. Returns the instance."""
        now = fields.Datetime.now()
        failing = self.env["helpdesk.vendor.backend"].browse(
            [backend.id for backend in errors]
        )
        vals = {
            "last_heartbeat": now,
            "version": str(info.get("version") or "") or False,
            "host": str(info.get("host") or "") or False,
            "backend_ids": [Command.set(backends.ids)],
            "failing_backend_ids": [Command.set(failing.ids)],
            "last_error": "\n".join(
                f"{backend.code}: {error}" for backend, error in errors.items()
            )
            or False,
        }
        worker = self.search([("name", "=", name)])
        if worker:
            worker.write(vals)
        else:
            worker = self.create({"name": name, **vals})
        for error, group in failing.grouped(lambda b: errors[b]).items():
            group.write({"last_seen": now, "last_error": error})
        healthy = backends - failing
        others_failing = self.search(
            [
                ("id", "!=", worker.id),
                ("last_heartbeat", ">=", now - HEARTBEAT_TIMEOUT),
                ("failing_backend_ids", "in", healthy.ids),
            ]
        ).failing_backend_ids
        (healthy & others_failing).write({"last_seen": now})
        (healthy - others_failing).write({"last_seen": now, "last_error": False})
        self.search([("last_heartbeat", "<", now - WORKER_RETENTION)]).unlink()
        return worker

    def _to_rpc(self, backend):
        """These instances as ``backends()`` reports them for ``backend``."""
        return [
            {
                "name": worker.name,
                "state": worker.state,
                "last_heartbeat": fields.Datetime.to_string(worker.last_heartbeat),
                "host": worker.host or False,
                "version": worker.version or False,
                "failing": backend in worker.failing_backend_ids,
            }
            for worker in self
        ]
