# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The access matrix of helpdesk_tiers, its one source of truth.

test_access_matrix checks every cell against a real database (the access rights,
and the records each rule lets the user read, write and delete);
tools/access_matrix.py renders it into readme/CONFIGURE.md (`make test` fails when
the readme is out of date). Plain data: importable without Odoo.

A cell is "<operations> <scope>": operations among r(ead) w(rite) c(reate)
d(elete); the scope, a key of SCOPES, says which records. A role absent from a row
has no access to the model.
"""

OPERATIONS = "rwcd"

# role -> (label, groups of a user of that role)
ROLES = {
    "l1": ("L1 agent", ("helpdesk_tiers.group_l1_agent",)),
    "l2": ("L2 agent", ("helpdesk_tiers.group_l2_agent",)),
    "l3": ("L3 specialist", ("helpdesk_tiers.group_l3_specialist",)),
    "manager": ("Manager", ("helpdesk_tiers.group_helpdesk_tiers_manager",)),
    "portal": ("Portal customer", ("base.group_portal",)),
    # a portal contact marked as their company's support manager (a contact flag)
    "portal_manager": ("Portal support manager", ("base.group_portal",)),
    "daemon": (
        "Sync daemon",
        ("base.group_user", "helpdesk_tiers.group_sync_daemon"),
    ),
    "public": ("Public", ("base.group_public",)),
}

SCOPES = {
    "all": "every record",
    "company": "the records of the user's companies, and those of no company",
    "own": "the wizards the user opened",
    "tier≤1": "read every ticket of the user's companies; write those at L1, those "
    "assigned to them or unassigned in their team, and those they are the customer "
    "or a follower of",
    "tier≤2": "as tier≤1, and write the tickets at L2",
    "customer": "the tickets of their company (contact or follower)",
    "contact": "the tickets they are the customer or a follower of (portal)",
    "follower": "the tickets they are the customer or a follower of",
    "kb-employee": "the published articles of L1 (or of no tier)",
    "kb-l1": "read the published articles of L1 and their own; write their own until "
    "published",
    "kb-l2": "as kb-l1, and read the published articles of L2",
    "kb-portal": "the published portal articles",
    "kb-public": "the published portal articles open to visitors",
}

MATRIX = {
    "helpdesk.alert.source": {
        "l1": "r company",
        "l2": "r company",
        "l3": "r company",
        "manager": "rwcd company",
    },
    "helpdesk.alert.token": {"manager": "rwc own"},
    "helpdesk.canned.reply": {
        "l1": "r company",
        "l2": "r company",
        "l3": "r company",
        "manager": "rwcd company",
    },
    "helpdesk.customer.update": {
        "l1": "r company",
        "l2": "r company",
        "l3": "r company",
        "manager": "rd company",
    },
    "helpdesk.development.request": {"l3": "rwcd own", "manager": "rwcd own"},
    "helpdesk.intake": {
        "l1": "rwcd own",
        "l2": "rwcd own",
        "l3": "rwcd own",
        "manager": "rwcd own",
    },
    "helpdesk.intake.line": {
        "l1": "rwcd own",
        "l2": "rwcd own",
        "l3": "rwcd own",
        "manager": "rwcd own",
    },
    "helpdesk.intervention": {
        "l1": "r company",
        "l2": "rwc company",
        "l3": "rwc company",
        "manager": "rwcd company",
    },
    "helpdesk.kb.article": {
        "l1": "rwc kb-l1",
        "l2": "rwc kb-l2",
        "l3": "rwc company",
        "manager": "rwcd company",
        "portal": "r kb-portal",
        "portal_manager": "r kb-portal",
        "daemon": "r kb-employee",
        "public": "r kb-public",
    },
    "helpdesk.kb.article.event": {"l3": "r company", "manager": "r company"},
    "helpdesk.kb.article.report": {"l3": "r company", "manager": "r company"},
    "helpdesk.kb.category": {
        "l1": "r company",
        "l2": "r company",
        "l3": "rwc company",
        "manager": "rwcd company",
        "portal": "r company",
        "portal_manager": "r company",
        "daemon": "r company",
        "public": "r company",
    },
    "helpdesk.kb.term": {
        "l1": "r all",
        "l2": "rwc all",
        "l3": "rwc all",
        "manager": "rwcd all",
        "daemon": "r all",
    },
    "helpdesk.priority.rule": {
        "l1": "r company",
        "l2": "r company",
        "l3": "r company",
        "manager": "rwcd company",
    },
    "helpdesk.problem": {
        "l1": "r company",
        "l2": "rwc company",
        "l3": "rwc company",
        "manager": "rwcd company",
    },
    "helpdesk.problem.resolve": {
        "l2": "rwcd own",
        "l3": "rwcd own",
        "manager": "rwcd own",
    },
    "helpdesk.review.report": {
        "l2": "r company",
        "l3": "r company",
        "manager": "r company",
    },
    "helpdesk.service.plan": {
        "l1": "r company",
        "l2": "r company",
        "l3": "r company",
        "manager": "rwcd company",
        "daemon": "r company",
    },
    "helpdesk.sla.target": {
        "l1": "r company",
        "l2": "r company",
        "l3": "r company",
        "manager": "rwcd company",
        "daemon": "r company",
    },
    "helpdesk.sync.event": {"l3": "rw company", "manager": "rwd company"},
    "helpdesk.sync.inbox": {"manager": "rd all"},
    "helpdesk.sync.worker": {
        "l1": "r all",
        "l2": "r all",
        "l3": "r all",
        "manager": "rd all",
    },
    "helpdesk.ticket": {
        "l1": "rwc tier≤1",
        "l2": "rwc tier≤2",
        "l3": "rwc company",
        "manager": "rwcd company",
        "portal": "r contact",
        "portal_manager": "r customer",
        "daemon": "r follower",
    },
    "helpdesk.ticket.escalate": {
        "l1": "rwcd own",
        "l2": "rwcd own",
        "l3": "rwcd own",
        "manager": "rwcd own",
    },
    "helpdesk.ticket.escalation": {
        "l1": "rc company",
        "l2": "rc company",
        "l3": "rc company",
        "manager": "rcd company",
    },
    "helpdesk.ticket.incident.link": {
        "l1": "rwcd own",
        "l2": "rwcd own",
        "l3": "rwcd own",
        "manager": "rwcd own",
    },
    "helpdesk.ticket.incident.update": {
        "l1": "rwcd own",
        "l2": "rwcd own",
        "l3": "rwcd own",
        "manager": "rwcd own",
    },
    "helpdesk.ticket.merge": {
        "l1": "rwcd own",
        "l2": "rwcd own",
        "l3": "rwcd own",
        "manager": "rwcd own",
    },
    "helpdesk.ticket.priority.override": {
        "l1": "rwcd own",
        "l2": "rwcd own",
        "l3": "rwcd own",
        "manager": "rwcd own",
    },
    "helpdesk.ticket.rating": {
        "l1": "r company",
        "l2": "r company",
        "l3": "r company",
        "manager": "rwd company",
    },
    "helpdesk.ticket.report": {"manager": "r company"},
    "helpdesk.ticket.review": {
        "l2": "rwcd own",
        "l3": "rwcd own",
        "manager": "rwcd own",
    },
    "helpdesk.tier": {
        "l1": "r all",
        "l2": "r all",
        "l3": "r all",
        "manager": "rwcd all",
        "portal": "r all",
        "portal_manager": "r all",
        "daemon": "r all",
    },
    "helpdesk.tier.stay.report": {"manager": "r company"},
    "helpdesk.vendor.backend": {
        "l1": "r company",
        "l2": "r company",
        "l3": "r company",
        "manager": "rwcd company",
    },
    "helpdesk.vendor.binding": {
        "l1": "r company",
        "l2": "r company",
        "l3": "r company",
        "manager": "rwd company",
    },
}


def parse_cell(cell):
    """("rwcd", "company") from "rwcd company"; ("", "") for no access."""
    ops, __, scope = cell.partition(" ")
    return ops, scope
