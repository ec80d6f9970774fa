# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from .common import HelpdeskTiersCommon


class TestServicePlan(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standard = cls.env.ref("helpdesk_tiers.service_plan_standard")
        cls.gold = cls.env["helpdesk.service.plan"].create(
            {
                "name": "Gold",
                "target_ids": [
                    Command.create(
                        {
                            "priority_category": "critical",
                            "response_hours": 1,
                            "resolve_hours": 8,
                            "update_interval_hours": 2,
                        }
                    ),
                    Command.create(
                        {
                            "priority_category": "critical",
                            "tier_id": cls.tier_l1.id,
                            "response_hours": 1,
                            "resolve_hours": 2,
                        }
                    ),
                ],
            }
        )
        cls.customer.helpdesk_service_plan_id = cls.gold
        cls.contact = cls.env["res.partner"].create(
            {"name": "Alice Contact", "parent_id": cls.customer.id}
        )

    def test_contacts_share_their_company_plan(self):
        self.assertEqual(self.contact.helpdesk_service_plan_id, self.gold)
        self.customer.helpdesk_service_plan_id = self.standard
        self.assertEqual(self.contact.helpdesk_service_plan_id, self.standard)

    def test_ticket_takes_the_commercial_partner_plan(self):
        ticket = self._create_ticket(partner_id=self.contact.id)
        self.assertEqual(ticket.service_plan_id, self.gold)

    def test_ticket_without_plan_gets_the_company_default(self):
        self.assertEqual(
            self.env.company.helpdesk_default_service_plan_id, self.standard
        )
        ticket = self._create_ticket(partner_id=False)
        self.assertEqual(ticket.service_plan_id, self.standard)
        other = self.env["res.partner"].create({"name": "No plan Ltd"})
        self.assertEqual(
            self._create_ticket(partner_id=other.id).service_plan_id, self.standard
        )

    def test_changing_the_ticket_partner_changes_its_plan(self):
        ticket = self._create_ticket(partner_id=False)
        ticket.partner_id = self.contact
        self.assertEqual(ticket.service_plan_id, self.gold)

    def test_plan_targets(self):
        self.assertEqual(self.gold._get_target("critical").resolve_hours, 8)
        self.assertEqual(
            self.gold._get_target("critical", self.tier_l1).resolve_hours, 2
        )
        self.assertFalse(self.gold._get_target("planned"))
        self.assertEqual(self.gold.partner_count, 1)

    def test_one_target_per_category_and_tier(self):
        with self.assertRaises(ValidationError) as raised:
            self.env["helpdesk.sla.target"].create(
                {
                    "plan_id": self.gold.id,
                    "priority_category": "critical",
                    "resolve_hours": 4,
                }
            )
        self.assertIn("two targets", str(raised.exception))
        # Same category at another tier is another line.
        self.env["helpdesk.sla.target"].create(
            {
                "plan_id": self.gold.id,
                "priority_category": "critical",
                "tier_id": self.tier_l2.id,
                "resolve_hours": 4,
            }
        )

    def test_tier_targets_fit_in_the_customer_target(self):
        with self.assertRaises(ValidationError) as raised:
            self.env["helpdesk.sla.target"].create(
                {
                    "plan_id": self.gold.id,
                    "priority_category": "critical",
                    "tier_id": self.tier_l2.id,
                    "resolve_hours": 7,
                }
            )
        self.assertIn("add up to 9", str(raised.exception))

    def test_negative_hours_are_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["helpdesk.sla.target"].create(
                {
                    "plan_id": self.gold.id,
                    "priority_category": "planned",
                    "response_hours": -1,
                }
            )
