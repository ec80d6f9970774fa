"""Load test: portal customers and agents at once, with the vendor sync running.

    python bench/load/run.py [--minutes 5]     (or: BENCH=load/run make bench)

Creates the database BENCH_DB (default helpdesk_tiers_bench_load; dropped first)
with the addon and no demo data, then its own users and data: 8 customer
companies with 5 portal users each, 15 agents (5 each at L1, L2 and L3) with 30
tickets each at their tier, 3 tickets per customer, 2,000 knowledge base
articles, a vendor system. Serves it with Odoo in multi-process mode (2 HTTP
workers, plus the gevent process on its own port), starts a throwaway Request
Tracker and the sync daemon (``helpdesk-tiers-sync run``) between them, all on
loopback, and runs locust headless (bench/load/locustfile.py): first the
baseline, 1 customer and 1 agent for a minute, then 40 portal customers and 15
agents for the given time (default 5 minutes; also MINUTES). Users think 3 to
10 s between two actions.

Then it prints requests/s and p50/p95 per request type, with the ratio of the
p50 under load to the baseline's, the errors (target 0), lets the daemon drain
the outbox, and checks:

- every ticket submitted exists exactly once;
- every escalation to L4 has exactly one vendor ticket: one binding, and one
  Request Tracker ticket with its correlation key;
- no outbox event is left pending, failing or dead.

Exits 1 when there was an error or a check fails. KEEP=1 keeps the database.
"""

import argparse
import csv
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

from common import create_database  # noqa: E402
from kb_search import PHRASINGS, generate_articles  # noqa: E402
from odoo_server import OdooServer, drop_database, free_port  # noqa: E402
from rt_instance import SYNC_USER, RTInstance  # noqa: E402

DB = os.environ.get("BENCH_DB", "helpdesk_tiers_bench_load")
VENDOR = "load_rt"
COMPANIES, CUSTOMERS_PER_COMPANY = 8, 5
AGENTS_PER_TIER, TICKETS_PER_AGENT, TICKETS_PER_CUSTOMER = 5, 30, 3
ARTICLES = 2000
DRAIN_TIMEOUT = 900
SYNC_PASSWORD = "load-sync-pw"
BIN = ROOT / ".venv" / "bin"


def say(text=""):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# ---------------------------------------------------------------------------------
# The database: users, tickets, articles, the vendor system
# ---------------------------------------------------------------------------------


def prepare(admin):
    ref = admin.ref
    rng = random.Random(2026)
    admin(
        "res.users",
        "create",
        {
            "name": "Load sync daemon",
            "login": "load-sync",
            "password": SYNC_PASSWORD,
            "groups_id": [
                (
                    6,
                    0,
                    [ref("base.group_user"), ref("helpdesk_tiers.group_sync_daemon")],
                )
            ],
        },
    )
    admin(
        "helpdesk.vendor.backend",
        "create",
        {"name": "Load RT", "code": VENDOR, "kind": "rt", "retry_delay": 5},
    )
    admin(
        "helpdesk.ticket.category",
        "create",
        [{"name": name} for name in ("Printers", "Tills", "Network")],
    )

    companies = admin(
        "res.partner",
        "create",
        [{"name": f"Load customer {n}", "is_company": True} for n in range(COMPANIES)],
    )
    customers = []
    for company_index, company_id in enumerate(companies):
        for n in range(CUSTOMERS_PER_COMPANY):
            login = f"load-customer-{company_index}-{n}"
            customers.append(
                {"login": login, "password": login, "company_id": company_id}
            )
    contacts = admin(
        "res.partner",
        "create",
        [
            {
                "name": c["login"].replace("-", " ").title(),
                "email": f"{c['login']}@example.com",
                "parent_id": c["company_id"],
            }
            for c in customers
        ],
    )
    portal = ref("base.group_portal")
    admin(
        "res.users",
        "create",
        [
            {
                "login": c["login"],
                "password": c["password"],
                "partner_id": partner_id,
                "groups_id": [(6, 0, [portal])],
            }
            for c, partner_id in zip(customers, contacts, strict=True)
        ],
    )
    for c, partner_id in zip(customers, contacts, strict=True):
        c["partner_id"] = partner_id

    tiers = {
        code: ref(f"helpdesk_tiers.tier_{code.lower()}") for code in ("L1", "L2", "L3")
    }
    groups = {
        "L1": ref("helpdesk_tiers.group_l1_agent"),
        "L2": ref("helpdesk_tiers.group_l2_agent"),
        "L3": ref("helpdesk_tiers.group_l3_specialist"),
    }
    agents = []
    for tier in ("L1", "L2", "L3"):
        for n in range(AGENTS_PER_TIER):
            login = f"load-agent-{tier.lower()}-{n}"
            uid = admin(
                "res.users",
                "create",
                {
                    "name": f"Load agent {tier} {n}",
                    "login": login,
                    "email": f"{login}@example.com",
                    "password": login,
                    "groups_id": [(6, 0, [ref("base.group_user"), groups[tier]])],
                },
            )
            agents.append({"login": login, "password": login, "uid": uid, "tier": tier})

    tickets = [
        {
            "name": f"Seeded {agent['tier']} ticket {n} of {agent['login']}",
            "description": "<p>The till's receipt printer prints blank receipts.</p>",
            "partner_id": rng.choice(customers)["partner_id"],
            "tier_id": tiers[agent["tier"]],
            "user_id": agent["uid"],
        }
        for agent in agents
        for n in range(TICKETS_PER_AGENT)
    ] + [
        {
            "name": f"Earlier request {n} of {c['login']}",
            "description": "<p>Question about an invoice.</p>",
            "partner_id": c["partner_id"],
        }
        for c in customers
        for n in range(TICKETS_PER_CUSTOMER)
    ]
    for start in range(0, len(tickets), 200):
        admin("helpdesk.ticket", "create", tickets[start : start + 200])

    rows = generate_articles(ARTICLES, rng)
    for start in range(0, len(rows), 500):
        admin(
            "helpdesk.kb.article",
            "create",
            [
                {
                    "name": name,
                    "symptoms": symptoms,
                    "keywords": keywords,
                    "body": body,
                    "lang": lang,
                    "visibility": visibility,
                    "state": "published",
                }
                for name, symptoms, keywords, body, lang, visibility in rows[
                    start : start + 500
                ]
            ],
        )
    return {
        "database": DB,
        "vendor": VENDOR,
        "customers": customers,
        "agents": agents,
        "queries": [phrase for _key, phrase in PHRASINGS],
    }


# ---------------------------------------------------------------------------------
# The daemon and locust
# ---------------------------------------------------------------------------------


def start_daemon(server, rt, workdir, logs):
    config = workdir / "sync.toml"
    config.write_text(
        f"""[odoo]
url = "{server.url}"
database = "{DB}"
login = "load-sync"
password_env = "LOAD_SYNC_PASSWORD"

[daemon]
worker_id = "load"
push_interval = 2
pull_interval = 5
updates_interval = 30
heartbeat_interval = 15

[vendors.{VENDOR}]
kind = "rt"
url = "{rt.url}"
token_env = "LOAD_RT_TOKEN"
queue = "Vendor"
correlation_field = "ExternalRef"
user = "{SYNC_USER}"
"""
    )
    log = open(logs / "sync-daemon.log", "ab")  # noqa: SIM115 (kept by the child)
    process = subprocess.Popen(
        [str(BIN / "helpdesk-tiers-sync"), "--config", str(config), "run"],
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={
            **os.environ,
            "LOAD_SYNC_PASSWORD": SYNC_PASSWORD,
            "LOAD_RT_TOKEN": rt.sync_token,
        },
    )
    log.close()
    return process


def run_locust(server, workdir, setup_files, seconds, users, name, logs):
    """locust headless with ``users`` = (customers, agents) for ``seconds``;
    returns its statistics {request name: row} and its failures."""
    customers, agents = users
    prefix = workdir / name
    users_file, records = setup_files
    with open(logs / f"locust-{name}.log", "wb") as log:
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "load" / "locustfile.py"),
                "--headless",
                "--users",
                str(customers + agents),
                "--spawn-rate",
                "1",
                "--run-time",
                f"{round(seconds)}s",
                "--stop-timeout",
                "30",
                "--host",
                server.url,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={
                **os.environ,
                "LOAD_USERS": str(users_file),
                "LOAD_RECORDS": str(records),
                "LOAD_CUSTOMERS": str(customers),
                "LOAD_AGENTS": str(agents),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
            timeout=seconds + 300,
        )
    with open(f"{prefix}_stats.csv") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    with open(f"{prefix}_failures.csv") as failures:
        failed = list(csv.DictReader(failures))
    return rows, failed


def report(rows, failed, baseline, minutes):
    say(
        f"\nlocust: 40 portal customers + 15 agents for {minutes:g} min "
        "(baseline: 1 customer + 1 agent, same run)"
    )
    line = "{:<36} {:>6} {:>6} {:>6} {:>7} {:>7} {:>11}"
    say(
        line.format(
            "request", "count", "errors", "req/s", "p50 ms", "p95 ms", "p50 vs 1+1"
        )
    )
    for name in sorted(rows, key=lambda n: (n == "Aggregated", n)):
        row = rows[name]
        base = baseline.get(name)
        ratio = (
            f"{float(row['50%']) / float(base['50%']):.1f} x"
            if base and float(base["50%"] or 0) > 0 and row["50%"] != "N/A"
            else "-"
        )
        say(
            line.format(
                name[:36] if name != "Aggregated" else "all",
                row["Request Count"],
                row["Failure Count"],
                f"{float(row['Requests/s']):.2f}",
                row["50%"],
                row["95%"],
                ratio,
            )
        )
    for failure in failed:
        say(
            f"  error x{failure['Occurrences']}: {failure['Method']} "
            f"{failure['Name']}: {failure['Error'][:300]}"
        )
    total = rows["Aggregated"]
    return int(total["Failure Count"]), int(total["Request Count"])


# ---------------------------------------------------------------------------------
# The checks after the run
# ---------------------------------------------------------------------------------


def drain(admin, backend_id, daemon):
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_TIMEOUT:
        open_events = admin(
            "helpdesk.sync.event",
            "search_count",
            [
                ("backend_id", "=", backend_id),
                ("state", "in", ["pending", "in_progress", "failed"]),
            ],
        )
        if not open_events:
            return time.monotonic() - started
        if daemon.poll() is not None:
            raise RuntimeError("the sync daemon died; see its log")
        time.sleep(2)
    return None


def check(admin, rt, records, backend_id):
    """The checks; returns the list of what failed."""
    problems = []
    lines = [json.loads(line) for line in records.read_text().splitlines() if line]
    submitted = [r for r in lines if r["kind"] == "submitted"]
    tickets = admin(
        "helpdesk.ticket",
        "search_read",
        [("name", "=like", "LOAD-%")],
        fields=["name"],
    )
    by_marker = Counter(t["name"].split()[0] for t in tickets)
    wrong = {
        r["marker"]: by_marker.get(r["marker"], 0)
        for r in submitted
        if by_marker.get(r["marker"], 0) != 1
    }
    unrecorded = set(by_marker) - {r["marker"] for r in submitted}
    say(
        f"tickets submitted:           {len(submitted)} "
        f"({len(tickets)} in Odoo, {len(wrong)} not exactly once, "
        f"{len(unrecorded)} not acknowledged to the customer)"
    )
    if wrong or unrecorded or len(tickets) != len(submitted):
        problems.append(f"submitted tickets: {wrong or unrecorded}")

    escalated = {
        r["ticket_id"] for r in lines if r["kind"] == "escalated" and r["tier"] == "L4"
    }
    l4 = admin.ref("helpdesk_tiers.tier_l4")
    at_l4 = {
        e["ticket_id"][0]
        for e in admin(
            "helpdesk.ticket.escalation",
            "search_read",
            [("to_tier_id", "=", l4)],
            fields=["ticket_id"],
        )
    }
    bindings = admin(
        "helpdesk.vendor.binding",
        "search_read",
        [("backend_id", "=", backend_id)],
        fields=["ticket_id", "external_id", "correlation_key"],
    )
    per_ticket = Counter(b["ticket_id"][0] for b in bindings)
    keys, rt_total = rt.correlation_keys()
    bad = [
        t
        for t in escalated
        if per_ticket.get(t) != 1
        or not next(b for b in bindings if b["ticket_id"][0] == t)["external_id"]
    ]
    duplicates = {k: n for k, n in keys.items() if n > 1}
    missing = [b for b in bindings if keys.get(b["correlation_key"]) != 1]
    say(
        f"escalations to L4:           {len(escalated)} by the agents, "
        f"{len(at_l4)} in Odoo; {len(bindings)} bindings, {rt_total} Request "
        f"Tracker tickets ({len(keys)} keys, {len(duplicates)} duplicated)"
    )
    if escalated != at_l4 or bad or duplicates or missing or rt_total != len(escalated):
        problems.append(
            f"vendor tickets: {len(bad)} escalations without exactly one binding, "
            f"{len(missing)} bindings without exactly one RT ticket, "
            f"duplicates {duplicates}"
        )

    states = Counter(
        e["state"]
        for e in admin(
            "helpdesk.sync.event",
            "search_read",
            [("backend_id", "=", backend_id)],
            fields=["state"],
        )
    )
    say(f"outbox events:               {dict(sorted(states.items()))}")
    if set(states) - {"done"}:
        problems.append(f"outbox not drained: {dict(states)}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--minutes", type=float, default=float(os.environ.get("MINUTES", "5"))
    )
    args = parser.parse_args()
    if not (BIN / "locust").exists():
        say("locust is missing: run 'make setup' (it is a development dependency)")
        return 1
    logs = ROOT / ".state" / "logs" / "bench-load"
    logs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        workdir = pathlib.Path(tmp)
        rt = RTInstance(workdir / "rt", free_port())
        rt.init()
        rt.start()
        server = daemon = None
        try:
            rt.ensure_queue("Vendor", "ExternalRef")
            create_database(DB, demo=False)
            server = OdooServer(DB, logs, workers=2)
            server.start()
            admin = server.client()
            say("preparing users, tickets and articles")
            setup = prepare(admin)
            users_file = workdir / "users.json"
            users_file.write_text(json.dumps(setup))
            backend_id = admin(
                "helpdesk.vendor.backend", "search", [("code", "=", VENDOR)]
            )[0]
            daemon = start_daemon(server, rt, workdir, logs)
            records = workdir / "records.jsonl"
            records.touch()
            files = (users_file, records)
            say("baseline: 1 customer and 1 agent for 1 min")
            baseline, base_failed = run_locust(
                server, workdir, files, 60, (1, 1), "baseline", logs
            )
            say(f"load: {args.minutes:g} min (locust's log in {logs})")
            rows, failed = run_locust(
                server, workdir, files, args.minutes * 60, (40, 15), "load", logs
            )
            errors, requests_ = report(
                rows, failed + base_failed, baseline, args.minutes
            )
            errors += int(baseline["Aggregated"]["Failure Count"])
            say("")
            drained = drain(admin, backend_id, daemon)
            say(
                "outbox drained in:           "
                + (f"{drained:.0f} s after the load" if drained is not None else "NO")
            )
            problems = check(admin, rt, records, backend_id)
            if errors:
                problems.append(f"{errors} errors in {requests_} requests")
            say("\n" + ("PASS" if not problems else "FAIL: " + "; ".join(problems)))
            return 0 if not problems else 1
        finally:
            if daemon and daemon.poll() is None:
                daemon.send_signal(signal.SIGTERM)
                daemon.wait(timeout=60)
            if server:
                server.stop()
            rt.stop()
            if os.environ.get("KEEP") != "1":
                drop_database(DB)


if __name__ == "__main__":
    sys.exit(main())
