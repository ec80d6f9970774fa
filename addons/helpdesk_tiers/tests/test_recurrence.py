# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .common import HelpdeskTiersCommon


class RecurrenceCommon(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {"helpdesk_recurrence_threshold": 3, "helpdesk_recurrence_days": 30}
        )
        cls.printers = cls.env["helpdesk.ticket.category"].create({"name": "Printers"})
        cls.network = cls.env["helpdesk.ticket.category"].create({"name": "Network"})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jeanne at the counter", "parent_id": cls.customer.id}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Company", "is_company": True}
        )
        cls.third_customer = cls.env["res.partner"].create(
            {"name": "Third Company", "is_company": True}
        )
        cls.printer = cls.env["product.product"].create(
            {"name": "Thermal printer TP-80"}
        )

    @classmethod
    def _printer_ticket(cls, partner=None, category=None, **vals):
        return cls._create_ticket(
            partner_id=(partner or cls.customer).id,
            category_id=(category or cls.printers).id,
            **vals,
        )

    @classmethod
    def _age(cls, tickets, days):
        """Move tickets ``days`` back in time (the ORM refuses to set create_date)."""
        tickets.flush_recordset()
        cls.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET create_date = %s WHERE id IN %s",
                fields.Datetime.now() - timedelta(days=days),
                tuple(tickets.ids),
            )
        )
        tickets.invalidate_recordset(["create_date"])


class TestRecurrence(RecurrenceCommon):
    def test_third_ticket_is_recurring_and_proposes_a_problem(self):
        first = self._printer_ticket()
        second = self._printer_ticket(partner=self.contact)
        self.assertFalse(first.is_recurring or second.is_recurring)
        self.assertFalse(first.problem_id or second.problem_id)

        third = self._printer_ticket()
        self.assertTrue(third.is_recurring)
        problem = third.problem_id
        self.assertRecordValues(
            problem,
            [
                {
                    "state": "new",
                    "detection": "partner",
                    "partner_id": self.customer.id,
                    "category_id": self.printers.id,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertEqual(problem.ticket_ids, first | second | third)
        self.assertFalse(
            (first | second).filtered("is_recurring"),
            "the earlier tickets join the problem without the flag",
        )
        self.assertIn("at least 3 tickets", problem.message_ids[0].body)

    def test_fourth_ticket_joins_the_proposed_problem(self):
        tickets = self._printer_ticket() | self._printer_ticket()
        tickets |= self._printer_ticket()
        fourth = self._printer_ticket()
        self.assertTrue(fourth.is_recurring)
        self.assertEqual(fourth.problem_id, tickets[2].problem_id)
        self.assertEqual(len(tickets.problem_id), 1)

    def test_contacts_of_one_company_count_together(self):
        self._printer_ticket(partner=self.contact)
        self._printer_ticket(partner=self.contact)
        third = self._printer_ticket(partner=self.customer)
        self.assertTrue(third.is_recurring)
        self.assertEqual(third.problem_id.partner_id, self.customer)

    def test_other_category_or_customer_does_not_count(self):
        self._printer_ticket()
        self._printer_ticket(category=self.network)
        self._printer_ticket(partner=self.other_customer)
        ticket = self._printer_ticket()
        self.assertFalse(ticket.is_recurring)
        self.assertFalse(ticket.problem_id)

    def test_tickets_older_than_the_window_do_not_count(self):
        old = self._printer_ticket() | self._printer_ticket()
        self._age(old, 31)
        ticket = self._printer_ticket()
        self.assertFalse(ticket.is_recurring)
        self._age(old, 29)
        self.assertTrue(self._printer_ticket().is_recurring)

    def test_archived_tickets_do_not_count(self):
        old = self._printer_ticket() | self._printer_ticket()
        old.action_archive()
        self.assertFalse(self._printer_ticket().is_recurring)

    def test_ticket_without_category_or_customer_is_not_checked(self):
        self._printer_ticket()
        self._printer_ticket()
        no_category = self._create_ticket(
            partner_id=self.customer.id, category_id=False
        )
        no_customer = self._create_ticket(
            partner_id=False, category_id=self.printers.id
        )
        self.assertFalse(no_category.is_recurring or no_category.problem_id)
        self.assertFalse(no_customer.is_recurring or no_customer.problem_id)

    def test_open_problem_collects_new_tickets_at_once(self):
        problem = self.env["helpdesk.problem"].create(
            {
                "name": "Counter printer",
                "partner_id": self.customer.id,
                "category_id": self.printers.id,
                "state": "investigating",
            }
        )
        ticket = self._printer_ticket(partner=self.contact)
        self.assertTrue(ticket.is_recurring)
        self.assertEqual(ticket.problem_id, problem)
        other = self._printer_ticket(partner=self.other_customer)
        self.assertFalse(other.problem_id)

    def test_explicit_problem_is_kept(self):
        problem = self.env["helpdesk.problem"].create({"name": "Chosen by hand"})
        self._printer_ticket()
        self._printer_ticket()
        ticket = self._printer_ticket(problem_id=problem.id)
        self.assertEqual(ticket.problem_id, problem)
        self.assertFalse(
            self.env["helpdesk.problem"].search([("partner_id", "=", self.customer.id)])
        )

    def test_dismissed_problem_stops_counting_its_tickets(self):
        tickets = self._printer_ticket() | self._printer_ticket()
        tickets |= self._printer_ticket()
        problem = tickets.problem_id
        problem.action_dismiss()
        fourth = self._printer_ticket()
        self.assertFalse(fourth.is_recurring, "the dismissed series does not count")
        self.assertFalse(fourth.problem_id)
        self._printer_ticket()
        sixth = self._printer_ticket()
        self.assertTrue(sixth.is_recurring, "three new tickets make a new series")
        self.assertNotEqual(sixth.problem_id, problem)
        self.assertEqual(sixth.problem_id.state, "new")

    def test_resolved_problem_is_not_joined(self):
        tickets = self._printer_ticket() | self._printer_ticket()
        tickets |= self._printer_ticket()
        tickets.problem_id._resolve("<p>New sensor fitted.</p>")
        ticket = self._printer_ticket()
        self.assertFalse(ticket.problem_id)

    def test_category_set_after_creation_is_checked(self):
        self._printer_ticket()
        self._printer_ticket()
        ticket = self._create_ticket(partner_id=self.customer.id)
        self.assertFalse(ticket.is_recurring)
        ticket.category_id = self.printers
        self.assertTrue(ticket.is_recurring)
        self.assertTrue(ticket.problem_id)

    def test_batch_create(self):
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Printer {index}",
                    "description": "Blinks red",
                    "partner_id": partner.id,
                    "category_id": self.printers.id,
                }
                for index, partner in enumerate(
                    [self.customer, self.other_customer] * 3 + [self.customer]
                )
            ]
        )
        mine = tickets.filtered(lambda t: t.commercial_partner_id == self.customer)
        theirs = tickets - mine
        self.assertEqual(len(tickets.problem_id), 2, "one problem per customer")
        self.assertTrue(all(mine.mapped("is_recurring")))
        self.assertTrue(all(theirs.mapped("is_recurring")))
        self.assertEqual(mine.problem_id.ticket_ids, mine)
        self.assertEqual(theirs.problem_id.partner_id, self.other_customer)

    def test_check_is_one_query_for_a_batch(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "is_company": True} for i in range(20)]
        )
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": "Printer",
                    "description": "Blinks red",
                    "partner_id": customer.id,
                    "category_id": self.printers.id,
                }
                for customer in customers
            ]
        )
        one = tickets[:1]
        one.flush_recordset()
        with self.assertQueryCount(1):
            one._detect_recurrence()
        with self.assertQueryCount(1):
            tickets._detect_recurrence()

    def test_any_creator_gets_the_check(self):
        """An L1 agent may not create problems; the check proposes them anyway."""
        self._printer_ticket()
        self._printer_ticket()
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.agent_l1)
            .create(
                {
                    "name": "Printer again",
                    "description": "Blinks red",
                    "partner_id": self.customer.id,
                    "category_id": self.printers.id,
                }
            )
        )
        self.assertTrue(ticket.is_recurring)
        self.assertEqual(ticket.sudo().problem_id.state, "new")

    def test_mail_gateway_tickets_are_checked(self):
        self.customer.email = "counter@customer.example.com"
        self._printer_ticket()
        self._printer_ticket()
        ticket = self.env["helpdesk.ticket"].message_new(
            {
                "subject": "Printer blinks red again",
                "body": "<p>Third time this month.</p>",
                "author_id": self.customer.id,
                "email_from": self.customer.email,
                "message_id": "<printer-3@customer.example.com>",
            },
            custom_values={"category_id": self.printers.id},
        )
        self.assertTrue(ticket.is_recurring)
        self.assertTrue(ticket.problem_id)


class TestProductRecurrence(RecurrenceCommon):
    def _product_ticket(self, partner, **vals):
        return self._create_ticket(
            partner_id=partner.id, product_id=self.printer.id, **vals
        )

    def test_same_product_at_several_customers(self):
        first = self._product_ticket(self.customer)
        second = self._product_ticket(self.other_customer)
        self.assertFalse(first.problem_id or second.problem_id)
        third = self._product_ticket(self.third_customer)
        self.assertTrue(third.is_recurring)
        problem = third.problem_id
        self.assertRecordValues(
            problem,
            [
                {
                    "state": "new",
                    "detection": "product",
                    "product_id": self.printer.id,
                    "partner_id": False,
                }
            ],
        )
        self.assertEqual(problem.ticket_ids, first | second | third)
        self.assertIn("at least 3 customers reported", problem.message_ids[0].body)
        fourth = self._product_ticket(self.customer)
        self.assertEqual(fourth.problem_id, problem, "joins the open product problem")

    def test_one_customer_is_not_several(self):
        for _index in range(4):
            ticket = self._product_ticket(self.customer)
        self.assertFalse(ticket.is_recurring or ticket.problem_id)

    def test_old_product_tickets_do_not_count(self):
        old = self._product_ticket(self.customer) | self._product_ticket(
            self.other_customer
        )
        self._age(old, 31)
        self.assertFalse(self._product_ticket(self.third_customer).problem_id)

    def test_customer_problem_comes_first(self):
        own = self.env["helpdesk.problem"].create(
            {
                "name": "Counter printer",
                "partner_id": self.customer.id,
                "category_id": self.printers.id,
            }
        )
        fleet = self.env["helpdesk.problem"].create(
            {"name": "TP-80 firmware", "product_id": self.printer.id}
        )
        mine = self._product_ticket(self.customer, category_id=self.printers.id)
        theirs = self._product_ticket(self.other_customer, category_id=self.printers.id)
        self.assertEqual(mine.problem_id, own)
        self.assertEqual(theirs.problem_id, fleet)


class TestRecurrenceSettings(RecurrenceCommon):
    def test_threshold_and_window_come_from_the_settings(self):
        settings = self.env["res.config.settings"].create(
            {"helpdesk_recurrence_threshold": 2, "helpdesk_recurrence_days": 7}
        )
        settings.execute()
        self.assertEqual(self.company.helpdesk_recurrence_threshold, 2)
        self.assertEqual(self.company.helpdesk_recurrence_days, 7)
        old = self._printer_ticket()
        self._age(old, 8)
        self.assertFalse(self._printer_ticket().is_recurring)
        self.assertTrue(self._printer_ticket().is_recurring)

    def test_defaults(self):
        company = self.env["res.company"].create({"name": "New company"})
        self.assertEqual(company.helpdesk_recurrence_threshold, 3)
        self.assertEqual(company.helpdesk_recurrence_days, 30)

    def test_bad_settings_are_refused(self):
        for vals in (
            {"helpdesk_recurrence_threshold": 1},
            {"helpdesk_recurrence_threshold": -4},
            {"helpdesk_recurrence_days": 0},
            {"helpdesk_recurrence_days": 100000},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    self.company.write(vals)
        self.assertEqual(self.company.helpdesk_recurrence_threshold, 3)
        self.assertEqual(self.company.helpdesk_recurrence_days, 30)
