# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    development_task_id = fields.Many2one(
        "project.task",
        string="Development task",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    # Follows the task once there is one; set by hand (tracked) before.
    development_state = fields.Selection(
        compute="_compute_development_state", store=True, readonly=False
    )

    @api.depends("development_task_id.state", "development_task_id.user_ids")
    def _compute_development_state(self):
        for ticket in self.filtered("development_task_id"):
            task = ticket.development_task_id
            if task.state == "1_done":
                ticket.development_state = "delivered"
            elif task.state == "1_canceled":
                ticket.development_state = "refused"
            elif task.user_ids:
                ticket.development_state = "in_progress"
            else:
                ticket.development_state = "requested"

    def _request_development(self, summary):
        """Also open a task in the company's development project, linked to the
        ticket, so developers plan it with their other work."""
        res = super()._request_development(summary)
        projects = {}
        for company in self.company_id:
            project = company.helpdesk_development_project_id or self.env.ref(
                "helpdesk_tiers_project.project_development_requests",
                raise_if_not_found=False,
            )
            if not project:
                raise UserError(
                    self.env._(
                        "Choose the development project of %s in the helpdesk "
                        "settings.",
                        company.name,
                    )
                )
            projects[company] = project
        # Specialists need not be project users: the task is opened on their
        # behalf, with the ticket's summary only.
        self.env["project.task"].sudo().create(
            [
                {
                    "name": f"{ticket.number}: {ticket.name}",
                    "project_id": projects[ticket.company_id].id,
                    "company_id": ticket.company_id.id,
                    "description": plaintext2html(ticket.development_summary)
                    + Markup("<p>%s</p>")
                    % self.env._(
                        "Requested by %(user)s for helpdesk ticket %(ticket)s.",
                        user=self.env.user.name,
                        ticket=ticket.number,
                    ),
                    "helpdesk_ticket_ids": [Command.link(ticket.id)],
                    # Unassigned until a developer takes it (the default would
                    # assign the specialist).
                    "user_ids": [Command.clear()],
                }
                for ticket in self
            ]
        )
        return res

    def action_view_development_task(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.task",
            "res_id": self.development_task_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
