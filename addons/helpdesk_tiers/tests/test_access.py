# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import HANDOFF_NOTE, HelpdeskTiersCommon


class TestAccess(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tickets = {
            level: cls._create_ticket(
                name=f"Ticket at L{level}",
                tier_id=cls.env.ref(f"helpdesk_tiers.tier_l{level}").id,
            )
            for level in range(1, 5)
        }
        cls.escalation = cls.tickets[1].escalate("L2", HANDOFF_NOTE)
        cls.tickets[2] = cls.tickets[1]
        cls.tickets[1] = cls._create_ticket(name="Another ticket at L1")
        cls.portal_user = new_test_user(
            cls.env, login="tiers-portal", groups="base.group_portal"
        )
        cls.employee = new_test_user(
            cls.env, login="tiers-employee", groups="base.group_user"
        )

    def _can_write(self, user, level):
        ticket = self.tickets[level].with_user(user)
        try:
            ticket.check_access("write")
        except AccessError:
            return False
        return True

    def test_each_tier_writes_its_tickets_and_below(self):
        expected = {
            self.agent_l1: [True, False, False, False],
            self.agent_l2: [True, True, False, False],
            self.specialist: [True, True, True, True],
            self.manager: [True, True, True, True],
        }
        for user, rights in expected.items():
            for level, allowed in enumerate(rights, 1):
                with self.subTest(user=user.login, level=level):
                    self.assertEqual(self._can_write(user, level), allowed)

    def test_every_agent_reads_every_ticket(self):
        everything = self.env["helpdesk.ticket"].search([])
        for user in (self.agent_l1, self.agent_l2, self.specialist):
            with self.subTest(user=user.login):
                self.assertEqual(
                    self.env["helpdesk.ticket"].with_user(user).search([]), everything
                )

    def test_agents_create_tickets(self):
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.agent_l1)
            .create({"name": "Call", "description": "A call"})
        )
        self.assertEqual(ticket.tier_id, self.tier_l1)

    def test_l1_cannot_escalate_tickets_above_its_tier(self):
        ticket = self.tickets[3].with_user(self.agent_l1)
        with self.assertRaises(AccessError):
            ticket.escalate("L4", HANDOFF_NOTE)
        self.assertFalse(self.tickets[3].escalation_ids)

    def test_l2_escalates_and_returns(self):
        ticket = self.tickets[2].with_user(self.agent_l2)
        ticket.escalate("L3", HANDOFF_NOTE)
        self.tickets[3].with_user(self.specialist).de_escalate(HANDOFF_NOTE)
        self.assertEqual(self.tickets[3].tier_id, self.tier_l2)

    def test_only_managers_configure_tiers(self):
        for user in (self.agent_l1, self.agent_l2, self.specialist):
            with self.subTest(user=user.login):
                tier = self.tier_l2.with_user(user)
                self.assertTrue(tier.name)
                with self.assertRaises(AccessError):
                    tier.write({"handoff_min_length": 1})
                with self.assertRaises(AccessError):
                    tier.create({"name": "L5", "code": "L5", "level": 5})
        self.tier_l2.with_user(self.manager).write({"handoff_min_length": 40})
        self.tier_l2.with_user(self.manager).create(
            {"name": "L5 Lab", "code": "L5", "level": 5}
        )

    def test_escalation_history_is_read_only(self):
        escalation = self.escalation
        for user in (self.agent_l1, self.agent_l2, self.specialist, self.manager):
            with self.subTest(user=user.login):
                self.assertTrue(escalation.with_user(user).note)
                with self.assertRaises(AccessError):
                    escalation.with_user(user).write({"note": "rewritten history"})
        for user in (self.agent_l1, self.specialist):
            with self.assertRaises(AccessError):
                escalation.with_user(user).unlink()
        escalation.with_user(self.manager).unlink()

    def test_portal_users_never_see_escalations(self):
        escalations = self.env["helpdesk.ticket.escalation"].with_user(self.portal_user)
        with self.assertRaises(AccessError):
            escalations.search([])
        with self.assertRaises(AccessError):
            self.escalation.with_user(self.portal_user).read(["note"])

    def test_portal_and_plain_employees_cannot_escalate(self):
        self.tickets[1].partner_id = self.portal_user.partner_id
        for user in (self.portal_user, self.employee):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.tickets[1].with_user(user).escalate("L2", HANDOFF_NOTE)
        self.assertEqual(self.tickets[1].tier_id, self.tier_l1)

    def test_sync_daemon_group_is_technical(self):
        group = self.env.ref("helpdesk_tiers.group_sync_daemon")
        self.assertEqual(group.category_id, self.env.ref("base.module_category_hidden"))
        self.assertFalse(group.implied_ids)
