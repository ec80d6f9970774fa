# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import Form

from .common import HelpdeskTiersCommon


class TestIntake(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["helpdesk.priority.rule"].search([]).active = False
        cls.rule_down = cls.env["helpdesk.priority.rule"].create(
            {
                "name": "Production stopped",
                "keywords": "plus rien ne marche",
                "priority_category": "business_failure",
            }
        )
        cls.gold = cls.env["helpdesk.service.plan"].create(
            {
                "name": "Gold intake",
                "description": "<p>Round the clock hotline</p>",
                "target_ids": [
                    (0, 0, {"priority_category": "critical", "resolve_hours": 8}),
                    (
                        0,
                        0,
                        {
                            "priority_category": "critical",
                            "tier_id": cls.tier_l1.id,
                            "resolve_hours": 2,
                        },
                    ),
                ],
            }
        )
        cls.customer.write(
            {
                "helpdesk_service_plan_id": cls.gold.id,
                "email": "it@customer.example.com",
            }
        )
        cls.caller = cls.env["res.partner"].create(
            {
                "name": "Carla Caller",
                "parent_id": cls.customer.id,
                "phone": "+33 6 12 00 07 77",
                "email": "carla@customer.example.com",
                "lang": "fr_FR",
            }
        )
        cls.colleague = cls.env["res.partner"].create(
            {
                "name": "Colin Colleague",
                "parent_id": cls.customer.id,
                "mobile": "0033 7 11 22 33 44",
            }
        )
        cls.open_ticket = cls._create_ticket(
            name="Old open issue", partner_id=cls.colleague.id
        )
        cls.closed_ticket = cls._create_ticket(
            name="Solved last week", partner_id=cls.caller.id
        )
        cls.closed_ticket.stage_id = cls.stage_done
        cls.closed_ticket.message_post(
            body="We replaced the toner.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.closed_ticket.message_post(
            body="Internal: cheap fix", subtype_xmlid="mail.mt_note"
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Receipt printer TP-80"}
        )

    def _lookup(self, text):
        return (
            self.env["res.partner"]
            .with_context(helpdesk_tiers_phone_lookup=True)
            .name_search(text)
        )

    def test_find_the_caller_by_phone_email_name_or_company(self):
        for text in (
            "06 12 00 07 77",
            "+33612000777",
            "612000777",
            "carla@customer",
            "Carla",
        ):
            with self.subTest(text=text):
                self.assertIn(
                    self.caller.id, [pid for pid, _name in self._lookup(text)]
                )
        self.assertIn(
            self.colleague.id, [pid for pid, _name in self._lookup("07 11 22 33 44")]
        )
        by_company = [pid for pid, _name in self._lookup("Customer Company")]
        self.assertIn(self.caller.id, by_company)
        self.assertIn(self.colleague.id, by_company)
        # Too few digits, or the phone lookup not asked for: no phone match
        self.assertNotIn(self.caller.id, [pid for pid, _n in self._lookup("0777")])
        self.assertFalse(self.env["res.partner"].name_search("06 12 00 07 77"))

    def test_history_and_plan_at_once(self):
        intake = Form(self.env["helpdesk.intake"].with_user(self.agent_l1))
        intake.partner_id = self.caller
        self.assertEqual(intake.caller_phone, "+33 6 12 00 07 77")
        self.assertEqual(intake.service_plan_id, self.gold)
        self.assertIn("Round the clock", intake.service_plan_description)
        self.assertIn("1 open tickets, 1 closed", intake.history_summary)
        record = intake.save()
        self.assertEqual(record.service_target_ids.mapped("resolve_hours"), [8])
        self.assertEqual(record.open_ticket_ids, self.open_ticket)
        self.assertEqual(record.recent_ticket_ids, self.closed_ticket)
        bodies = " ".join(record.last_message_ids.mapped("body"))
        self.assertIn("We replaced the toner", bodies)
        self.assertNotIn("cheap fix", bodies)
        self.assertFalse(record.open_problems)

    def test_history_lists_the_open_problems(self):
        Problem = self.env["helpdesk.problem"]
        own, via_ticket, resolved = Problem.create(
            [
                {"name": "Till freezes every morning", "partner_id": self.customer.id},
                {"name": "Firmware 2.1 reboots printers"},
                {
                    "name": "Old toner batch",
                    "partner_id": self.customer.id,
                    "state": "resolved",
                },
            ]
        )
        self.open_ticket.problem_id = via_ticket
        intake = Form(self.env["helpdesk.intake"].with_user(self.agent_l1))
        intake.partner_id = self.caller
        record = intake.save()
        self.assertIn(own.name, record.open_problems)
        self.assertIn(via_ticket.name, record.open_problems)
        self.assertNotIn(resolved.name, record.open_problems)

    def test_one_call_opens_two_linked_tickets(self):
        intake = Form(self.env["helpdesk.intake"].with_user(self.agent_l1))
        intake.partner_id = self.caller
        with intake.line_ids.new() as line:
            line.name = "Caisse bloquée"
            line.customer_wording = "Depuis ce matin plus rien ne marche à la caisse"
            line.description = "Terminal de caisse hors service"
            line.product_id = self.product
            line.serial_number = "TP80-0042"
            self.assertIn("Production stopped", line.priority_preview)
        with intake.line_ids.new() as line:
            line.name = "Question facture"
            line.customer_wording = "Je ne trouve pas la facture"
            line.license_ref = "CTR-2026-7"
            self.assertIn("Gold intake", line.priority_preview)
        action = intake.save().action_create_tickets()
        tickets = self.env["helpdesk.ticket"].search(action["domain"], order="id")
        self.assertEqual(len(tickets), 2)
        self.assertEqual(len(set(tickets.mapped("intake_ref"))), 1)
        self.assertTrue(tickets[0].intake_ref.startswith("CT"))
        self.assertEqual(tickets.partner_id, self.caller)
        self.assertEqual(
            tickets.channel_id,
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone"),
        )
        self.assertEqual(tickets.user_id, self.agent_l1)
        self.assertEqual(tickets.service_plan_id, self.gold)
        first, second = tickets
        self.assertEqual(first.product_id, self.product)
        self.assertEqual(first.serial_number, "TP80-0042")
        self.assertEqual(
            first.customer_wording, "Depuis ce matin plus rien ne marche à la caisse"
        )
        self.assertIn("Terminal de caisse hors service", first.description)
        self.assertEqual(first.priority_rule_id, self.rule_down)
        self.assertIn("Production stopped", first.priority_explanation)
        self.assertEqual(second.license_ref, "CTR-2026-7")
        self.assertEqual(second.priority_source, "plan")
        self.assertIn("Gold intake", second.priority_explanation)
        self.assertEqual(first.intake_ticket_ids, second)
        self.assertEqual(second.intake_ticket_ids, first)

    def test_priority_set_by_hand_needs_a_reason(self):
        intake = Form(self.env["helpdesk.intake"].with_user(self.agent_l1))
        intake.partner_id = self.caller
        with intake.line_ids.new() as line:
            line.name = "VIP mood"
            line.priority_category = "critical"
            line.priority_override_reason = "Director on the phone, whole shop waiting"
            self.assertIn("set by hand", line.priority_preview)
        action = intake.save().action_create_tickets()
        ticket = self.env["helpdesk.ticket"].browse(action["res_id"])
        self.assertEqual(ticket.priority_category, "critical")
        self.assertEqual(ticket.priority_source, "manual")
        self.assertEqual(ticket.priority_override_user_id, self.agent_l1)
        wizard = self.env["helpdesk.intake"].create(
            {
                "partner_id": self.caller.id,
                "line_ids": [
                    (0, 0, {"name": "No reason", "priority_category": "critical"})
                ],
            }
        )
        with self.assertRaises(UserError):
            wizard.action_create_tickets()

    def test_nothing_is_created_without_problem_or_caller(self):
        count = self.env["helpdesk.ticket"].search_count([])
        with self.assertRaises(UserError):
            self.env["helpdesk.intake"].create(
                {"partner_id": self.caller.id}
            ).action_create_tickets()
        with self.assertRaises(UserError):
            self.env["helpdesk.intake"].create(
                {"line_ids": [(0, 0, {"name": "Anonymous"})]}
            ).action_create_tickets()
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), count)

    def test_unknown_caller(self):
        wizard = self.env["helpdesk.intake"].create(
            {
                "caller_name": "Walk-in Wendy",
                "caller_email": "wendy@example.com",
                "line_ids": [
                    (0, 0, {"name": "Wifi", "customer_wording": "le wifi coupe"})
                ],
            }
        )
        action = wizard.action_create_tickets()
        ticket = self.env["helpdesk.ticket"].browse(action["res_id"])
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.partner_name, "Walk-in Wendy")
        self.assertEqual(ticket.partner_email, "wendy@example.com")
