# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every cell of access_matrix.MATRIX against the database: the access rights of a
user of each role on each model, and the records the rules let them read, write
and delete, compared with the scope's definition below on every record at hand
(demo data and the fixtures: tickets at each tier, another company's records)."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from .access_matrix import MATRIX, OPERATIONS, ROLES, SCOPES, parse_cell
from .common import HANDOFF_NOTE, HelpdeskTiersCommon

MODES = dict(zip(OPERATIONS, ("read", "write", "create", "unlink"), strict=True))


def _in_company(record, user):
    return not record.company_id or record.company_id in user.company_ids


def _level(record):
    return record.tier_id.level if record.tier_id else 0


def _ticket_theirs(ticket, user):
    """helpdesk_mgmt's rules: assigned to them, unassigned in their team, or
    theirs as customer or follower."""
    return (
        ticket.user_id == user
        or (not ticket.user_id and ticket.team_id in user.helpdesk_team_ids)
        or ticket.partner_id == user.partner_id
        or user.partner_id in ticket.message_partner_ids
    )


def _ticket_up_to(level):
    def write(ticket, user):
        return _in_company(ticket, user) and (
            _level(ticket) <= level or _ticket_theirs(ticket, user)
        )

    return {"read": _in_company, "write": write}


def _portal_ticket(ticket, user):
    customer = user.commercial_partner_id
    return _in_company(ticket, user) and (
        ticket.partner_id.commercial_partner_id == customer
        or customer in ticket.message_partner_ids.commercial_partner_id
    )


def _internal_ticket(ticket, user):
    return _in_company(ticket, user) and (
        ticket.partner_id == user.partner_id
        or user.partner_id in ticket.message_partner_ids
    )


def _published(article, max_level=None, portal=False, public=False):
    return (
        article.state == "published"
        and (max_level is None or _level(article) <= max_level)
        and (not portal or article.visibility == "portal")
        and (not public or article.is_public)
    )


def _kb_agent(max_level):
    def read(article, user):
        return _in_company(article, user) and (
            _published(article, max_level) or article.create_uid == user
        )

    def write(article, user):
        return (
            _in_company(article, user)
            and article.create_uid == user
            and article.state in ("draft", "review")
        )

    return {"read": read, "write": write}


# scope key -> {mode: predicate(record, user)}; a mode not given uses "read".
PREDICATES = {
    "all": {"read": lambda record, user: True},
    "company": {"read": _in_company},
    "own": {"read": lambda record, user: record.create_uid == user},
    "tier≤1": _ticket_up_to(1),
    "tier≤2": _ticket_up_to(2),
    "customer": {"read": _portal_ticket},
    "contact": {"read": _internal_ticket},
    "follower": {"read": _internal_ticket},
    "kb-employee": {"read": lambda a, user: _in_company(a, user) and _published(a, 1)},
    "kb-l1": _kb_agent(1),
    "kb-l2": _kb_agent(2),
    "kb-portal": {
        "read": lambda a, user: _in_company(a, user) and _published(a, portal=True)
    },
    "kb-public": {
        "read": lambda a, user: _in_company(a, user)
        and _published(a, portal=True, public=True)
    },
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            role: new_test_user(
                cls.env,
                login=f"matrix-{role}",
                groups=",".join(groups),
                partner_id=cls._role_partner(role).id,
            )
            for role, (__, groups) in ROLES.items()
        }
        cls._create_fixtures()

    @classmethod
    def _role_partner(cls, role):
        """Portal users are contacts of the customer (one its support manager);
        the others have their own."""
        return cls.env["res.partner"].create(
            {
                "name": f"Matrix {role}",
                "parent_id": cls.customer.id if role.startswith("portal") else False,
                "helpdesk_support_manager": role == "portal_manager",
            }
        )

    @classmethod
    def _create_fixtures(cls):
        """Records each scope can be told apart on: tickets at every tier, of
        another customer and of another company, an agent's draft article, and
        other-company records of the company-bound models."""
        other_company = cls.env["res.company"].create({"name": "Matrix Other Co"})
        tickets = cls._create_ticket() | cls._create_ticket(user_id=cls.manager.id)
        escalated = cls._create_ticket() | cls._create_ticket()
        escalated.escalate("L2", HANDOFF_NOTE)
        escalated[1:].escalate("L3", HANDOFF_NOTE)
        cls._create_ticket(
            partner_id=cls.env["res.partner"].create({"name": "Someone Else"}).id
        )
        # A tier's team would pull the ticket back into its company on create.
        cls._create_ticket().write({"company_id": other_company.id, "team_id": False})
        (tickets | escalated).message_subscribe(cls.users["daemon"].partner_id.ids)
        # the portal customer's own ticket (their company's support manager follows it)
        cls._create_ticket(partner_id=cls.users["portal"].partner_id.id)
        cls.env["helpdesk.kb.article"].with_user(cls.users["l1"]).create(
            {"name": "Matrix draft", "symptoms": "Draft symptoms.", "lang": "en"}
        )
        cls.env["helpdesk.kb.article"].create(
            {
                "name": "Matrix other company",
                "symptoms": "Other symptoms.",
                "lang": "en",
                "state": "published",
                "visibility": "portal",
                "company_id": other_company.id,
            }
        )
        cls.env["helpdesk.canned.reply"].create(
            {"name": "Matrix", "body": "<p>x</p>", "company_id": other_company.id}
        )
        cls.env["helpdesk.problem"].create(
            {"name": "Matrix problem", "company_id": other_company.id}
        )
        cls.env["helpdesk.service.plan"].create(
            {
                "name": "Matrix plan",
                "company_id": other_company.id,
                "target_ids": [
                    Command.create(
                        {
                            "priority_category": "regular",
                            "response_hours": 1,
                            "resolve_hours": 2,
                        }
                    )
                ],
            }
        )

    def test_every_model_is_in_the_matrix(self):
        models = {
            name
            for name, model in self.env.registry.items()
            if model._original_module == "helpdesk_tiers" and not model._abstract
        } | {"helpdesk.ticket"}
        self.assertFalse(
            sorted(models - MATRIX.keys()),
            "models missing from tests/access_matrix.py (add their rows, then run "
            "tools/access_matrix.py update)",
        )
        self.assertFalse(
            sorted(MATRIX.keys() - models),
            "models in tests/access_matrix.py that the addon does not have",
        )

    def test_every_cell_is_well_formed(self):
        for model, cells in MATRIX.items():
            self.assertFalse(set(cells) - set(ROLES), model)
            for role, cell in cells.items():
                ops, scope = parse_cell(cell)
                self.assertTrue(ops and set(ops) <= set(OPERATIONS), (model, role))
                self.assertIn(scope, SCOPES, (model, role))
        self.assertEqual(set(PREDICATES), set(SCOPES))

    def test_access_rights(self):
        access = self.env["ir.model.access"]
        for model, cells in MATRIX.items():
            for role, user in self.users.items():
                ops, __ = parse_cell(cells.get(role, ""))
                actual = "".join(
                    op
                    for op, mode in MODES.items()
                    if access.with_user(user).check(model, mode, raise_exception=False)
                )
                with self.subTest(model=model, role=role):
                    self.assertEqual(
                        actual,
                        "".join(op for op in OPERATIONS if op in ops),
                        f"access rights of {ROLES[role][0]} on {model}",
                    )

    def test_record_rule_scopes(self):
        checked = 0
        for model, cells in MATRIX.items():
            records = self.env[model].sudo().with_context(active_test=False).search([])
            for role, cell in cells.items():
                ops, scope = parse_cell(cell)
                user = self.users[role]
                for op in ops.replace("c", ""):
                    mode = MODES[op]
                    predicate = PREDICATES[scope].get(mode, PREDICATES[scope]["read"])
                    expected = records.filtered(lambda r, p=predicate, u=user: p(r, u))
                    allowed = records.with_user(user)._filtered_access(mode).sudo()
                    with self.subTest(model=model, role=role, mode=mode):
                        self.assertEqual(
                            allowed,
                            expected,
                            f"{ROLES[role][0]} may {mode} these {model} records: "
                            f"{allowed.ids}; the matrix says {scope}: {expected.ids}",
                        )
                    checked += len(records)
        self.assertGreater(checked, 1000)

    def test_scopes_tell_records_apart(self):
        """The fixtures make each ticket and article scope a strict subset."""
        for model, role, mode in (
            ("helpdesk.ticket", "l1", "write"),
            ("helpdesk.ticket", "l2", "write"),
            ("helpdesk.ticket", "l3", "read"),
            ("helpdesk.ticket", "portal", "read"),
            ("helpdesk.ticket", "portal_manager", "read"),
            ("helpdesk.ticket", "daemon", "read"),
            ("helpdesk.kb.article", "l1", "write"),
            ("helpdesk.kb.article", "l1", "read"),
            ("helpdesk.kb.article", "portal", "read"),
            ("helpdesk.canned.reply", "l1", "read"),
            ("helpdesk.problem", "manager", "read"),
        ):
            records = self.env[model].search([])
            allowed = records.with_user(self.users[role])._filtered_access(mode)
            self.assertTrue(allowed, (model, role, mode))
            self.assertLess(len(allowed), len(records), (model, role, mode))
