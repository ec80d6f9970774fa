# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError, ValidationError

from .common import HelpdeskTiersCommon


class TestPriorityRule(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["helpdesk.priority.rule"]
        Rule.search([]).active = False
        cls.standard = cls.env.ref("helpdesk_tiers.service_plan_standard")
        cls.gold = cls.env["helpdesk.service.plan"].create(
            {"name": "Gold", "default_priority_category": "critical"}
        )
        cls.vip = cls.env["res.partner.category"].create({"name": "VIP test"})
        cls.vip_customer = cls.env["res.partner"].create(
            {"name": "VIP Corp", "is_company": True, "category_id": [cls.vip.id]}
        )
        cls.vip_contact = cls.env["res.partner"].create(
            {"name": "Val VIP", "parent_id": cls.vip_customer.id}
        )
        cls.gold_customer = cls.env["res.partner"].create(
            {
                "name": "Gold Corp",
                "is_company": True,
                "helpdesk_service_plan_id": cls.gold.id,
            }
        )
        cls.phone = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")
        cls.rule_down = Rule.create(
            {
                "sequence": 10,
                "name": "Production stopped",
                "keywords": "production stopped, plus rien ne marche",
                "priority_category": "business_failure",
            }
        )
        cls.rule_vip = Rule.create(
            {
                "sequence": 20,
                "name": "VIP",
                "partner_category_ids": [cls.vip.id],
                "priority_category": "critical",
            }
        )
        cls.rule_phone_gold = Rule.create(
            {
                "sequence": 30,
                "name": "Gold calls",
                "domain": f"[('channel_id', '=', {cls.phone.id})]",
                "service_plan_ids": [cls.gold.id],
                "priority_category": "business_failure",
            }
        )
        cls.rule_howto = Rule.create(
            {
                "sequence": 40,
                "name": "How-to",
                "keywords": "how do I",
                "priority_category": "planned",
            }
        )

    def _ticket(self, name="Question", **vals):
        return self._create_ticket(name=name, description="<p>Details</p>", **vals)

    def test_keywords_accent_and_case_insensitive_whole_words(self):
        ticket = self._ticket(customer_wording="Depuis ce matin PLUS RIEN NE MARCHE !")
        self.assertEqual(ticket.priority_rule_id, self.rule_down)
        self.assertEqual(ticket.priority_category, "business_failure")
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.priority_source, "rule")
        self.assertEqual(ticket.priority_matched_keywords, "plus rien ne marche")
        self.assertIn("Production stopped", ticket.priority_explanation)
        self.assertIn("plus rien ne marche", ticket.priority_explanation)
        # "stopped" alone, or inside other words, is not the phrase
        self.assertFalse(self._ticket(name="Reproduction stoppedness").priority_rule_id)

    def test_keywords_in_html_description(self):
        ticket = self._create_ticket(
            name="Call", description="<p>Plus rien ne<br/>marche&nbsp;ici</p>"
        )
        self.assertEqual(ticket.priority_rule_id, self.rule_down)

    def test_first_match_by_sequence_wins(self):
        ticket = self._ticket(
            partner_id=self.vip_contact.id, customer_wording="production stopped"
        )
        self.assertEqual(ticket.priority_rule_id, self.rule_down)
        self.rule_vip.sequence = 1
        ticket = self._ticket(
            partner_id=self.vip_contact.id, customer_wording="production stopped"
        )
        self.assertEqual(ticket.priority_rule_id, self.rule_vip)
        self.assertIn("VIP test", ticket.priority_explanation)

    def test_partner_category_of_the_company_counts_for_its_contacts(self):
        ticket = self._ticket(partner_id=self.vip_contact.id)
        self.assertEqual(ticket.priority_rule_id, self.rule_vip)
        self.assertEqual(ticket.priority_category, "critical")

    def test_domain_and_plan_conditions(self):
        partner = self.env["res.partner"].create(
            {"name": "Gold caller", "parent_id": self.gold_customer.id}
        )
        by_phone = self._ticket(partner_id=partner.id, channel_id=self.phone.id)
        self.assertEqual(by_phone.priority_rule_id, self.rule_phone_gold)
        self.assertIn("ticket filter", by_phone.priority_explanation)
        # Gold but by e-mail: the filter fails, the plan's default applies
        by_mail = self._ticket(
            partner_id=partner.id,
            channel_id=self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email").id,
        )
        self.assertFalse(by_mail.priority_rule_id)
        self.assertEqual(by_mail.priority_source, "plan")
        self.assertEqual(by_mail.priority_category, "critical")
        self.assertIn("Gold", by_mail.priority_explanation)
        # By phone without the Gold plan: the next rule is tried
        howto = self._ticket(name="How do I print?", channel_id=self.phone.id)
        self.assertEqual(howto.priority_rule_id, self.rule_howto)

    def test_domain_rule_falls_through_to_a_later_rule(self):
        partner = self.env["res.partner"].create(
            {"name": "Gold asker", "parent_id": self.gold_customer.id}
        )
        ticket = self._ticket(name="How do I print?", partner_id=partner.id)
        self.assertEqual(ticket.priority_rule_id, self.rule_howto)
        self.assertEqual(ticket.priority_category, "planned")

    def test_no_match_takes_the_plan_default(self):
        ticket = self._ticket()
        self.assertFalse(ticket.priority_rule_id)
        self.assertEqual(ticket.service_plan_id, self.standard)
        self.assertEqual(ticket.priority_category, "regular")
        self.assertIn("Standard", ticket.priority_explanation)

    def test_batch_mixes_outcomes(self):
        gold_contact = self.env["res.partner"].create(
            {"name": "G", "parent_id": self.gold_customer.id}
        )
        tickets = self.env["helpdesk.ticket"].create(
            [
                {"name": "A", "description": "production stopped"},
                {"name": "B", "description": "x", "partner_id": self.vip_contact.id},
                {
                    "name": "C",
                    "description": "x",
                    "partner_id": gold_contact.id,
                    "channel_id": self.phone.id,
                },
                {"name": "How do I", "description": "x", "partner_id": gold_contact.id},
                {"name": "E", "description": "x"},
            ]
        )
        self.assertEqual(
            tickets.mapped(lambda t: t.priority_rule_id.name or False),
            ["Production stopped", "VIP", "Gold calls", "How-to", False],
        )
        self.assertEqual(tickets.mapped("priority"), ["3", "2", "3", "0", "1"])

    def test_rules_cost_does_not_grow_with_the_batch(self):
        gold_contact = self.env["res.partner"].create(
            {"name": "G", "parent_id": self.gold_customer.id}
        )
        Ticket = self.env["helpdesk.ticket"]

        def queries(count):
            vals_list = [
                {
                    "name": f"Ticket {i}",
                    "description": "production stopped" if i % 3 else "x",
                    "partner_id": (gold_contact if i % 2 else self.vip_contact).id,
                    "channel_id": self.phone.id,
                }
                for i in range(count)
            ]
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            pending = Ticket._apply_priority_rules(vals_list)
            applied = self.cr.sql_log_count - start
            self.assertTrue(pending)  # Gold callers wait for the phone filter
            tickets = Ticket.create(
                [
                    {k: v for k, v in vals.items() if k != "priority"}
                    for vals in vals_list
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            tickets._resolve_pending_priority_rules(
                {tickets[i]: candidates for i, candidates in pending.items()}
            )
            self.env.flush_all()
            return applied, self.cr.sql_log_count - start

        small, large = queries(6), queries(60)
        self.assertEqual(small, large)

    def test_routing_to_a_tier(self):
        self.rule_down.tier_id = self.tier_l2
        ticket = self._ticket(customer_wording="production stopped")
        self.assertEqual(ticket.tier_id, self.tier_l2)
        self.assertEqual(ticket.team_id, self.team_l2)
        # An explicit tier at creation wins
        ticket = self._ticket(
            customer_wording="production stopped", tier_id=self.tier_l1.id
        )
        self.assertEqual(ticket.tier_id, self.tier_l1)
        self.assertEqual(ticket.priority_rule_id, self.rule_down)

    def test_routing_by_a_rule_with_a_filter(self):
        self.rule_phone_gold.tier_id = self.tier_l2
        partner = self.env["res.partner"].create(
            {"name": "Gold caller", "parent_id": self.gold_customer.id}
        )
        ticket = self._ticket(partner_id=partner.id, channel_id=self.phone.id)
        self.assertEqual(ticket.tier_id, self.tier_l2)
        self.assertEqual(ticket.team_id, self.team_l2)

    def test_explicit_priority_at_creation_is_kept_as_set_by_hand(self):
        ticket = self._ticket(customer_wording="production stopped", priority="0")
        self.assertEqual(ticket.priority_category, "planned")
        self.assertEqual(ticket.priority_source, "manual")
        self.assertEqual(ticket.priority_override_user_id, self.env.user)
        ticket = self._ticket(
            priority_category="critical", priority_override_reason="Said so"
        )
        self.assertEqual(ticket.priority, "2")
        self.assertIn("Said so", ticket.priority_explanation)

    def test_priority_and_category_stay_in_step(self):
        ticket = self._ticket()
        ticket.priority = "3"
        self.assertEqual(ticket.priority_category, "business_failure")
        ticket.priority_category = "planned"
        self.assertEqual(ticket.priority, "0")
        with self.assertRaises(UserError):
            ticket.write({"priority_category": "urgent"})

    def test_override_records_who_and_why(self):
        ticket = self._ticket(customer_wording="production stopped")
        agent_ticket = ticket.with_user(self.agent_l1)
        with self.assertRaises(UserError):
            agent_ticket.override_priority("regular", "  ")
        with self.assertRaises(UserError):
            agent_ticket.override_priority("urgent", "Because")
        self.assertEqual(ticket.priority_source, "rule")
        agent_ticket.override_priority("regular", "Only the back-office printer")
        self.assertEqual(ticket.priority, "1")
        self.assertEqual(ticket.priority_source, "manual")
        self.assertEqual(ticket.priority_override_user_id, self.agent_l1)
        self.assertTrue(ticket.priority_override_date)
        self.assertIn("Only the back-office printer", ticket.priority_explanation)
        self.assertIn(self.agent_l1.name, ticket.priority_explanation)
        # Stars changed directly (kanban) are an override too, without a reason
        ticket.with_user(self.agent_l1).priority = "2"
        self.assertEqual(ticket.priority_category, "critical")
        self.assertFalse(ticket.priority_override_reason)
        # The rules can be applied again
        ticket.action_apply_priority_rules()
        self.assertEqual(ticket.priority_source, "rule")
        self.assertEqual(ticket.priority_category, "business_failure")
        self.assertFalse(ticket.priority_override_user_id)

    def test_override_wizard(self):
        ticket = self._ticket()
        wizard = (
            self.env["helpdesk.ticket.priority.override"]
            .with_user(self.agent_l1)
            .create(
                {
                    "ticket_ids": [ticket.id],
                    "priority_category": "critical",
                    "reason": "Whole shop down",
                }
            )
        )
        self.assertIn("Standard", wizard.current_explanation)
        wizard.action_confirm()
        self.assertEqual(ticket.priority_category, "critical")
        self.assertEqual(ticket.priority_override_reason, "Whole shop down")

    def test_invalid_domain_cannot_be_saved(self):
        Rule = self.env["helpdesk.priority.rule"]
        for domain in ("[('no_such_field', '=', 1)]", "[(", "42"):
            with self.subTest(domain=domain), self.assertRaises(ValidationError):
                Rule.create(
                    {"name": "Bad", "domain": domain, "priority_category": "regular"}
                )
        with self.assertRaises(ValidationError):
            self.rule_down.domain = "[('name', 'no_op', 1)]"
        self.assertEqual(self.rule_down.domain, "[]")

    def test_team_must_work_at_the_rule_tier(self):
        with self.assertRaises(ValidationError):
            self.rule_down.write(
                {"tier_id": self.tier_l1.id, "team_id": self.team_l2.id}
            )

    def test_preview_lists_open_matching_tickets(self):
        matching = self._ticket(customer_wording="production stopped")
        self._ticket(customer_wording="all fine")
        closed = self._ticket(customer_wording="production stopped")
        closed.stage_id = self.stage_done
        action = self.rule_down.action_preview()
        found = self.env["helpdesk.ticket"].search(action["domain"])
        self.assertEqual(found, matching)

    def test_rules_apply_to_incoming_email(self):
        self.env.ref("helpdesk_tiers.team_l1_hotline").alias_name = "hotline-test"
        domain = self.env.company.alias_domain_id.name or "example.com"
        if not self.env.company.alias_domain_id:
            self.env.company.alias_domain_id = self.env["mail.alias.domain"].create(
                {"name": domain}
            )
        ticket_id = self.env["mail.thread"].message_process(
            "helpdesk.ticket",
            f"From: someone@customer.example.com\n"
            f"To: hotline-test@{domain}\n"
            f"Subject: Urgent\nMessage-ID: <rules-test@customer.example.com>\n"
            f"Content-Type: text/plain\n\nSince this morning plus rien ne marche.\n",
        )
        ticket = self.env["helpdesk.ticket"].browse(ticket_id)
        self.assertEqual(ticket.priority_rule_id, self.rule_down)
        self.assertEqual(
            ticket.channel_id,
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email"),
        )
