# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import HelpdeskSlaCommon


@tagged("post_install", "-at_install")
class TestSlaReport(HelpdeskSlaCommon):
    """Five tickets opened on Monday 7 January 2030 at 8:00 Paris (7:00 UTC):
    - A answered and resolved by L1 in time;
    - B resolved by L1 after waiting on the customer;
    - C escalated to L2, resolved there;
    - D still open at L1;
    - E closed by L1 after its response deadline, never answered.
    Nothing else is opened in 2030: the period figures are theirs alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls._frozen("2030-01-07 07:00:00"):
            cls.a, cls.b, cls.c, cls.d, cls.e = (
                cls._create_sla_ticket(name=name) for name in "ABCDE"
            )
        with cls._frozen("2030-01-07 07:30:00"):
            for ticket in cls.a | cls.b | cls.c:
                cls._reply(ticket, "We are on it.")
        with cls._frozen("2030-01-07 07:40:00"):
            cls.b.action_wait_on_customer()
        with cls._frozen("2030-01-07 08:00:00"):
            cls.b.action_stop_waiting()
            cls.a.stage_id = cls.stage_done
            cls.c.escalate(
                "L2", "Needs a remote session on the customer's server, L1 tried."
            )
        with cls._frozen("2030-01-07 08:30:00"):
            (cls.b | cls.c).stage_id = cls.stage_done
        with cls._frozen("2030-01-07 10:00:00"):
            cls.e.stage_id = cls.stage_done

    @classmethod
    def _frozen(cls, when):
        return cls._at(cls, when)

    def _rows(self, model, tickets):
        return self.env[model].search([("ticket_id", "in", tickets.ids)])

    def test_ticket_rows(self):
        rows = {
            row.ticket_id: row
            for row in self._rows(
                "helpdesk.ticket.report", self.a | self.b | self.c | self.d | self.e
            )
        }
        self.assertEqual(rows[self.a].sla_state, "met")
        self.assertEqual(rows[self.a].resolved_l1_rate, 100)
        self.assertEqual(rows[self.a].first_contact_rate, 100)
        self.assertEqual(rows[self.a].response_hours, 0.5)
        self.assertEqual(rows[self.a].resolve_hours, 1)
        self.assertEqual(rows[self.b].first_contact_rate, 0, "Waited on the customer")
        self.assertEqual(rows[self.c].tier_id, self.tier_l2)
        self.assertEqual(rows[self.c].resolved_l1_rate, 0)
        self.assertEqual(rows[self.c].escalated_rate, 100)
        self.assertFalse(rows[self.d].is_closed)
        self.assertFalse(rows[self.d].resolved_l1_rate, "Open: not counted")
        self.assertTrue(rows[self.d].age_bucket)
        self.assertFalse(rows[self.a].age_bucket, "Closed: not in the backlog")
        self.assertEqual(rows[self.e].sla_state, "breached")
        self.assertEqual(rows[self.e].sla_compliance, 0)

    def test_tier_stays(self):
        stays = self._rows("helpdesk.tier.stay.report", self.c)
        self.assertEqual(len(stays), 2)
        at_l1 = stays.filtered(lambda s: s.tier_id == self.tier_l1)
        self.assertEqual(
            (at_l1.outcome, at_l1.next_tier_id, at_l1.hours),
            ("escalated", self.tier_l2, 1),
        )
        at_l2 = stays - at_l1
        self.assertEqual((at_l2.outcome, at_l2.hours), ("resolved", 0.5))
        self.assertEqual(
            self._rows("helpdesk.tier.stay.report", self.d).outcome, "open"
        )

    def test_overview(self):
        with self._at("2030-01-07 12:00:00"):
            overview = (
                self.env["helpdesk.ticket.report"]
                .with_user(self.manager)
                .get_overview(1)
            )
        totals = overview["totals"]
        self.assertEqual(overview["l1_target"], 80)
        self.assertEqual(totals["tickets"], 5)
        self.assertEqual(totals["resolved_l1_rate"], 75, "A, B, E of A, B, C, E")
        self.assertEqual(totals["first_contact_rate"], 50, "A and E")
        self.assertEqual(totals["sla_compliance"], 75, "E breached")
        tiers = {tier["code"]: tier for tier in overview["tiers"]}
        l1, l2 = tiers["L1"], tiers["L2"]
        self.assertEqual(l1["handled"], 5)
        self.assertEqual(l1["escalation_rate"], 25)
        self.assertEqual(l1["resolved_here_rate"], 75)
        self.assertEqual(l1["sla_compliance"], 66.7, "A, B met, E breached")
        self.assertEqual((l2["handled"], l2["resolved_here_rate"]), (1, 100))
        self.assertEqual(l2["sla_compliance"], 100)
        self.assertGreaterEqual(l1["open"], 1)
        self.assertEqual(
            [(p["from"], p["to"], p["count"]) for p in overview["paths"]],
            [("L1 Hotline", "L2 Back office", 1)],
        )
        self.assertEqual(
            [bucket["key"] for bucket in overview["backlog"]],
            ["1_day", "2_days", "3_week", "4_month", "5_older"],
        )

    def test_managers_only(self):
        for model in ("helpdesk.ticket.report", "helpdesk.tier.stay.report"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.specialist).search([])
        with self.assertRaises(AccessError):
            self.env["helpdesk.ticket.report"].with_user(self.agent_l1).get_overview()
