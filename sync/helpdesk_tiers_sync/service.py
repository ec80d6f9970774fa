"""The daemon's life: the scheduler and its jobs (push, pull, customer updates,
heartbeat), each coalesced and never running twice at once, and a clean stop
on SIGTERM (jobs finish their call or release their leases)."""

import logging
import signal
import threading
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler

from . import vendors as vendor_kinds
from .errors import OdooError, OdooUnavailable, SyncError
from .odoo_gateway import OdooGateway
from .synchronizer import PassReport, Synchronizer

_logger = logging.getLogger(__name__)

JOBS = ("heartbeat", "push", "pull", "updates")


class SyncService:
    def __init__(self, config, gateway=None):
        self.config = config
        self.stop_event = threading.Event()
        self.gateway = gateway or OdooGateway(
            config.odoo.url,
            config.odoo.database,
            config.odoo.login,
            config.odoo.password,
            timeout=config.odoo.timeout,
        )
        self.vendors = {
            vendor.code: vendor_kinds.build(vendor, config.daemon, self.stop_event)
            for vendor in config.vendors
        }
        self.synchronizer = Synchronizer(
            config, self.gateway, self.vendors, self.stop_event
        )
        self.scheduler = None

    # --- one job, whatever happens --------------------------------------------
    def _run_job(self, name):
        job = {
            "heartbeat": self.synchronizer.heartbeat,
            "push": self.synchronizer.push,
            "pull": self.synchronizer.pull,
            "updates": self.synchronizer.send_updates,
        }[name]
        try:
            result = job()
        except OdooUnavailable as error:
            _logger.warning("%s: %s; trying again at the next run", name, error)
            return PassReport(errors=[str(error)])
        except (OdooError, SyncError) as error:
            _logger.error("%s failed: %s", name, error)
            return PassReport(errors=[str(error)])
        return result if isinstance(result, PassReport) else PassReport()

    # --- run: the scheduler ------------------------------------------------------
    def run(self):
        daemon = self.config.daemon
        self.scheduler = BlockingScheduler(
            executors={"default": ThreadPoolExecutor(len(JOBS))},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": None,
            },
            timezone="UTC",
        )
        intervals = {
            "heartbeat": daemon.heartbeat_interval,
            "push": daemon.push_interval,
            "pull": daemon.pull_interval,
            "updates": daemon.updates_interval,
        }
        for name in JOBS:
            self.scheduler.add_job(
                self._run_job,
                "interval",
                args=[name],
                id=name,
                name=name,
                seconds=intervals[name],
                next_run_time=datetime.now(UTC),
            )
        previous = {
            sig: signal.signal(sig, self._on_signal)
            for sig in (signal.SIGTERM, signal.SIGINT)
        }
        _logger.info(
            "helpdesk-tiers-sync %s running against %s (%s), vendors: %s",
            self.config.daemon.worker_id,
            self.config.odoo.url,
            self.config.odoo.database,
            ", ".join(self.vendors) or "none",
        )
        try:
            self.scheduler.start()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.synchronizer.close()
        _logger.info("stopped")

    def _on_signal(self, signum, _frame):
        _logger.info(
            "%s received: finishing the jobs under way", signal.Signals(signum).name
        )
        self.stop()

    def stop(self):
        self.stop_event.set()
        if self.scheduler is not None and self.scheduler.running:
            # Running jobs see the stop event: they release what they leased.
            self.scheduler.shutdown(wait=True)

    # --- once: one pass of everything -------------------------------------------
    def once(self):
        """One pass of every job; the report says whether everything went through."""
        report = PassReport()
        try:
            for name in ("heartbeat", "push", "pull", "updates", "heartbeat"):
                report.merge(self._run_job(name))
        finally:
            self.synchronizer.close()
        return report
