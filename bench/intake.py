"""Intake benchmark: ticket creation with 50 active priority rules against plain
helpdesk_mgmt creation, in the same run and the same database.

Creates a fresh database with helpdesk_tiers (no demo data), 20 customer
companies with 200 contacts, 3 service plans and 50 active priority rules
(keywords, customer tags, plans and ticket filters). Then creates 10,000 tickets
in batches of 500 through ``helpdesk.ticket.create`` (rules, plans, tiers) and
10,000 through helpdesk_mgmt's own ``create`` (what the ticket model does without
helpdesk_tiers), alternating batches so both see the same database state. Both
sides create the same tickets, for the hotline team as a helpdesk_mgmt desk would:
the difference is what helpdesk_tiers adds on create.
Prints tickets/s for both and their ratio; the target is a ratio >= 0.8.

    BENCH_DB       database to (re)create (default helpdesk_tiers_bench_intake)
    BENCH_TICKETS  tickets per side (default 10000)
    BENCH_BATCH    batch size (default 500)
    BENCH_KEEP_DB  set to keep the database afterwards
"""

import os
import random
import sys
import time

from common import ODOO_CONF, create_database, drop_database

DB = os.environ.get("BENCH_DB", "helpdesk_tiers_bench_intake")
TICKETS = int(os.environ.get("BENCH_TICKETS", "10000"))
BATCH = int(os.environ.get("BENCH_BATCH", "500"))
RULES = 50
TARGET_RATIO = 0.8

WORDS = (
    "printer screen network router invoice server laptop phone scanner label "
    "toner cable update licence login password backup disk firewall email"
).split()
PHRASES = [
    "production stopped",
    "plus rien ne marche",
    "server is down",
    "écran noir",
    "blue screen",
    "paper jam",
    "cannot log in",
    "mot de passe oublié",
    "data loss",
    "how do I",
    "smells like burning",
    "le wifi coupe",
    "planned move",
    "new employee",
    "invoice question",
]


def setup_data(env, rng):
    """Customers, plans, tags and the 50 active rules."""
    Partner = env["res.partner"]
    tags = env["res.partner.category"].create(
        [{"name": name} for name in ("VIP", "Retail", "Industry", "Public sector")]
    )
    plans = env["helpdesk.service.plan"].create(
        [
            {"name": "Gold", "default_priority_category": "critical"},
            {"name": "Silver", "default_priority_category": "regular"},
            {"name": "Bronze", "default_priority_category": "planned"},
        ]
    )
    companies = Partner.create(
        [
            {
                "name": f"Customer {index:02d}",
                "is_company": True,
                "category_id": [tags[index % len(tags)].id],
                "helpdesk_service_plan_id": plans[index % 4].id
                if index % 4 < 3
                else False,
            }
            for index in range(20)
        ]
    )
    contacts = Partner.create(
        [
            {"name": f"Contact {index:03d}", "parent_id": companies[index % 20].id}
            for index in range(200)
        ]
    )
    channels = env["helpdesk.ticket.channel"].search([])
    categories = env["helpdesk.ticket.category"].create(
        [{"name": f"Category {index}"} for index in range(8)]
    )
    env["helpdesk.priority.rule"].search([]).active = False
    levels = ["business_failure", "critical", "regular", "planned"]
    rules = []
    for index in range(RULES):
        kind = index % 5
        vals = {
            "sequence": index,
            "name": f"Rule {index}",
            "priority_category": levels[index % 4],
        }
        if kind in (0, 1, 2):  # keywords, some with a tag or a plan
            vals["keywords"] = ", ".join(rng.sample(PHRASES, 2) + [f"code{index}"])
            if kind == 1:
                vals["partner_category_ids"] = [tags[index % len(tags)].id]
            if kind == 2:
                vals["service_plan_ids"] = [plans[index % 3].id]
        elif kind == 3:  # a ticket filter
            vals["domain"] = str(
                [
                    ("channel_id", "=", channels[index % len(channels)].id),
                    ("category_id", "=", categories[index % len(categories)].id),
                ]
            )
        else:  # tag and plan
            vals["partner_category_ids"] = [tags[index % len(tags)].id]
            vals["service_plan_ids"] = [plans[(index + 1) % 3].id]
            vals["keywords"] = f"urgent{index}"
        rules.append(vals)
    env["helpdesk.priority.rule"].create(rules)
    team = env.ref("helpdesk_tiers.team_l1_hotline")
    return contacts.ids, channels.ids, categories.ids, team.id


def ticket_vals(rng, count, contacts, channels, categories, team_id):
    vals_list = []
    for _index in range(count):
        words = " ".join(rng.choices(WORDS, k=6))
        more = " ".join(rng.choices(WORDS, k=12))
        phrase = rng.choice(PHRASES) if rng.random() < 0.5 else ""
        vals_list.append(
            {
                "name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} issue",
                "description": f"<p>{words} {phrase}</p><p>{more}</p>",
                "customer_wording": f"{phrase} {words}",
                "partner_id": rng.choice(contacts),
                "channel_id": rng.choice(channels),
                "category_id": rng.choice(categories),
                "team_id": team_id,
            }
        )
    return vals_list


def main():
    create_database(DB, demo=False)

    import odoo
    from odoo import api

    from odoo.addons.helpdesk_mgmt.models.helpdesk_ticket import (
        HelpdeskTicket as MgmtTicket,
    )

    odoo.tools.config.parse_config(["-c", str(ODOO_CONF), "-d", DB, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(DB)
    rng = random.Random(42)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        contacts, channels, categories, team_id = setup_data(env, rng)
        cr.commit()

    def run(create, vals_list):
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            Ticket = env["helpdesk.ticket"]
            queries = cr.sql_log_count
            start = time.perf_counter()
            tickets = create(Ticket, vals_list)
            env.flush_all()
            elapsed = time.perf_counter() - start
            queries = cr.sql_log_count - queries
            cr.commit()
            return elapsed, queries, tickets.ids

    timings = {"helpdesk_mgmt": [0.0, 0], "helpdesk_tiers": [0.0, 0]}
    creators = {
        "helpdesk_mgmt": lambda Ticket, vals: MgmtTicket.create(Ticket, vals),
        "helpdesk_tiers": lambda Ticket, vals: Ticket.create(vals),
    }
    rule_hits = 0
    batches = TICKETS // BATCH
    for index in range(batches):
        vals_list = ticket_vals(rng, BATCH, contacts, channels, categories, team_id)
        # Alternate which side goes first, so neither always warms the cache.
        order = list(creators) if index % 2 == 0 else list(reversed(creators))
        for name in order:
            elapsed, queries, ids = run(
                creators[name], [dict(vals) for vals in vals_list]
            )
            timings[name][0] += elapsed
            timings[name][1] += queries
            if name == "helpdesk_tiers":
                with registry.cursor() as cr:
                    env = api.Environment(cr, odoo.SUPERUSER_ID, {})
                    rule_hits += env["helpdesk.ticket"].search_count(
                        [("id", "in", ids), ("priority_rule_id", "!=", False)]
                    )
        print(f"batch {index + 1}/{batches} done", flush=True)

    with registry.cursor() as cr:
        active = api.Environment(cr, odoo.SUPERUSER_ID, {})[
            "helpdesk.priority.rule"
        ].search_count([])
    rates = {name: TICKETS / seconds for name, (seconds, _q) in timings.items()}
    ratio = rates["helpdesk_tiers"] / rates["helpdesk_mgmt"]
    print(
        f"intake benchmark: {TICKETS} tickets per side in batches of {BATCH}, "
        f"{active} active priority rules"
    )
    for name, (seconds, queries) in timings.items():
        print(
            f"  {name:15s} {rates[name]:8.1f} tickets/s  ({seconds:6.1f} s, "
            f"{queries / batches:7.0f} queries per batch)"
        )
    print(f"  tickets matched by a rule: {rule_hits} of {TICKETS}")
    print(
        f"  ratio helpdesk_tiers / helpdesk_mgmt: {ratio:.2f} "
        f"(target >= {TARGET_RATIO})"
    )
    if not os.environ.get("BENCH_KEEP_DB"):
        drop_database(DB)
    if ratio < TARGET_RATIO:
        print("  FAILED: below target")
        return 1
    print("  OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
