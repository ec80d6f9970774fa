"""The recurrence check on new tickets at 10k, 100k and 200k existing tickets.

    python bench/recurrence.py      (or: BENCH=recurrence make bench)

Creates the database BENCH_DB (default helpdesk_tiers_bench_recurrence; dropped
first) with the addon and no demo data, then grows the ticket table in bulk (SQL) to
each size of SIZES (default 10000,100000,200000): a year of tickets from 20,000
customers (a few of them very large), 30 categories, 300 products, and 1 % of the
customer/category pairs with an open problem. At each size, SAMPLES new tickets
(default 200) are inserted as a customer calling again would open them, and timed:

- the check, ``helpdesk.ticket._find_recurrences`` (the one query and the
  decisions), one ticket at a time (what every create() of one ticket pays) and for
  the whole batch at once;
- the check with its consequences written (``_detect_recurrence``: flags, links,
  proposed problems and their chatter messages), one ticket at a time;
- the naive baseline on the same tickets: per ticket, the ORM searches a developer
  would write (count the customer's recent tickets in the category, the customers
  of the product, the open problem), without the recurrence indexes (dropped inside
  the transaction, then restored);
- for context, a whole ``create()`` of one ticket, the check included.

BENCH_TEMPLATE names an empty database with the addon installed (no demo data), to
copy instead of installing. Every measurement is rolled back, so each size measures
the same kind of work.
Targets: < 5 ms per new ticket at the largest size, flat (largest / smallest size
< 2), faster than the baseline. Exits 1 when a target is missed.
"""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import timedelta

from common import ODOO_CONF, create_database, percentile

DB = os.environ.get("BENCH_DB", "helpdesk_tiers_bench_recurrence")
SIZES = [
    int(size) for size in os.environ.get("SIZES", "10000,100000,200000").split(",")
]
SAMPLES = int(os.environ.get("SAMPLES", "200"))
# An empty database with the addon installed, to copy instead of installing again.
TEMPLATE = os.environ.get("BENCH_TEMPLATE")
CUSTOMERS = 20000
CATEGORIES = 30
PRODUCTS = 300
TARGET_MS = 5.0
TARGET_FLAT = 2.0
RECURRENCE_INDEXES = (
    "helpdesk_ticket_recurrence_index",
    "helpdesk_ticket_product_recurrence_index",
)


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back(env):
    """Run the block in a savepoint that is always rolled back."""
    env.flush_all()
    try:
        with env.cr.savepoint():
            yield
            env.flush_all()
            raise _Rollback
    except _Rollback:
        pass
    finally:
        env.invalidate_all()


def seed(env):
    """Customers (companies), categories, products and the problems' customers."""
    cr = env.cr
    cr.execute("SELECT setseed(0.42)")
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type,
                                 create_date, write_date, create_uid, write_uid)
        SELECT 'Customer ' || g, 'Customer ' || g, true, true, 'contact',
               now(), now(), 1, 1
          FROM generate_series(1, %s) g
        RETURNING id
        """,
        [CUSTOMERS],
    )
    customer_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
        [customer_ids],
    )
    categories = env["helpdesk.ticket.category"].create(
        [{"name": f"Category {index}"} for index in range(CATEGORIES)]
    )
    products = env["product.product"].create(
        [{"name": f"Product {index}"} for index in range(PRODUCTS)]
    )
    env.flush_all()
    cr.execute(
        "CREATE TABLE bench_customer AS SELECT row_number() OVER () - 1 AS idx, id"
        " FROM unnest(%s::int[]) id",
        [customer_ids],
    )
    cr.execute(
        "CREATE TABLE bench_category AS SELECT row_number() OVER () - 1 AS idx, id"
        " FROM unnest(%s::int[]) id",
        [categories.ids],
    )
    cr.execute(
        "CREATE TABLE bench_product AS SELECT row_number() OVER () - 1 AS idx, id"
        " FROM unnest(%s::int[]) id",
        [products.ids],
    )
    # 1 % of the customer/category pairs that will have tickets have an open problem.
    cr.execute(
        """
        INSERT INTO helpdesk_problem (number, name, state, detection, partner_id,
                                      category_id, company_id, create_date, write_date,
                                      create_uid, write_uid)
        SELECT 'BENCH' || g, 'Bench problem ' || g,
               (ARRAY['new', 'investigating', 'known_error'])[1 + g %% 3], 'manual',
               c.id, k.id, %s, now(), now(), 1, 1
          FROM (
                SELECT g,
                       floor(%s * power(random(), 3))::int AS customer,
                       floor(random() * %s)::int AS category
                  FROM generate_series(0, %s) g
               ) pick
          JOIN bench_customer c ON c.idx = pick.customer
          JOIN bench_category k ON k.idx = pick.category
        """,
        [env.company.id, CUSTOMERS, CATEGORIES, CUSTOMERS * CATEGORIES // 1000],
    )


def grow(env, total):
    """Add tickets (SQL, in bulk) until the table holds ``total``: a year of them,
    a few customers with very many, 70 % about a product."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM helpdesk_ticket")
    missing = total - cr.fetchone()[0]
    if missing <= 0:
        return
    stage = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
    tier = env.ref("helpdesk_tiers.tier_l1")
    team = env.ref("helpdesk_tiers.team_l1_hotline")
    cr.execute(
        """
        INSERT INTO helpdesk_ticket (number, name, description, company_id, partner_id,
                                     commercial_partner_id, category_id, product_id,
                                     stage_id, team_id, tier_id, priority, active,
                                     create_date, write_date, create_uid, write_uid)
        SELECT 'B' || pick.g, 'Bench ticket ' || pick.g, '<p>bench</p>', %s, c.id,
               c.id, k.id, CASE WHEN pick.with_product THEN p.id END, %s, %s, %s,
               '1', true, pick.created, now(), 1, 1
          FROM (
                SELECT g,
                       floor(%s * power(random(), 3))::int AS customer,
                       floor(random() * %s)::int AS category,
                       floor(%s * power(random(), 2))::int AS product,
                       random() < 0.7 AS with_product,
                       now() - random() * interval '365 days' AS created
                  FROM generate_series(1, %s) g
               ) pick
          JOIN bench_customer c ON c.idx = pick.customer
          JOIN bench_category k ON k.idx = pick.category
          JOIN bench_product p ON p.idx = pick.product
        """,
        [
            env.company.id,
            stage.id,
            team.id,
            tier.id,
            CUSTOMERS,
            CATEGORIES,
            PRODUCTS,
            missing,
        ],
    )


def vacuum():
    """What autovacuum does after a bulk load: statistics and the visibility map
    (index-only scans), outside the benchmark's transaction."""
    import psycopg2

    connection = psycopg2.connect(dbname=DB, connect_timeout=10)
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            cr.execute("VACUUM (ANALYZE) helpdesk_ticket")
            cr.execute("VACUUM (ANALYZE) helpdesk_problem")
    finally:
        connection.close()


def insert_new_tickets(env):
    """SAMPLES new tickets, now: the customer, category and product of existing
    tickets picked at random (a customer calling again), L1, no problem yet."""
    cr = env.cr
    cr.execute(
        """
        INSERT INTO helpdesk_ticket (number, name, description, company_id, partner_id,
                                     commercial_partner_id, category_id, product_id,
                                     stage_id, team_id, tier_id, priority, active,
                                     create_date, write_date, create_uid, write_uid)
        SELECT 'N' || row_number() OVER (), 'New ticket', '<p>new</p>', t.company_id,
               t.partner_id, t.commercial_partner_id, t.category_id, t.product_id,
               t.stage_id, t.team_id, t.tier_id, '1', true, now(), now(), 1, 1
          FROM helpdesk_ticket t
         WHERE t.id IN (
               SELECT floor(random() * (SELECT max(id) FROM helpdesk_ticket))::int
                 FROM generate_series(1, %s)
         )
         LIMIT %s
        RETURNING id
        """,
        [SAMPLES * 2, SAMPLES],
    )
    return env["helpdesk.ticket"].browse([row[0] for row in cr.fetchall()])


def naive_check(env, ticket, days):
    """What a straightforward implementation asks, with the ORM, per ticket."""
    tickets = env["helpdesk.ticket"]
    since = ticket.create_date - timedelta(days=days)
    count = tickets.search_count(
        [
            ("commercial_partner_id", "=", ticket.commercial_partner_id.id),
            ("category_id", "=", ticket.category_id.id),
            ("create_date", ">=", since),
        ]
    )
    customers = (
        len(
            tickets.search(
                [
                    ("product_id", "=", ticket.product_id.id),
                    ("create_date", ">=", since),
                ]
            ).commercial_partner_id
        )
        if ticket.product_id
        else 0
    )
    problem = env["helpdesk.problem"].search(
        [
            ("partner_id", "=", ticket.commercial_partner_id.id),
            ("category_id", "=", ticket.category_id.id),
            ("state", "in", ("new", "investigating", "known_error")),
        ],
        limit=1,
    )
    return count, customers, problem


def measure(env):
    from odoo.tools import SQL

    days = env.company.helpdesk_recurrence_days
    result = {}
    # The check, one new ticket at a time (what every create() of one ticket
    # pays), then the same with its consequences written: flags, links, proposed
    # problems and their messages.
    with rolled_back(env):
        new = insert_new_tickets(env)
        env.invalidate_all()
        one_by_one = []
        for ticket in new:
            start = time.perf_counter()
            ticket._find_recurrences()
            one_by_one.append((time.perf_counter() - start) * 1000)
    result["single"] = one_by_one
    with rolled_back(env):
        new = insert_new_tickets(env)
        env.invalidate_all()
        applied = []
        for ticket in new:
            start = time.perf_counter()
            ticket._detect_recurrence()
            env.flush_all()
            applied.append((time.perf_counter() - start) * 1000)
        result["recurring"] = len(new.filtered("is_recurring"))
    result["applied"] = applied
    # The check for the whole batch at once.
    with rolled_back(env):
        new = insert_new_tickets(env)
        env.invalidate_all()
        start = time.perf_counter()
        new._find_recurrences()
        result["batch"] = (time.perf_counter() - start) * 1000 / len(new)
    # The naive baseline, without the recurrence indexes.
    with rolled_back(env):
        new = insert_new_tickets(env)
        for index in RECURRENCE_INDEXES:
            env.cr.execute(SQL("DROP INDEX %s", SQL.identifier(index)))
        env.invalidate_all()
        naive = []
        for ticket in new:
            start = time.perf_counter()
            naive_check(env, ticket, days)
            naive.append((time.perf_counter() - start) * 1000)
    result["naive"] = naive
    # For context: a whole create() of one ticket, the check included.
    with rolled_back(env):
        sample = insert_new_tickets(env)[:50]
        values = [
            {
                "name": "Printer blinks red",
                "description": "<p>Again.</p>",
                "partner_id": ticket.partner_id.id,
                "category_id": ticket.category_id.id,
                "product_id": ticket.product_id.id,
            }
            for ticket in sample
        ]
        creates = []
        for vals in values:
            start = time.perf_counter()
            env["helpdesk.ticket"].create(vals)
            env.flush_all()
            creates.append((time.perf_counter() - start) * 1000)
    result["create"] = creates
    return result


def main():
    import odoo
    from odoo import SUPERUSER_ID, api

    create_database(DB, demo=False, template=TEMPLATE)
    odoo.tools.config.parse_config(["-c", str(ODOO_CONF), "-d", DB, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(DB)
    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        seed(env)
        cr.commit()
        for size in SIZES:
            started = time.perf_counter()
            grow(env, size)
            cr.commit()
            vacuum()
            print(
                f"{size:,} tickets generated in {time.perf_counter() - started:.1f} s;"
                " measuring",
                flush=True,
            )
            measure(env)  # warm-up: caches, plans
            result = measure(env)
            rows.append((size, result))
    print()
    print(
        f"Recurrence check, {SAMPLES} new tickets per size (customer, category and "
        "product of existing tickets), N=3, D=30 days"
    )
    header = (
        f"{'existing':>9} | {'check ms':>8} | {'p95':>5} | {'batch ms/t':>10} |"
        f" {'naive ms':>8} | {'p95':>6} | {'naive/check':>11} |"
        f" {'check+writes ms':>15} | {'flagged':>7} | {'create() ms':>11}"
    )
    print(header)
    print("-" * len(header))
    for size, result in rows:
        single = statistics.mean(result["single"])
        naive = statistics.mean(result["naive"])
        print(
            f"{size:>9,} | {single:>8.2f} | {percentile(result['single'], 95):>5.2f} |"
            f" {result['batch']:>10.3f} | {naive:>8.2f} |"
            f" {percentile(result['naive'], 95):>6.2f} | {naive / single:>10.1f}x |"
            f" {statistics.mean(result['applied']):>15.2f} |"
            f" {result['recurring']:>7} | {statistics.mean(result['create']):>11.1f}"
        )
    first, last = rows[0][1], rows[-1][1]
    largest = statistics.mean(last["single"])
    flat = largest / statistics.mean(first["single"])
    naive_growth = statistics.mean(last["naive"]) / statistics.mean(first["naive"])
    print()
    print(
        f"check at {rows[-1][0]:,} / at {rows[0][0]:,}: {flat:.2f}x "
        f"(naive: {naive_growth:.1f}x); check at {rows[-1][0]:,}: {largest:.2f} ms "
        f"per new ticket (target < {TARGET_MS} ms)"
    )
    missed = []
    if largest >= TARGET_MS:
        missed.append(f"{largest:.2f} ms per new ticket at the largest size")
    if flat >= TARGET_FLAT:
        missed.append(f"not flat: {flat:.2f}x from the smallest to the largest size")
    if statistics.mean(last["naive"]) <= largest:
        missed.append("not faster than the naive baseline")
    if missed:
        print("TARGET MISSED: " + "; ".join(missed))
        sys.exit(1)
    print("targets met")


if __name__ == "__main__":
    main()
