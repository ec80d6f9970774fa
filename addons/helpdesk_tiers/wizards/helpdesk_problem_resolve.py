# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskProblemResolve(models.TransientModel):
    """Resolve a problem: write the fix once, post it on every open ticket of the
    problem for its customer and, if wanted, close those tickets."""

    _name = "helpdesk.problem.resolve"
    _description = "Resolve a Problem"

    problem_id = fields.Many2one("helpdesk.problem", required=True, readonly=True)
    open_ticket_ids = fields.Many2many(
        "helpdesk.ticket", compute="_compute_open_ticket_ids", string="Open tickets"
    )
    resolution = fields.Html(
        string="Fix",
        compute="_compute_resolution",
        store=True,
        readonly=False,
        help="Posted on each open ticket for its customer.",
    )
    close_tickets = fields.Boolean(string="Close the tickets", default=True)
    stage_id = fields.Many2one(
        "helpdesk.ticket.stage",
        string="Closing stage",
        domain="[('closed', '=', True)]",
        default=lambda self: self.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        ),
    )

    @api.depends("problem_id")
    def _compute_open_ticket_ids(self):
        for wizard in self:
            wizard.open_ticket_ids = wizard.problem_id.ticket_ids.filtered(
                lambda t: not t.closed
            )

    @api.depends("problem_id")
    def _compute_resolution(self):
        for wizard in self:
            wizard.resolution = wizard.problem_id.workaround

    def action_confirm(self):
        self.ensure_one()
        self.problem_id._resolve(
            self.resolution, self.stage_id if self.close_tickets else False
        )
        return {"type": "ir.actions.act_window_close"}
