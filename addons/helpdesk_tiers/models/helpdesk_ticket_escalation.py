# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import plaintext2html

ESCALATION_REASONS = [
    ("expertise", "Needs deeper expertise"),
    ("access", "Needs access, tools or equipment"),
    ("vendor", "Needs the vendor"),
    ("sla", "Service level at risk"),
    ("customer", "Asked by the customer"),
    ("handback", "Handed back"),
    ("coaching", "Returned for coaching"),
    ("other", "Other"),
]


class HelpdeskTicketEscalation(models.Model):
    """One move of a ticket between tiers, with its hand-off note. Written only by
    ``helpdesk.ticket.escalate``/``de_escalate``; never edited afterwards."""

    _name = "helpdesk.ticket.escalation"
    _description = "Ticket Escalation"
    _order = "date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    from_tier_id = fields.Many2one(
        "helpdesk.tier", string="From tier", required=True, ondelete="restrict"
    )
    to_tier_id = fields.Many2one(
        "helpdesk.tier",
        string="To tier",
        required=True,
        ondelete="restrict",
        index=True,
    )
    from_team_id = fields.Many2one("helpdesk.ticket.team", string="From team")
    to_team_id = fields.Many2one("helpdesk.ticket.team", string="To team")
    direction = fields.Selection(
        [("up", "Escalation"), ("down", "Return")], required=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="By",
        required=True,
        default=lambda self: self.env.user,
        index=True,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    note = fields.Text(
        string="Hand-off note",
        required=True,
        help="What was tried, what is known, what is expected from the next tier.",
    )
    reason = fields.Selection(ESCALATION_REASONS)

    @api.depends("ticket_id", "from_tier_id", "to_tier_id")
    def _compute_display_name(self):
        for escalation in self:
            escalation.display_name = (
                f"{escalation.ticket_id.number or ''}: "
                f"{escalation.from_tier_id.code or '?'} → "
                f"{escalation.to_tier_id.code or '?'}"
            )

    def _get_note_body(self):
        """The internal note that records this move in the ticket's chatter."""
        self.ensure_one()
        if self.direction == "up":
            title = self.env._(
                "Escalated from %(origin)s to %(target)s",
                origin=self.from_tier_id.display_name,
                target=self.to_tier_id.display_name,
            )
        else:
            title = self.env._(
                "Returned from %(origin)s to %(target)s",
                origin=self.from_tier_id.display_name,
                target=self.to_tier_id.display_name,
            )
        if self.reason:
            reasons = dict(self._fields["reason"]._description_selection(self.env))
            title = f"{title} ({reasons[self.reason]})"
        return Markup("<p><strong>%s</strong></p>%s") % (
            title,
            plaintext2html(self.note),
        )

    def _post_handoff_notes(self):
        """Record each move in its ticket's chatter as an internal note, notifying
        the members of the receiving team."""
        subtypes = {
            "up": self.env.ref("helpdesk_tiers.mt_ticket_escalated"),
            "down": self.env.ref("helpdesk_tiers.mt_ticket_returned"),
        }
        author = self.env.user.partner_id
        for escalation in self:
            escalation.ticket_id.message_post(
                body=escalation._get_note_body(),
                message_type="comment",
                subtype_id=subtypes[escalation.direction].id,
                partner_ids=(escalation.to_team_id.user_ids.partner_id - author).ids,
            )
