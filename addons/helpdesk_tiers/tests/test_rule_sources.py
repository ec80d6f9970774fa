# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestRulesFromEverySource(HttpCase):
    """The priority rules apply to tickets created over the external RPC API and
    through helpdesk_mgmt's own portal form, by users who cannot read the rules.
    (E-mail, the intake wizard and alerts are covered by their own tests.)"""

    def setUp(self):
        super().setUp()
        self.env["helpdesk.priority.rule"].search([]).active = False
        self.rule = self.env["helpdesk.priority.rule"].create(
            {
                "name": "Shop closed",
                "keywords": "magasin fermé",
                "priority_category": "business_failure",
            }
        )

    def test_external_rpc(self):
        agent = new_test_user(
            self.env,
            login="tiers-rpc-rules",
            password="tiers-rpc-rules",
            groups="helpdesk_tiers.group_l1_agent",
        )
        ticket_id = self.xmlrpc_object.execute(
            self.env.cr.dbname,
            agent.id,
            "tiers-rpc-rules",
            "helpdesk.ticket",
            "create",
            {"name": "Till", "description": "<p>Magasin fermé, caisse HS</p>"},
        )
        ticket = self.env["helpdesk.ticket"].browse(ticket_id)
        self.assertEqual(ticket.priority_rule_id, self.rule)
        self.assertEqual(ticket.priority_category, "business_failure")

    def test_portal_submission(self):
        rule = self.rule
        customer = new_test_user(
            self.env, login="tiers-portal-rules", groups="base.group_portal"
        )
        self.authenticate(customer.login, customer.login)
        response = self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "category": self.env.ref("helpdesk_mgmt.helpdesk_category_1").id,
                "subject": "Caisse en panne",
                "description": "MAGASIN FERMÉ : la caisse ne démarre plus.",
                # the portal form's two questions must be answered
                "business_stopped": "no",
                "affected_users": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_id", "=", customer.partner_id.id)]
        )
        self.assertEqual(ticket.priority_rule_id, rule)
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(
            ticket.channel_id, self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web")
        )
