# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What customers do from the portal."""

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # ------------------------------------------------------------------
    # Portal: close, reopen, rate. The portal controller calls these on the
    # customer's ticket in sudo, once it checked that the customer may read it;
    # they check the ticket's state and the values.
    # ------------------------------------------------------------------

    def _portal_closing_stages(self):
        self.ensure_one()
        return self.team_id._get_applicable_stages().filtered("close_from_portal")

    def _portal_post(self, partner, body):
        """A public message of ``partner`` (the customer) in the chatter."""
        self.message_post(
            body=plaintext2html(body),
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _portal_close(self, stage, partner):
        self.ensure_one()
        if self.closed:
            raise UserError(self.env._("Ticket %s is already closed.", self.number))
        if stage not in self._portal_closing_stages():
            raise UserError(
                self.env._("A ticket cannot be closed from the portal in this stage.")
            )
        self._portal_post(
            partner,
            self.env._(
                "%(name)s closed the ticket (%(stage)s).",
                name=partner.name,
                stage=stage.name,
            ),
        )
        self.write({"stage_id": stage.id})

    def _portal_reopen(self, partner, reason):
        self.ensure_one()
        if not self.closed:
            raise UserError(self.env._("Ticket %s is not closed.", self.number))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Tell us why you reopen the ticket."))
        stage = self.team_id._get_applicable_stages().filtered(lambda s: not s.closed)[
            :1
        ]
        if not stage:
            raise UserError(self.env._("This ticket cannot be reopened."))
        self._portal_post(
            partner,
            self.env._(
                "%(name)s reopened the ticket: %(reason)s",
                name=partner.name,
                reason=reason,
            ),
        )
        self.write({"stage_id": stage.id, "closed_date": False})

    def _portal_rate(self, partner, rating, comment):
        self.ensure_one()
        if not self.closed:
            raise UserError(self.env._("A ticket is rated once it is closed."))
        if self.satisfaction_ids:
            raise UserError(self.env._("Ticket %s is already rated.", self.number))
        if rating not in range(1, 6):
            raise UserError(self.env._("Choose a rating from 1 to 5."))
        comment = (comment or "").strip()
        self.env["helpdesk.ticket.rating"].create(
            {
                "ticket_id": self.id,
                "rating": rating,
                "comment": comment or False,
                "partner_id": partner.id,
                "tier_id": self.tier_id.id,
                "team_id": self.team_id.id,
                "user_id": self.user_id.id,
                "company_id": self.company_id.id,
            }
        )
        # An internal note: the agents read it; the customer sees the rating on
        # the ticket page.
        self.message_post(
            body=plaintext2html(
                self.env._("Satisfaction: %(rating)s/5", rating=rating)
                + (f"\n{comment}" if comment else "")
            ),
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _subscribe_support_managers(self):
        """The support managers of each ticket's company follow it."""
        companies = self.commercial_partner_id
        if not companies:
            return
        # sudo: contacts of other customers that the creating user may not read.
        managers = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", companies.ids),
                    ("helpdesk_support_manager", "=", True),
                ]
            )
        )
        for company, tickets in self.grouped("commercial_partner_id").items():
            company_managers = managers.filtered(
                lambda p, company=company: p.commercial_partner_id == company
            )
            if company_managers:
                # sudo: the managers follow whoever created the ticket (a gateway,
                # an agent who may not write it).
                tickets.sudo().message_subscribe(partner_ids=company_managers.ids)

    def action_stop_waiting(self):
        self.write({"waiting_on": "none"})
