# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from .common import HelpdeskTiersCommon


class TestHelpdeskTier(HelpdeskTiersCommon):
    def test_shipped_tiers(self):
        tiers = self.tier_l1 | self.tier_l2 | self.tier_l3 | self.tier_l4
        self.assertEqual(tiers.mapped("code"), ["L1", "L2", "L3", "L4"])
        self.assertEqual(tiers.mapped("level"), [1, 2, 3, 4])
        self.assertEqual(tiers.filtered("is_external"), self.tier_l4)
        self.assertEqual(
            tiers.filtered("notify_customer_expectation"), self.tier_l3 | self.tier_l4
        )
        for tier, team in zip(
            tiers,
            self.team_l1 | self.team_l2 | self.team_l3 | self.team_l4,
            strict=True,
        ):
            self.assertEqual(tier.team_ids, team)
            self.assertTrue(tier.customer_label)

    def test_shipped_paths(self):
        self.assertEqual(self.tier_l1.escalation_target_ids, self.tier_l2)
        self.assertEqual(
            self.tier_l2.escalation_target_ids, self.tier_l3 | self.tier_l4
        )
        self.assertEqual(self.tier_l3.escalation_target_ids, self.tier_l4)
        self.assertFalse(self.tier_l4.escalation_target_ids)
        self.assertTrue(self.tier_l2.handoff_checklist)

    def test_code_is_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["helpdesk.tier"].create(
                    {"name": "Another front line", "code": "L1", "level": 1}
                )

    def test_code_cannot_be_padded(self):
        with self.assertRaises(ValidationError):
            self.env["helpdesk.tier"].create({"name": "Odd", "code": " L5", "level": 5})

    def test_level_must_be_positive(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["helpdesk.tier"].create(
                    {"name": "Zero", "code": "L0", "level": 0}
                )

    def test_escalation_targets_must_be_higher(self):
        with self.assertRaisesRegex(ValidationError, "only escalate to higher tiers"):
            self.tier_l3.escalation_target_ids = [Command.link(self.tier_l1.id)]
        with self.assertRaises(ValidationError):
            self.tier_l2.escalation_target_ids = [Command.link(self.tier_l2.id)]

    def test_resolve_by_code_id_and_record(self):
        tier_model = self.env["helpdesk.tier"]
        self.assertEqual(tier_model._resolve("L3"), self.tier_l3)
        self.assertEqual(tier_model._resolve(" L3 "), self.tier_l3)
        self.assertEqual(tier_model._resolve(self.tier_l3.id), self.tier_l3)
        self.assertEqual(tier_model._resolve(self.tier_l3), self.tier_l3)

    def test_resolve_rejects_unknown_tiers(self):
        tier_model = self.env["helpdesk.tier"]
        self.tier_l3.active = False
        for bad in (
            "L9",
            "",
            "   ",
            None,
            False,
            True,
            0,
            10**9,
            self.tier_l3.id,
            "L3",
        ):
            with (
                self.subTest(tier=bad),
                self.assertRaisesRegex(UserError, "Unknown support tier"),
            ):
                tier_model._resolve(bad)

    def test_default_tier_is_the_lowest_active_one(self):
        self.assertEqual(self._create_ticket().tier_id, self.tier_l1)
        self.tier_l1.active = False
        self.assertEqual(self._create_ticket().tier_id, self.tier_l2)
        self.tier_l1.active = True
        self.assertEqual(self._create_ticket().tier_id, self.tier_l1)

    def test_ticket_count_counts_open_tickets(self):
        before = self.tier_l2.ticket_count
        self._create_ticket(tier_id=self.tier_l2.id)
        self._create_ticket(tier_id=self.tier_l2.id, stage_id=self.stage_done.id)
        self.tier_l2.invalidate_recordset(["ticket_count"])
        self.assertEqual(self.tier_l2.ticket_count, before + 1)
        action = self.tier_l2.action_view_tickets()
        self.assertEqual(action["domain"], [("tier_id", "=", self.tier_l2.id)])

    def test_lower_tiers(self):
        lower = (self.tier_l1 | self.tier_l3 | self.tier_l4)._get_lower_tiers()
        self.assertFalse(lower[self.tier_l1])
        self.assertEqual(lower[self.tier_l3], self.tier_l2)
        self.assertEqual(lower[self.tier_l4], self.tier_l3)
