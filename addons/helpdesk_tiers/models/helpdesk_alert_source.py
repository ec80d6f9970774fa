# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import secrets

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL, plaintext2html

ALERT_STATUSES = ("firing", "resolved")


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class HelpdeskAlertSource(models.Model):
    """A monitoring or IoT system allowed to open tickets through
    ``POST /helpdesk/alert``, authenticated by its own bearer token. Only a hash
    of the token is stored; the token is shown once, when generated."""

    _name = "helpdesk.alert.source"
    _description = "Monitoring Alert Source"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        tracking=True,
        help="The customer whose equipment this source watches; alert tickets "
        "are opened in their name.",
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        tracking=True,
        help="Team of the alert tickets; empty: the front line's.",
    )
    category_id = fields.Many2one("helpdesk.ticket.category", tracking=True)
    token_hash = fields.Char(
        copy=False, readonly=True, index=True, groups="base.group_system"
    )
    token_hint = fields.Char(
        string="Token",
        copy=False,
        readonly=True,
        help="The first characters of the current token, to tell tokens apart.",
    )
    ticket_ids = fields.One2many("helpdesk.ticket", "alert_source_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_ticket_count")
    last_alert_date = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        ("token_hash_unique", "unique(token_hash)", "Each source needs its own token."),
    ]

    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("alert_source_id", "in", self.ids)], ["alert_source_id"], ["__count"]
            )
        )
        for source in self:
            source.ticket_count = counts.get(source, 0)

    def action_generate_token(self):
        """Give the source a new token (the old one stops working) and show it
        once."""
        self.ensure_one()
        self.check_access("write")
        token = secrets.token_urlsafe(32)
        # sudo: token_hash is readable by administrators only; managers may set it.
        self.sudo().token_hash = hash_token(token)
        self.token_hint = f"{token[:6]}…"
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New token for %s", self.display_name),
            "res_model": "helpdesk.alert.token",
            "view_mode": "form",
            "target": "new",
            "context": {"default_source_id": self.id, "helpdesk_alert_token": token},
        }

    def action_view_tickets(self):
        self.ensure_one()
        return self.env["helpdesk.ticket"]._get_tickets_action(
            self.display_name, [("alert_source_id", "=", self.id)]
        )

    @api.model
    def _authenticate(self, token):
        """The active source holding ``token``, or an empty recordset."""
        if not token:
            return self.browse()
        # The caller is not logged in: the token is its credential. Alerts are
        # then handled as the system user (OdooBot), author of their messages.
        source = self.with_user(SUPERUSER_ID).search(
            [("token_hash", "=", hash_token(token))], limit=1
        )
        return source.with_company(source.company_id) if source else source

    def _receive_alert(self, alert):
        """Apply a validated alert (see the controller): open a ticket, add to
        the open ticket of the same fingerprint, or note its resolution.

        :return: (action, ticket) with action in "created", "updated",
            "resolved", "ignored" (a resolution without open ticket)."""
        self.ensure_one()
        Ticket = self.env["helpdesk.ticket"].with_company(self.company_id)
        # Two deliveries of the same alert at once must not open two tickets.
        self.env.cr.execute(
            SQL(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                f"helpdesk.alert:{self.id}:{alert['fingerprint']}",
            )
        )
        ticket = Ticket.search(
            [
                ("alert_source_id", "=", self.id),
                ("alert_fingerprint", "=", alert["fingerprint"]),
                ("closed", "=", False),
            ],
            order="id desc",
            limit=1,
        )
        self.last_alert_date = fields.Datetime.now()
        body = self._alert_note(alert)
        if alert["status"] == "resolved":
            if not ticket:
                return "ignored", ticket
            ticket.message_post(body=body, subtype_xmlid="mail.mt_note")
            return "resolved", ticket
        if ticket:
            ticket.write({"alert_count": ticket.alert_count + 1})
            ticket.message_post(body=body, subtype_xmlid="mail.mt_note")
            return "updated", ticket
        ticket = Ticket.create(self._prepare_ticket_vals(alert))
        return "created", ticket

    def _prepare_ticket_vals(self, alert):
        self.ensure_one()
        description = alert.get("description") or alert["title"]
        vals = {
            "name": alert["title"][:200],
            "description": plaintext2html(description),
            "customer_wording": description,
            "channel_id": self.env.ref(
                "helpdesk_tiers.helpdesk_ticket_channel_monitoring"
            ).id,
            "alert_source_id": self.id,
            "alert_fingerprint": alert["fingerprint"],
            "alert_count": 1,
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
            "category_id": self.category_id.id,
            "serial_number": alert.get("serial_number") or False,
            "user_id": False,
        }
        if self.team_id:
            vals["team_id"] = self.team_id.id
        return vals

    def _alert_note(self, alert):
        if alert["status"] == "resolved":
            title = self.env._("Alert resolved by %s", self.display_name)
        else:
            title = self.env._("Alert received from %s", self.display_name)
        lines = [alert["title"]]
        if alert.get("description"):
            lines.append(alert["description"])
        if alert.get("severity"):
            lines.append(self.env._("Severity: %s", alert["severity"]))
        return Markup("<p><strong>%s</strong></p>%s") % (
            title,
            plaintext2html("\n".join(lines)),
        )
