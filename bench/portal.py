"""Customer portal: /my/tickets and a ticket page for a company with 10,000 tickets.

    python bench/portal.py      (or: BENCH=portal make bench)

Creates two databases (dropped first), each served by its own Odoo process on a
free loopback port:

- BENCH_DB (default helpdesk_tiers_bench_portal): helpdesk_tiers, no demo data;
- BENCH_BASE_DB (default helpdesk_tiers_bench_portal_base): helpdesk_mgmt alone,
  the baseline: its own portal pages, same data.

In each: one customer company with TICKETS tickets (default 10,000) spread over
five contacts, and a portal login for the company's support manager, who sees
them all (with helpdesk_tiers: the contact flag; with helpdesk_mgmt alone: every
contact sees the company's tickets). Then, from a logged-in portal session, the
list /my/tickets (first page, newest first) and the page of the newest ticket
are each requested REQUESTS times (default 50) in each database, alternating
between the two so that both see the same machine load, after a warm-up.
Times are wall times of the request on loopback (server time plus a loopback
round trip, the same on both sides).

Targets: list p95 < 300 ms, and list p95 at most 1.2 x helpdesk_mgmt's.
Exits 1 when one is missed.
"""

import os
import pathlib
import re
import statistics
import sys
import tempfile
import time

import requests

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The test fixtures (Odoo server) serve the benchmark as they are.
sys.path.insert(0, str(ROOT / "tests"))

from common import create_database, percentile  # noqa: E402
from odoo_server import OdooServer  # noqa: E402

DB = os.environ.get("BENCH_DB", "helpdesk_tiers_bench_portal")
BASE_DB = os.environ.get("BENCH_BASE_DB", "helpdesk_tiers_bench_portal_base")
TICKETS = int(os.environ.get("TICKETS", "10000"))
REQUESTS = int(os.environ.get("REQUESTS", "50"))
WARMUP = 5
BATCH = 500
CONTACTS = 5
TARGET_LIST_P95 = 0.300
TARGET_RATIO = 1.2
LOGIN = "bench-portal-manager"
_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def say(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def populate(server, tiers):
    """The company, its contacts, the manager's portal login and the tickets;
    returns the id of the newest ticket."""
    admin = server.client()
    company = admin(
        "res.partner", "create", {"name": "Bench Bakery", "is_company": True}
    )
    contacts = admin(
        "res.partner",
        "create",
        [
            {"name": f"Bench contact {index}", "parent_id": company}
            for index in range(CONTACTS)
        ],
    )
    manager_values = {"name": "Bench manager", "parent_id": company}
    if tiers:
        manager_values["helpdesk_support_manager"] = True
    manager = admin("res.partner", "create", manager_values)
    admin(
        "res.users",
        "create",
        {
            "partner_id": manager,
            "login": LOGIN,
            "password": LOGIN,
            "groups_id": [(6, 0, [admin.ref("base.group_portal")])],
        },
    )
    started = time.monotonic()
    ticket_id = None
    for offset in range(0, TICKETS, BATCH):
        ids = admin(
            "helpdesk.ticket",
            "create",
            [
                {
                    "name": f"Bench ticket {index}: the counter printer blinks red",
                    "description": "<p>The counter printer blinks red.</p>",
                    "partner_id": contacts[index % CONTACTS],
                }
                for index in range(offset, min(offset + BATCH, TICKETS))
            ],
        )
        ticket_id = ids[-1]
    say(
        f"  {server.database}: {TICKETS} tickets created in "
        f"{time.monotonic() - started:.0f} s"
    )
    return ticket_id


def portal_session(server):
    session = requests.Session()
    page = session.get(f"{server.url}/web/login", timeout=30)
    token = _CSRF_RE.search(page.text).group(1)
    session.post(
        f"{server.url}/web/login",
        data={"login": LOGIN, "password": LOGIN, "csrf_token": token},
        timeout=30,
    )
    return session


def timed_get(session, url):
    started = time.perf_counter()
    response = session.get(url, timeout=60, allow_redirects=False)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed, response.text


def p95(values):
    return percentile(values, 95)


def main():
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as tmp:
        logs = pathlib.Path(tmp)
        create_database(DB, demo=False)
        create_database(BASE_DB, demo=False, addons="helpdesk_mgmt")
        servers = {"helpdesk_tiers": OdooServer(DB, logs)}
        servers["helpdesk_mgmt"] = OdooServer(BASE_DB, logs)
        try:
            for server in servers.values():
                server.start()
            newest = {
                name: populate(server, tiers=name == "helpdesk_tiers")
                for name, server in servers.items()
            }
            sessions = {name: portal_session(s) for name, s in servers.items()}
            urls = {
                name: {
                    "list": f"{server.url}/my/tickets",
                    "ticket": f"{server.url}/my/ticket/{newest[name]}",
                }
                for name, server in servers.items()
            }
            for name, pages in urls.items():
                __, text = timed_get(sessions[name], pages["list"])
                rows = text.count('href="/my/ticket/')
                say(f"  {name}: the list shows {rows} tickets on its first page")
                if rows < 20:
                    raise SystemExit(f"{name}: the list shows too few tickets")
            times = {name: {"list": [], "ticket": []} for name in servers}
            for round_ in range(WARMUP + REQUESTS):
                for page in ("list", "ticket"):
                    for name in servers:
                        elapsed, __ = timed_get(sessions[name], urls[name][page])
                        if round_ >= WARMUP:
                            times[name][page].append(elapsed)
        finally:
            for server in servers.values():
                server.stop()
    say(f"\n{TICKETS} tickets of one company, {REQUESTS} requests per page:")
    say(f"{'':<28}{'median':>10}{'p95':>10}")
    for page in ("list", "ticket"):
        for name in servers:
            values = times[name][page]
            say(
                f"{page + ' ' + name:<28}{statistics.median(values) * 1000:>8.0f} ms"
                f"{p95(values) * 1000:>8.0f} ms"
            )
    ratios = {
        page: p95(times["helpdesk_tiers"][page]) / p95(times["helpdesk_mgmt"][page])
        for page in ("list", "ticket")
    }
    list_p95 = p95(times["helpdesk_tiers"]["list"])
    say(f"list p95 ratio:   {ratios['list']:.2f} x helpdesk_mgmt (target <= 1.2)")
    say(f"ticket p95 ratio: {ratios['ticket']:.2f} x helpdesk_mgmt")
    ok = list_p95 < TARGET_LIST_P95 and ratios["list"] <= TARGET_RATIO
    say("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
