# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MailComposeMessage(models.TransientModel):
    """A canned reply picked in the composer of a ticket fills the body in,
    rendered for that ticket in its customer's language."""

    _inherit = "mail.compose.message"

    helpdesk_canned_reply_id = fields.Many2one(
        "helpdesk.canned.reply",
        string="Canned reply",
        domain="[('id', 'in', helpdesk_canned_reply_offered_ids)]",
    )
    helpdesk_canned_reply_offered_ids = fields.Many2many(
        "helpdesk.canned.reply",
        string="Offered canned replies",
        compute="_compute_helpdesk_canned_reply_offered_ids",
    )

    @api.depends("composition_mode", "model", "res_ids")
    def _compute_helpdesk_canned_reply_offered_ids(self):
        replies = self.env["helpdesk.canned.reply"]
        for composer in self:
            ticket = composer._helpdesk_ticket()
            composer.helpdesk_canned_reply_offered_ids = (
                replies.search(replies._offered_domain(ticket)) if ticket else False
            )

    @api.depends("helpdesk_canned_reply_id")
    def _compute_body(self):
        res = super()._compute_body()
        for composer in self.filtered("helpdesk_canned_reply_id"):
            ticket = composer._helpdesk_ticket()
            if ticket:
                composer.body = composer.helpdesk_canned_reply_id._render(ticket)
        return res

    def _helpdesk_ticket(self):
        """The ticket this composer replies on, when it replies on one ticket."""
        self.ensure_one()
        if self.model != "helpdesk.ticket" or self.composition_mode != "comment":
            return self.env["helpdesk.ticket"]
        res_ids = self._evaluate_res_ids()
        if len(res_ids) != 1:
            return self.env["helpdesk.ticket"]
        return self.env["helpdesk.ticket"].browse(res_ids)
