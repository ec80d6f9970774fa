"""Vendor sync throughput: 1,000 escalations pushed to Request Tracker.

    python bench/sync.py      (or: BENCH=sync make bench)

Creates the database BENCH_DB (default helpdesk_tiers_bench_sync; dropped first)
with the addon, starts it on a free port, and a throwaway Request Tracker
(BcryptCost 4, SQLite) on another; then, in one run, on the same machine:

- baseline: Request Tracker's own create rate, RAW tickets (default 200) created
  one after the other straight through its REST2 API, with the same custom
  field and the same body as the daemon sends;
- the daemon's push of EVENTS escalations (default 1,000): claim -> map ->
  create in Request Tracker -> ack, in process, timed from the first claim to
  the last ack, counting every JSON-RPC call made to Odoo.

The two alternate in five rounds, so that both see the same machine load and
the same Request Tracker database size.

Targets: >= 0.8 x Request Tracker's raw create rate, <= 0.05 Odoo RPC calls per
event, and exactly one vendor ticket per escalation. Exits 1 when one is missed.
"""

import os
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The test fixtures (Odoo server, Request Tracker) serve the benchmark as they are.
sys.path.insert(0, str(ROOT / "tests"))

from common import create_database  # noqa: E402
from helpdesk_tiers_sync.config import parse  # noqa: E402
from helpdesk_tiers_sync.service import SyncService  # noqa: E402
from helpdesk_tiers_sync.vendors.rt.mapper import RTMapper  # noqa: E402
from odoo_server import OdooServer, drop_database, free_port  # noqa: E402
from rt_instance import SYNC_USER, RTInstance  # noqa: E402

DB = os.environ.get("BENCH_DB", "helpdesk_tiers_bench_sync")
EVENTS = int(os.environ.get("EVENTS", "1000"))
RAW = int(os.environ.get("RAW", "200"))
ROUNDS = 5
TARGET_RATIO = 0.8
TARGET_RPC_PER_EVENT = 0.05
NOTE = (
    "Firmware 3.4 ignores the code page command and prints garbage on both "
    "tills; rolling back to 3.3 fixes it. We need a corrected firmware."
)


def say(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def prepare_odoo(logs):
    create_database(DB, demo=False)
    server = OdooServer(DB, logs)
    server.start()
    admin = server.client()
    admin(
        "res.users",
        "create",
        {
            "name": "Bench sync daemon",
            "login": "bench-sync",
            "password": "bench-sync-pw",
            "groups_id": [
                (
                    6,
                    0,
                    [
                        admin.ref("base.group_user"),
                        admin.ref("helpdesk_tiers.group_sync_daemon"),
                    ],
                )
            ],
        },
    )
    admin(
        "helpdesk.vendor.backend",
        "create",
        {"name": "Bench RT", "code": "bench_rt", "kind": "rt"},
    )
    return server, admin


def escalate(admin, count, offset):
    tier_l3 = admin.ref("helpdesk_tiers.tier_l3")
    for start in range(0, count, 250):
        size = min(250, count - start)
        ids = admin(
            "helpdesk.ticket",
            "create",
            [
                {
                    "name": f"Receipts garbled at till {offset + start + index}",
                    "description": "<p>Receipts print garbled accents since 3.4.</p>",
                    "tier_id": tier_l3,
                }
                for index in range(size)
            ],
        )
        admin("helpdesk.ticket", "escalate", ids, "L4", NOTE, vendor="bench_rt")


def raw_creates(rt, count, round_):
    """Seconds for Request Tracker to create ``count`` tickets, one after the
    other, with the body the daemon sends."""
    mapper = RTMapper({"queue": "Raw", "correlation_field": "RawRef"})
    payload = {
        "reference": "HT00001",
        "subject": "Receipts garbled at till 1",
        "description": "Receipts print garbled accents since 3.4.",
        "note": NOTE,
        "author": "Administrator",
        "priority_category": "regular",
        "product": {},
        "customer": {},
    }
    session = rt.session()
    started = time.perf_counter()
    for index in range(count):
        response = session.post(
            f"{rt.api}/ticket",
            json=mapper.ticket(payload, f"raw-{round_}-{index}"),
            timeout=30,
        )
        response.raise_for_status()
    return time.perf_counter() - started


def config(server, rt):
    return parse(
        {
            "odoo": {
                "url": server.url,
                "database": DB,
                "login": "bench-sync",
                "password_env": "BENCH_SYNC_PASSWORD",
            },
            "daemon": {"worker_id": "bench", "batch_size": 100, "lease_seconds": 600},
            "vendors": {
                "bench_rt": {
                    "kind": "rt",
                    "url": rt.url,
                    "token_env": "BENCH_RT_TOKEN",
                    "queue": "Vendor",
                    "correlation_field": "ExternalRef",
                    "user": SYNC_USER,
                }
            },
        },
        {"BENCH_SYNC_PASSWORD": "bench-sync-pw", "BENCH_RT_TOKEN": rt.sync_token},
    )


def _timed(obj, method):
    """Add up the time spent in ``obj.method``; returns the running total."""
    total = [0.0]
    original = getattr(obj, method)

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            total[0] += time.perf_counter() - started

    setattr(obj, method, timed)
    return total


def main():
    logs = ROOT / ".state" / "logs" / "bench-sync"
    logs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-rt-") as rt_dir:
        rt = RTInstance(rt_dir, free_port())
        rt.init()
        rt.start()
        server = None
        try:
            rt.ensure_queue("Vendor", "ExternalRef")
            rt.ensure_queue("Raw", "RawRef")
            server, admin = prepare_odoo(logs)
            service = SyncService(config(server, rt))
            _uid = service.gateway.uid  # log in before the clocks start
            calls_before = service.gateway.calls
            rpc_time = _timed(service.gateway, "execute")
            vendor_time = _timed(service.vendors["bench_rt"].adapter.http, "request")
            # Rounds that alternate the baseline and the daemon, so that both see
            # the same machine load and the same Request Tracker database size.
            raw_time = push_time = 0.0
            done = 0
            for round_ in range(ROUNDS):
                escalate(admin, EVENTS // ROUNDS, round_ * (EVENTS // ROUNDS))
                raw_time += raw_creates(rt, RAW // ROUNDS, round_)
                started = time.perf_counter()
                done += service.synchronizer.push().counts["done"]
                push_time += time.perf_counter() - started
                say(f"round {round_ + 1}/{ROUNDS}: {done} events pushed")
            calls = service.gateway.calls - calls_before
            service.synchronizer.close()

            keys, total = rt.correlation_keys()
            distinct = len(keys)
            raw = (RAW // ROUNDS * ROUNDS) / raw_time
            rate = done / push_time
            ratio = rate / raw
            per_event = calls / max(done, 1)
            say("")
            for label, value in (
                ("events pushed", f"{done} in {push_time:.1f} s"),
                ("daemon rate", f"{rate:.1f} events/s"),
                ("Request Tracker raw rate", f"{raw:.1f} creates/s (baseline)"),
                ("ratio", f"{ratio:.2f} x (target >= {TARGET_RATIO})"),
                (
                    "Odoo RPC calls",
                    f"{calls} = {per_event:.3f} per event "
                    f"(target <= {TARGET_RPC_PER_EVENT})",
                ),
                ("vendor tickets", f"{total} ({distinct} distinct keys)"),
                ("time in Odoo calls", f"{rpc_time[0]:.1f} s"),
                ("time in vendor calls", f"{vendor_time[0]:.1f} s"),
            ):
                say(f"{label + ':':<28} {value}")
            ok = (
                ratio >= TARGET_RATIO
                and per_event <= TARGET_RPC_PER_EVENT
                and total == distinct == EVENTS == done
            )
            say("PASS" if ok else "FAIL")
            return 0 if ok else 1
        finally:
            if server:
                server.stop()
            rt.stop()
            drop_database(DB)


if __name__ == "__main__":
    sys.exit(main())
