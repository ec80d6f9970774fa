# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class HelpdeskTicketMerge(models.TransientModel):
    """Merge duplicate tickets: several selected tickets into the one chosen
    among them, or the ticket at hand into another open ticket."""

    _name = "helpdesk.ticket.merge"
    _description = "Merge Tickets"

    ticket_ids = fields.Many2many("helpdesk.ticket", string="Tickets", required=True)
    is_single = fields.Boolean(compute="_compute_is_single")
    target_id = fields.Many2one(
        "helpdesk.ticket",
        string="Merge into",
        compute="_compute_target_id",
        store=True,
        readonly=False,
        help="The ticket that goes on and keeps everything; the others are closed "
        "as merged into it.",
    )
    is_cross_company = fields.Boolean(compute="_compute_is_cross_company")
    confirm_cross_company = fields.Boolean(
        string="Merge across companies",
        help="The customers of each company will see the others' messages on the "
        "target ticket.",
    )

    @api.depends("ticket_ids")
    def _compute_is_single(self):
        for wizard in self:
            wizard.is_single = len(wizard.ticket_ids) == 1

    @api.depends("ticket_ids")
    def _compute_target_id(self):
        # Among several tickets, the oldest open one goes on by default.
        for wizard in self:
            candidates = wizard.ticket_ids.filtered(lambda t: not t.closed)
            if len(wizard.ticket_ids) < 2:
                candidates = candidates.browse()
            wizard.target_id = candidates.sorted(lambda t: t._origin.id)[:1]

    @api.depends("ticket_ids", "target_id")
    def _compute_is_cross_company(self):
        for wizard in self:
            companies = (wizard.ticket_ids | wizard.target_id).company_id
            wizard.is_cross_company = len(companies) > 1

    def action_merge(self):
        self.ensure_one()
        if not self.target_id:
            raise UserError(self.env._("Choose the ticket to merge into."))
        target = (self.ticket_ids - self.target_id).merge_into(
            self.target_id, confirm_cross_company=self.confirm_cross_company
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": target.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
