# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user

from .common import HANDOFF_NOTE
from .test_recurrence import RecurrenceCommon


class ProblemCommon(RecurrenceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "desk@customer.example.com"
        cls.contact.email = "jeanne@customer.example.com"
        cls.tickets = cls._printer_ticket(partner=cls.contact) | cls._printer_ticket()
        cls.tickets |= cls._printer_ticket(partner=cls.contact)
        cls.problem = cls.tickets.problem_id
        cls.problem.workaround = "<p>Blow the dust off the paper sensor.</p>"

    def _public_messages(self, ticket):
        comment = self.env.ref("mail.mt_comment")
        return ticket.message_ids.filtered(lambda m: m.subtype_id == comment)


class TestProblemStates(ProblemCommon):
    def test_investigate_known_error_resolve(self):
        problem = self.problem.with_user(self.agent_l2)
        problem.action_investigate()
        self.assertEqual(problem.state, "investigating")
        self.assertEqual(problem.user_id, self.agent_l2, "taken by who confirms it")
        problem.action_known_error()
        self.assertEqual(problem.state, "known_error")
        problem._resolve("<p>New paper sensor fitted.</p>")
        self.assertEqual(problem.state, "resolved")
        self.assertTrue(problem.date_resolved)
        problem.action_investigate()
        self.assertEqual(
            (problem.state, problem.date_resolved), ("investigating", False)
        )

    def test_known_error_needs_a_workaround(self):
        self.problem.workaround = "<p><br></p>"
        with self.assertRaisesRegex(UserError, "workaround"):
            self.problem.action_known_error()
        self.assertEqual(self.problem.state, "new")

    def test_steps_from_the_wrong_state_are_refused(self):
        self.problem.action_dismiss()
        for step in ("action_known_error", "action_dismiss"):
            with (
                self.subTest(step=step),
                self.assertRaisesRegex(UserError, "Dismissed"),
            ):
                getattr(self.problem, step)()
        with self.assertRaisesRegex(UserError, "Dismissed"):
            self.problem.action_open_resolve_wizard()
        with self.assertRaisesRegex(UserError, "Dismissed"):
            self.problem._resolve("<p>fix</p>")
        self.assertEqual(self.problem.state, "dismissed")

    def test_numbering_and_counts(self):
        self.assertTrue(self.problem.number.startswith("PRB"))
        self.assertIn(self.problem.number, self.problem.display_name)
        self.tickets[0].stage_id = self.stage_done
        self.assertEqual(self.problem.ticket_count, 3)
        self.assertEqual(self.problem.open_ticket_count, 2)
        self.assertEqual(self.tickets[1].problem_ticket_count, 3)
        self.assertEqual(self.customer.helpdesk_problem_count, 1)
        self.assertEqual(self.contact.helpdesk_problem_count, 1, "counted on contacts")
        self.assertEqual(self.other_customer.helpdesk_problem_count, 0)
        action = self.contact.action_view_helpdesk_problems()
        self.assertEqual(
            self.env["helpdesk.problem"].search(action["domain"]), self.problem
        )
        action = self.problem.action_view_tickets()
        self.assertEqual(
            self.env["helpdesk.ticket"].search(action["domain"]), self.tickets
        )


class TestProblemResolution(ProblemCommon):
    def test_resolve_informs_and_closes_open_tickets(self):
        closed_before = self.tickets[0]
        closed_before.stage_id = self.stage_done
        open_tickets = self.tickets - closed_before
        messages_before = len(self._public_messages(closed_before))
        wizard_form = Form(
            self.env["helpdesk.problem.resolve"].with_context(
                **self.problem.with_user(self.agent_l2).action_open_resolve_wizard()[
                    "context"
                ]
            )
        )
        self.assertIn(
            "paper sensor", wizard_form.resolution, "starts from the workaround"
        )
        self.assertEqual(wizard_form.open_ticket_ids[:], open_tickets)
        wizard_form.resolution = (
            "<p>We replaced the paper sensor with a sealed one.</p>"
        )
        wizard_form.stage_id = self.stage_done
        wizard_form.save().with_user(self.agent_l2).action_confirm()

        self.assertEqual(self.problem.state, "resolved")
        self.assertIn("sealed one", self.problem.resolution)
        self.assertTrue(all(open_tickets.mapped("closed")))
        self.assertEqual(open_tickets.stage_id, self.stage_done)
        for ticket in open_tickets:
            message = self._public_messages(ticket)[:1]
            self.assertIn("has been solved", message.body)
            self.assertIn("sealed one", message.body)
            self.assertEqual(message.partner_ids, ticket.partner_id)
        self.assertEqual(
            len(self._public_messages(closed_before)),
            messages_before,
            "a ticket already closed is left alone",
        )
        self.assertIn(
            "2 open tickets, which were closed", self.problem.message_ids[0].body
        )

    def test_resolve_without_closing(self):
        tickets = self.problem._resolve("<p>Firmware 3.5 fixes it.</p>")
        self.assertEqual(tickets, self.tickets)
        self.assertFalse(any(self.tickets.mapped("closed")))
        self.assertTrue(all(self._public_messages(t) for t in self.tickets))

    def test_bad_resolution_is_refused(self):
        stage_new = self.stage_new
        for resolution, stage, message in (
            ("", self.stage_done, "Describe the fix"),
            ("<p><br></p>", False, "Describe the fix"),
            ("<p>Fixed.</p>", stage_new, "does not close"),
        ):
            with (
                self.subTest(message=message),
                self.assertRaisesRegex(UserError, message),
            ):
                self.problem._resolve(resolution, stage)
        self.assertEqual(self.problem.state, "new")
        self.assertFalse(any(self.tickets.mapped("closed")))

    def test_l2_cannot_close_tickets_above_l2(self):
        self.tickets[0].escalate("L2", HANDOFF_NOTE)
        self.tickets[0].escalate("L3", HANDOFF_NOTE)
        problem = self.problem.with_user(self.agent_l2)
        with self.assertRaisesRegex(UserError, self.tickets[0].number):
            problem._resolve("<p>Fixed.</p>", self.stage_done)
        self.assertEqual(self.problem.state, "new")
        self.assertFalse(any(self.tickets.mapped("closed")))
        problem._resolve("<p>Fixed.</p>")
        self.assertEqual(self.problem.state, "resolved")

    def test_customer_is_told_in_their_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_tiers"], ["fr_FR"], overwrite=True
        )
        self.contact.lang = "fr_FR"
        self.customer.lang = "en_US"
        self.problem._resolve("<p>Capteur remplacé.</p>")
        french, english = self.tickets[0], self.tickets[1]
        self.assertIn("a été résolu", self._public_messages(french)[:1].body)
        self.assertIn("has been solved", self._public_messages(english)[:1].body)


class TestProblemKnowledgeBase(ProblemCommon):
    def test_known_error_publishes_the_workaround_for_l1(self):
        self.problem.root_cause = "<p>Flour dust on the paper sensor.</p>"
        self.problem.with_user(self.specialist).action_known_error()
        article = self.problem.kb_article_id
        self.assertRecordValues(
            article,
            [
                {
                    "state": "published",
                    "visibility": "internal",
                    "tier_id": self.tier_l1.id,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertIn("paper sensor", article.body)
        self.assertIn("Flour dust", article.body)
        self.assertIn("Counter printer blinks red", article.symptoms)
        self.assertIn(self.problem.number, article.keywords)
        self.assertEqual(
            article.with_user(self.agent_l1).name, article.name, "L1 reads it"
        )

    def test_l2_known_error_sends_the_article_to_review(self):
        self.problem.with_user(self.agent_l2).action_known_error()
        self.assertEqual(self.problem.kb_article_id.state, "review")

    def test_linked_article_is_kept(self):
        article = self.env["helpdesk.kb.article"].create(
            {"name": "Clean the paper sensor", "body": "<p>Blow the dust.</p>"}
        )
        self.problem.kb_article_id = article
        self.problem.action_known_error()
        self.assertEqual(self.problem.kb_article_id, article)
        self.assertEqual(article.problem_ids, self.problem)

    def test_l3_writes_a_procedure_from_a_ticket(self):
        ticket = self.tickets[0]
        action = ticket.with_user(self.specialist).action_write_procedure()
        article = self.env["helpdesk.kb.article"].browse(action["res_id"])
        self.assertRecordValues(
            article,
            [
                {
                    "state": "draft",
                    "visibility": "internal",
                    "tier_id": self.tier_l1.id,
                    "source_ticket_id": ticket.id,
                }
            ],
        )
        self.assertIn("paper sensor", article.body, "starts from the workaround")
        article.with_user(self.specialist).action_publish()
        self.assertEqual(article.state, "published")
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent_l2).action_write_procedure()


class TestProblemAccess(ProblemCommon):
    def test_l1_reads_problems_but_does_not_manage_them(self):
        problem = self.problem.with_user(self.agent_l1)
        self.assertEqual(problem.name, self.problem.name)
        with self.assertRaises(AccessError):
            problem.write({"root_cause": "<p>dust</p>"})
        with self.assertRaises(AccessError):
            self.env["helpdesk.problem"].with_user(self.agent_l1).create({"name": "x"})

    def test_l2_manages_problems_manager_deletes(self):
        problem = (
            self.env["helpdesk.problem"]
            .with_user(self.agent_l2)
            .create({"name": "Scanner drops connection"})
        )
        problem.root_cause = "<p>Loose cable.</p>"
        with self.assertRaises(AccessError):
            problem.unlink()
        problem.with_user(self.manager).unlink()
        self.assertFalse(problem.exists())

    def test_portal_users_see_no_problem(self):
        portal = new_test_user(
            self.env, login="problem-portal", groups="base.group_portal"
        )
        with self.assertRaises(AccessError):
            self.env["helpdesk.problem"].with_user(portal).search([])

    def test_other_company_problems_are_hidden(self):
        other = self.env["res.company"].create({"name": "Other helpdesk"})
        hidden = self.env["helpdesk.problem"].create(
            {"name": "Elsewhere", "company_id": other.id}
        )
        visible = self.env["helpdesk.problem"].with_user(self.agent_l2).search([])
        self.assertIn(self.problem, visible)
        self.assertNotIn(hidden, visible)


class TestProblemDemo(RecurrenceCommon):
    """The issue's scenario on the demo data."""

    def test_third_printer_ticket_joined_the_demo_problem(self):
        problem = self.env.ref("helpdesk_tiers.demo_problem_counter_printer")
        third = self.env.ref("helpdesk_tiers.demo_ticket_counter_printer_3")
        self.assertTrue(third.is_recurring)
        self.assertEqual(third.problem_id, problem)
        self.assertEqual(len(problem.ticket_ids), 3)
        another = self._create_ticket(
            partner_id=self.env.ref("helpdesk_tiers.demo_partner_claire").id,
            category_id=self.env.ref("helpdesk_tiers.demo_category_printers").id,
        )
        self.assertTrue(another.is_recurring)
        self.assertEqual(another.problem_id, problem)

    def test_resolving_the_demo_problem_informs_and_closes_its_tickets(self):
        problem = self.env.ref("helpdesk_tiers.demo_problem_counter_printer")
        third = self.env.ref("helpdesk_tiers.demo_ticket_counter_printer_3")
        bruno = self.env.ref("helpdesk_tiers.demo_user_l2_bruno")
        problem.with_user(bruno)._resolve(
            "<p>Fitted a dust cover on the paper sensor.</p>", self.stage_done
        )
        self.assertTrue(third.closed)
        told = third.message_ids.filtered(lambda m: "dust cover" in m.body)
        self.assertEqual(told.partner_ids, third.partner_id)
