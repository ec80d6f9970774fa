# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import HelpdeskTiersCommon


class TestAccessConfig(HelpdeskTiersCommon):
    """Who may read and change plans, targets, priority rules and the glossary."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls.env.ref("helpdesk_tiers.service_plan_standard")
        cls.target = cls.plan.target_ids[:1]
        cls.rule = cls.env["helpdesk.priority.rule"].create(
            {"name": "Rule", "keywords": "urgent", "priority_category": "critical"}
        )
        cls.term = cls.env["helpdesk.kb.term"].create(
            {
                "lang": "en",
                "customer_phrase": "the beeping box",
                "technical_term": "UPS",
            }
        )
        cls.source = cls.env["helpdesk.alert.source"].create({"name": "Nagios"})
        cls.portal_user = new_test_user(
            cls.env, login="tiers-portal-config", groups="base.group_portal"
        )

    def _allowed(self, record, user, operation):
        try:
            record.with_user(user).check_access(operation)
        except AccessError:
            return False
        return True

    def test_rights_per_group(self):
        expected = {
            # record: {user: (read, write)}
            "plan": {
                self.agent_l1: (1, 0),
                self.agent_l2: (1, 0),
                self.manager: (1, 1),
            },
            "target": {
                self.agent_l1: (1, 0),
                self.agent_l2: (1, 0),
                self.manager: (1, 1),
            },
            "rule": {
                self.agent_l1: (1, 0),
                self.agent_l2: (1, 0),
                self.manager: (1, 1),
            },
            "term": {
                self.agent_l1: (1, 0),
                self.agent_l2: (1, 1),
                self.manager: (1, 1),
            },
        }
        for name, rights in expected.items():
            record = getattr(self, name)
            for user, (read, write) in rights.items():
                with self.subTest(record=name, user=user.login):
                    self.assertEqual(self._allowed(record, user, "read"), bool(read))
                    self.assertEqual(self._allowed(record, user, "write"), bool(write))

    def test_portal_users_see_no_configuration(self):
        for record in (self.plan, self.target, self.rule, self.term, self.source):
            with self.subTest(model=record._name):
                self.assertFalse(self._allowed(record, self.portal_user, "read"))

    def test_l2_agents_grow_the_glossary(self):
        Term = self.env["helpdesk.kb.term"]
        Term.with_user(self.agent_l2).create(
            {
                "lang": "fr",
                "customer_phrase": "la boîte qui bipe",
                "technical_term": "onduleur",
            }
        )
        with self.assertRaises(AccessError):
            Term.with_user(self.agent_l1).create(
                {
                    "lang": "fr",
                    "customer_phrase": "le bip",
                    "technical_term": "onduleur",
                }
            )
        with self.assertRaises(AccessError):
            self.term.with_user(self.agent_l2).unlink()

    def test_plans_and_rules_are_per_company(self):
        other = self.env["res.company"].create({"name": "Other support company"})
        plan = self.env["helpdesk.service.plan"].create(
            {"name": "Other plan", "company_id": other.id}
        )
        rule = self.env["helpdesk.priority.rule"].create(
            {
                "name": "Other rule",
                "company_id": other.id,
                "priority_category": "planned",
            }
        )
        self.assertFalse(
            self.env["helpdesk.service.plan"]
            .with_user(self.agent_l1)
            .search([("id", "=", plan.id)])
        )
        self.assertFalse(
            self.env["helpdesk.priority.rule"]
            .with_user(self.agent_l1)
            .search([("id", "=", rule.id)])
        )
        self.agent_l1.company_ids |= other
        self.assertTrue(
            self.env["helpdesk.service.plan"]
            .with_user(self.agent_l1)
            .with_context(allowed_company_ids=[self.env.company.id, other.id])
            .search([("id", "=", plan.id)])
        )

    def test_agents_create_tickets_with_rules_they_cannot_edit(self):
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.agent_l1)
            .create({"name": "Urgent call", "description": "It is urgent"})
        )
        self.assertEqual(ticket.priority_rule_id, self.rule)
        self.assertIn("Rule", ticket.with_user(self.agent_l1).priority_explanation)

    def test_only_managers_generate_alert_tokens(self):
        with self.assertRaises(AccessError):
            self.source.with_user(self.agent_l2).action_generate_token()
        self.assertFalse(self.source.token_hint)
        action = self.source.with_user(self.manager).action_generate_token()
        self.assertTrue(action["context"]["helpdesk_alert_token"])
        with self.assertRaises(AccessError):
            self.source.with_user(self.manager).token_hash  # noqa: B018
