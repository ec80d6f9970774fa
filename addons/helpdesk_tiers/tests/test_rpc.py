# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from xmlrpc.client import Fault

from odoo.tests import HttpCase, new_test_user, tagged

from .common import HANDOFF_NOTE


@tagged("post_install", "-at_install")
class TestEscalationRpc(HttpCase):
    """escalate() and de_escalate() are a contract for code outside Odoo: check
    them over XML-RPC as such code calls them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="tiers-rpc",
            password="tiers-rpc-password",
            groups="helpdesk_tiers.group_l2_agent",
        )
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {"name": "Webmail login fails", "description": "Invalid credentials"}
        )

    def _call(self, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.agent.id,
            "tiers-rpc-password",
            "helpdesk.ticket",
            method,
            [self.ticket.ids, *args],
            kwargs,
        )

    def test_escalate_and_return_over_rpc(self):
        escalation_ids = self._call("escalate", "L2", HANDOFF_NOTE, reason="expertise")
        escalation = self.env["helpdesk.ticket.escalation"].browse(escalation_ids)
        self.assertEqual(escalation.ticket_id, self.ticket)
        self.assertEqual(escalation.to_tier_id.code, "L2")
        self.assertEqual(escalation.user_id, self.agent)
        self.assertEqual(self.ticket.tier_id.code, "L2")

        escalation_ids = self._call("de_escalate", HANDOFF_NOTE)
        self.assertEqual(
            self.env["helpdesk.ticket.escalation"]
            .browse(escalation_ids)
            .to_tier_id.code,
            "L1",
        )
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.tier_id.code, "L1")

    def test_bad_input_is_a_clear_fault(self):
        cases = [
            (("L2", ""), "hand-off note is required"),
            (("L2", "too short"), "too short to help the next tier"),
            (("L3", HANDOFF_NOTE), "cannot hand it to L3 Specialists"),
            (("L7", HANDOFF_NOTE), "Unknown support tier: L7"),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaises(Fault) as fault:
                self._call("escalate", *args)
            self.assertIn(message, fault.exception.faultString)
            self.assertEqual(fault.exception.faultCode, 2, "a UserError, not a crash")
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.tier_id.code, "L1")
        self.assertFalse(self.ticket.escalation_ids)


@tagged("post_install", "-at_install")
class TestMergeRpc(HttpCase):
    """merge_into() over XML-RPC: by an agent, with the target's id; never by a
    portal customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="tiers-rpc-merge",
            password="tiers-rpc-merge-password",
            groups="helpdesk_tiers.group_l1_agent",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Rita Rpc", "email": "rita@rpc.example"}
        )
        cls.portal = new_test_user(
            cls.env,
            login="tiers-rpc-portal",
            password="tiers-rpc-portal-password",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )
        tickets = cls.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Webmail login fails ({n})",
                    "description": "Invalid credentials",
                    "partner_id": cls.customer.id,
                }
                for n in (1, 2)
            ]
        )
        cls.target, cls.duplicate = tickets

    def _call(self, login, *args, **kwargs):
        user = self.env["res.users"].search([("login", "=", login)])
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            user.id,
            f"{login}-password",
            "helpdesk.ticket",
            "merge_into",
            [self.duplicate.ids, *args],
            kwargs,
        )

    def test_merge_over_rpc(self):
        with self.assertRaises(Fault) as fault:
            self._call("tiers-rpc-merge", self.duplicate.id)
        self.assertEqual(fault.exception.faultCode, 2)
        self.assertIn("cannot be merged into itself", fault.exception.faultString)

        with self.assertRaises(Fault) as fault:
            self._call("tiers-rpc-portal", self.target.id)
        self.assertIn("Only helpdesk agents merge tickets", fault.exception.faultString)
        self.duplicate.invalidate_recordset()
        self.assertFalse(self.duplicate.merged_into_id)

        self.assertEqual(self._call("tiers-rpc-merge", self.target.id), self.target.ids)
        self.duplicate.invalidate_recordset()
        self.assertEqual(self.duplicate.merged_into_id, self.target)
