# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from odoo.addons.helpdesk_tiers.tests.common import HANDOFF_NOTE, HelpdeskTiersCommon

REQUEST = "Stream the ledger export row by row: it runs out of memory at 50k lines."


class TestDevelopmentTask(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_ticket(name="Ledger export crashes")
        cls.ticket.escalate("L2", HANDOFF_NOTE)
        cls.ticket.escalate("L3", HANDOFF_NOTE)
        cls.project = cls.env.ref("helpdesk_tiers_project.project_development_requests")
        cls.developer = new_test_user(
            cls.env, login="tiers-developer", groups="project.group_project_user"
        )

    def test_request_opens_a_task(self):
        self.ticket.with_user(self.specialist)._request_development(REQUEST)
        task = self.ticket.development_task_id
        self.assertEqual(task.project_id, self.project)
        self.assertIn(self.ticket.number, task.name)
        self.assertIn("Stream the ledger export", task.description)
        self.assertEqual(task.helpdesk_ticket_ids, self.ticket)
        self.assertEqual(self.ticket.development_state, "requested")

    def test_state_follows_the_task(self):
        self.ticket.with_user(self.specialist)._request_development(REQUEST)
        task = self.ticket.development_task_id.with_user(self.developer)
        task.user_ids = self.developer
        self.assertEqual(self.ticket.development_state, "in_progress")
        task.state = "1_done"
        self.assertEqual(self.ticket.development_state, "delivered")
        task.state = "1_canceled"
        self.assertEqual(self.ticket.development_state, "refused")

    def test_company_project_is_used(self):
        project = self.env["project.project"].create({"name": "Product backlog"})
        self.env.company.helpdesk_development_project_id = project
        self.ticket.with_user(self.specialist)._request_development(REQUEST)
        self.assertEqual(self.ticket.development_task_id.project_id, project)

    def test_bad_requests_open_no_task(self):
        tasks = self.env["project.task"].search_count([])
        with self.assertRaises(UserError):
            self.ticket.with_user(self.specialist)._request_development("fix")
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.agent_l2)._request_development(REQUEST)
        self.assertEqual(self.env["project.task"].search_count([]), tasks)
        self.assertFalse(self.ticket.development_task_id)
