"""SLA sweep benchmark: one sweep over indexed deadlines against a naive sweep that
loads every open ticket and checks it in Python, in the same run and database.

Creates a fresh database with helpdesk_tiers (no demo data) and a service plan on a
round-the-clock calendar (response 2 h, resolution 16 h, L1 target 4 h, at risk at
75 %). Fills it with open tickets copied in SQL from tickets the ORM created (the
copies keep the clocks the ORM computed, shifted with their start: on a 24/7
calendar a clock moves with its start). A share of them is due: nine in ten crossed
their at-risk threshold, one in ten its response deadline (the plan warns the team
lead instead of escalating; both sides do the same work on the due tickets).

For each scenario (open tickets, due tickets), each side in one transaction rolled
back afterwards:
- sweep: ``helpdesk.ticket._sla_sweep()``, which finds the due tickets through the
  index on ``sla_next_check`` and acts on them;
- naive: load every open ticket, evaluate its clocks in Python (working hours,
  targets, pauses: what a cron without indexed moments must do) and act on those
  whose next moment has passed (the same ``_sla_process``);
- scan (for comparison): load every open ticket and check the moments this addon
  stores on it, in Python, then act the same way.
Prints the times, the ratios to the sweep and the sweep's queries. Targets: with
100,000 open tickets (1 % due) the sweep takes < 2 s and is >= 10x faster than the
naive one; the sweep's time follows the due tickets, not the open ones.

    BENCH_DB       database to (re)create (default helpdesk_tiers_bench_sla)
    BENCH_KEEP_DB  set to keep the database afterwards
"""

import os
import sys
import time

from common import ODOO_CONF, create_database, drop_database

DB = os.environ.get("BENCH_DB", "helpdesk_tiers_bench_sla")
# (open tickets, of which due), each one adding to the one before.
SCENARIOS = [(10_000, 100), (100_000, 100), (100_000, 1_000)]
TARGET_SECONDS, TARGET_RATIO = 2.0, 10.0
# Minutes before now at which the copies start their clocks: at risk after 90
# minutes, the response deadline after 120.
NOT_DUE_MAX, AT_RISK, BREACHED = 80, 100, 130


def setup_plan(env):
    """A 24/7 plan for one customer, and the hotline's team lead to warn."""
    from odoo import Command

    calendar = env["resource.calendar"].create(
        {
            "name": "Bench 24/7",
            "tz": "UTC",
            "attendance_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "name": str(day),
                        "dayofweek": str(day),
                        "hour_from": 0,
                        "hour_to": 24,
                        "day_period": "morning",
                    }
                )
                for day in range(7)
            ],
        }
    )
    tier_l1 = env.ref("helpdesk_tiers.tier_l1")
    plan = env["helpdesk.service.plan"].create(
        {
            "name": "Bench plan",
            "calendar_id": calendar.id,
            "sla_auto_escalate": False,
            "target_ids": [
                Command.create(
                    {
                        "priority_category": "regular",
                        "response_hours": 2,
                        "resolve_hours": 16,
                        "update_interval_hours": 8,
                    }
                ),
                Command.create(
                    {
                        "priority_category": "regular",
                        "tier_id": tier_l1.id,
                        "response_hours": 2,
                        "resolve_hours": 4,
                    }
                ),
            ],
        }
    )
    customer = env["res.partner"].create(
        {
            "name": "Bench customer",
            "is_company": True,
            "helpdesk_service_plan_id": plan.id,
        }
    )
    lead = env["res.users"].create({"name": "Bench lead", "login": "bench-lead"})
    env.ref("helpdesk_tiers.team_l1_hotline").user_id = lead
    env["helpdesk.priority.rule"].search([]).active = False
    return customer


def create_templates(env, customer):
    """Two tickets through the ORM, whose rows the copies start from."""
    return env["helpdesk.ticket"].create(
        [
            {
                "name": f"Bench ticket {index}",
                "description": "<p>Copied by the SLA sweep benchmark.</p>",
                "partner_id": customer.id,
                "priority_category": "regular",
            }
            for index in range(2)
        ]
    )


# The columns of a copy that move with the start of its clocks.
CLOCK_COLUMNS = (
    "sla_response_deadline",
    "sla_resolve_deadline",
    "sla_tier_deadline",
    "sla_response_risk_date",
    "sla_resolve_risk_date",
    "sla_tier_risk_date",
    "sla_next_check",
    "next_customer_update",
    "sla_tier_start_date",
    "create_date",
    "write_date",
)


def shifted(start):
    """{column: SQL} of a ticket row ``t`` whose clocks start at ``start``."""
    from odoo.tools import SQL

    values = {
        column: SQL("%s + (t.%s - t.sla_start_date)", start, SQL.identifier(column))
        for column in CLOCK_COLUMNS
    }
    values["sla_start_date"] = start
    return values


def minutes_ago(minutes):
    from odoo.tools import SQL

    return SQL("(NOW() AT TIME ZONE 'UTC') - make_interval(mins => %s)", minutes)


def add_tickets(env, template, first, count):
    """Copy ``template`` into ``count`` open tickets, none due: their clocks
    started in the last ``NOT_DUE_MAX`` minutes."""
    from odoo.tools import SQL

    cr = env.cr
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'helpdesk_ticket' AND column_name != 'id'"
        )
    )
    columns = [row[0] for row in cr.fetchall()]
    values = shifted(minutes_ago(SQL("mod(g.n, %s)", NOT_DUE_MAX)))
    values["number"] = SQL("'BENCH' || g.n")
    cr.execute(
        SQL(
            "INSERT INTO helpdesk_ticket (%s) SELECT %s FROM helpdesk_ticket t, "
            "generate_series(%s, %s) AS g(n) WHERE t.id = %s",
            SQL(", ").join(SQL.identifier(column) for column in columns),
            SQL(", ").join(
                values.get(column, SQL("t.%s", SQL.identifier(column)))
                for column in columns
            ),
            first,
            first + count - 1,
            template.id,
        )
    )
    cr.execute(SQL("ANALYZE helpdesk_ticket"))


def make_due(env, count):
    """Make ``count`` more copies due: nine in ten past their at-risk threshold,
    one in ten past their response deadline."""
    from odoo.tools import SQL

    for minutes, share in ((BREACHED, count // 10), (AT_RISK, count - count // 10)):
        env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket t SET %s WHERE t.id IN ("
                " SELECT id FROM helpdesk_ticket WHERE number LIKE %s"
                " AND sla_next_check > NOW() AT TIME ZONE 'UTC'"
                " ORDER BY id LIMIT %s)",
                SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(column), value)
                    for column, value in shifted(minutes_ago(minutes)).items()
                ),
                "BENCH%",
                share,
            )
        )


def naive_sweep(env):
    """What a cron without indexed moments does: load every open ticket, evaluate
    its clocks in Python from its plan (working hours, targets, pauses), act on
    the tickets whose next moment has passed."""
    return _scan(env, lambda tickets: tickets._sla_clocks())


def scan_sweep(env):
    """Load every open ticket and check the moments stored on it in Python: the
    naive way with this addon's stored clocks, for comparison."""
    return _scan(env, lambda tickets: {t: t._sla_stored_clocks() for t in tickets})


def _scan(env, clocks_of):
    from odoo import fields

    now = fields.Datetime.now()
    tickets = env["helpdesk.ticket"].search([("stage_id.closed", "=", False)])
    clocks = clocks_of(tickets)

    def is_due(ticket):
        moments = ticket._sla_due_moments(clocks.get(ticket, {}))
        return bool(moments) and min(moments) <= now

    due = tickets.filtered(is_due)
    due._sla_process()
    env.flush_all()
    return len(due)


def indexed_sweep(env):
    handled = env["helpdesk.ticket"]._sla_sweep()
    env.flush_all()
    return handled


def measure(registry, side):
    """Run one side in its own transaction, rolled back: (seconds, queries, due)."""
    import odoo
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        env.invalidate_all()
        queries = cr.sql_log_count
        start = time.perf_counter()
        handled = side(env)
        elapsed = time.perf_counter() - start
        queries = cr.sql_log_count - queries
        cr.rollback()
    return elapsed, queries, handled


def main():
    create_database(DB, demo=False)

    import odoo
    from odoo import api

    odoo.tools.config.parse_config(["-c", str(ODOO_CONF), "-d", DB, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(DB)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        template = create_templates(env, setup_plan(env))[0]
        env.flush_all()
        template_id = template.id
        cr.commit()

    results = []
    opened = due = 0
    for open_count, due_count in SCENARIOS:
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            template = env["helpdesk.ticket"].browse(template_id)
            add_tickets(env, template, opened + 1, open_count - opened)
            make_due(env, due_count - due)
            cr.commit()
        opened, due = open_count, due_count
        # Warm the caches once, then measure: sweep, naive, scan, sweep.
        measure(registry, indexed_sweep)
        sweep_a = measure(registry, indexed_sweep)
        naive = measure(registry, naive_sweep)
        scan = measure(registry, scan_sweep)
        sweep_b = measure(registry, indexed_sweep)
        sweep = min(sweep_a, sweep_b)
        assert sweep[2] == naive[2] == scan[2] == due_count, (sweep, naive, scan)
        results.append((open_count, due_count, sweep, naive, scan))
        print(
            f"{open_count:>7} open, {due_count:>5} due: sweep {sweep[0]:6.3f} s "
            f"({sweep[1]} queries), naive {naive[0]:7.3f} s, scan {scan[0]:7.3f} s",
            flush=True,
        )

    print("SLA sweep benchmark (one sweep vs loading every open ticket)")
    header = (
        "open",
        "due",
        "sweep s",
        "queries",
        "naive s",
        "ratio",
        "scan s",
        "ratio",
    )
    print("  {:>7} {:>5} {:>8} {:>8} {:>8} {:>6} {:>8} {:>6}".format(*header))
    for open_count, due_count, sweep, naive, scan in results:
        print(
            f"  {open_count:>7} {due_count:>5} {sweep[0]:8.3f} {sweep[1]:8d} "
            f"{naive[0]:8.3f} {naive[0] / sweep[0]:5.1f}x "
            f"{scan[0]:8.3f} {scan[0] / sweep[0]:5.1f}x"
        )
    big = next(r for r in results if r[0] == 100_000 and r[1] == 1_000)
    same_due = [r for r in results if r[1] == 100]
    growth_open = same_due[1][2][0] / same_due[0][2][0]
    growth_due = big[2][0] / same_due[1][2][0]
    print(
        f"  sweep time x{growth_open:.1f} for 10x the open tickets (same due), "
        f"x{growth_due:.1f} for 10x the due tickets (same open)"
    )
    ok = (
        big[2][0] < TARGET_SECONDS
        and big[3][0] / big[2][0] >= TARGET_RATIO
        and growth_due > growth_open
    )
    print(
        f"  targets: 100k open with 1 % due < {TARGET_SECONDS} s and >= "
        f"{TARGET_RATIO:.0f}x the naive sweep; time grows with due, not open tickets"
    )
    if not os.environ.get("BENCH_KEEP_DB"):
        drop_database(DB)
    print("  OK" if ok else "  FAILED: a target is missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
