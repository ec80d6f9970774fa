# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .helpdesk_sync_api import _to_string
from .helpdesk_ticket import UPDATE_CONTEXT_KEY

# Seconds before a failed update is tried again: doubles each time, up to an hour.
RETRY_FIRST, RETRY_MAX = 60, 3600
CHANNELS = [("email", "E-mail"), ("portal", "Portal"), ("webhook", "Webhook")]


class HelpdeskCustomerUpdate(models.Model):
    """One status update to a customer. The sync daemon claims the updates that
    are due (the update is rendered then, in the customer's language, and leased
    to the daemon), then acknowledges them: e-mail and portal updates are then
    posted through Odoo's mail, webhook ones were posted by the daemon; either
    way the ticket's chatter records them and the next update is scheduled."""

    _name = "helpdesk.customer.update"
    _description = "Customer Status Update"
    _order = "id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Contact", required=True)
    channel = fields.Selection(CHANNELS, required=True)
    lang = fields.Char(string="Language")
    subject = fields.Char()
    body = fields.Html(sanitize_style=True)
    webhook_url = fields.Char(string="Webhook URL")
    due_date = fields.Datetime(string="Due", help="When the update was due.")
    claimed_date = fields.Datetime(
        string="Claimed on", help="When a sync worker took the update."
    )
    next_update = fields.Datetime(
        string="Next update promised", help="The time of the next update it announces."
    )
    state = fields.Selection(
        [
            ("leased", "Sending"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("expired", "Abandoned"),
        ],
        required=True,
        default="leased",
        index=True,
        help="Sending: leased to a sync worker. Abandoned: the worker did not "
        "report back in time and the update was handed out again.",
    )
    attempt = fields.Integer(default=1, help="Which try for this update it is.")
    worker = fields.Char(help="The sync worker that holds or held the update.")
    lease_until = fields.Datetime()
    retry_at = fields.Datetime(
        string="Retry after", help="A failed update is tried again from then on."
    )
    error = fields.Text()
    sent_date = fields.Datetime(string="Sent on")
    message_id = fields.Many2one(
        "mail.message", string="Chatter message", ondelete="set null"
    )

    @api.depends("ticket_id", "due_date")
    def _compute_display_name(self):
        for update in self:
            update.display_name = self.env._(
                "Status update of %(ticket)s", ticket=update.ticket_id.number or ""
            )

    # ------------------------------------------------------------------
    # Claim and acknowledge (called by helpdesk.sync.api)
    # ------------------------------------------------------------------

    @api.model
    def _claim(self, worker, limit, lease_seconds):
        """Lease to ``worker``, for ``lease_seconds``, the status updates of up to
        ``limit`` tickets whose next update is due, rendered in each customer's
        language. A ticket is skipped while an update of it is leased, or failed
        and waits for its retry; rows another claim holds are skipped too.
        (``helpdesk.sync.api`` checks the arguments.)"""
        now = fields.Datetime.now()
        self.env["helpdesk.ticket"].flush_model(["next_customer_update"])
        self.flush_model(["ticket_id", "state", "lease_until", "retry_at"])
        self.env.cr.execute(
            SQL(
                """
                SELECT ticket.id FROM helpdesk_ticket ticket
                 WHERE ticket.next_customer_update <= %(now)s
                   AND NOT EXISTS (
                       SELECT 1 FROM helpdesk_customer_update busy
                        WHERE busy.ticket_id = ticket.id
                          AND ((busy.state = 'leased' AND busy.lease_until > %(now)s)
                            OR (busy.state = 'failed' AND busy.retry_at > %(now)s)))
                 ORDER BY ticket.next_customer_update
                 LIMIT %(limit)s
                   FOR UPDATE OF ticket SKIP LOCKED
                """,
                now=now,
                limit=limit,
            )
        )
        tickets = self.env["helpdesk.ticket"].browse(
            row[0] for row in self.env.cr.fetchall()
        )
        if not tickets:
            return self
        previous = self.search(
            [("ticket_id", "in", tickets.ids), ("state", "in", ("leased", "failed"))],
            order="id desc",
        )
        # The lease ran out: that worker's late report no longer counts.
        previous.filtered(lambda u: u.state == "leased").write({"state": "expired"})
        # Tries of the same due update count up; a new due date starts afresh.
        attempts = {}
        for update in previous:
            if update.due_date == update.ticket_id.next_customer_update:
                attempts.setdefault(update.ticket_id, update.attempt)
        rendered = tickets._render_customer_update()
        lease_until = now + timedelta(seconds=lease_seconds)
        return self.create(
            [
                {
                    **rendered[ticket],
                    "ticket_id": ticket.id,
                    "due_date": ticket.next_customer_update,
                    "next_update": ticket.customer_update_next_planned,
                    "attempt": attempts.get(ticket, 0) + 1,
                    "claimed_date": now,
                    "worker": worker,
                    "lease_until": lease_until,
                }
                for ticket in tickets
            ]
        )

    def _to_rpc(self):
        """The claimed updates in the shape DESIGN.md gives the daemon."""
        return [
            {
                "id": update.id,
                "ticket_id": update.ticket_id.id,
                "ticket_number": update.ticket_id.number,
                "channel": update.channel,
                "lang": update.lang,
                "subject": update.subject,
                "body": str(update.body or ""),
                "webhook_url": update.webhook_url or False,
                "next_update": _to_string(update.next_update),
                "state": update.ticket_id.with_context(
                    lang=update.lang
                ).customer_update_state,
                "handled_by": update.ticket_id.tier_id.with_context(
                    lang=update.lang
                ).customer_label
                or False,
                "status": update.ticket_id.customer_status or False,
                "attempt": update.attempt,
                "lease_until": _to_string(update.lease_until),
            }
            for update in self
        ]

    @api.model
    def _ack(self, results, worker=None):
        """Record what became of claimed updates (``helpdesk.sync.api`` checks
        the shape of ``results``). A sent e-mail or portal update is posted now
        through Odoo's mail; every sent update lands in the chatter and moves the
        ticket's next update. A failed one is tried again later (after 1, 2, 4...
        minutes, at most an hour). Reports on updates no longer leased (to
        ``worker`` when given) are ignored. Returns counts: ``sent``,
        ``failed``, ``ignored``."""
        by_id = {result["id"]: result for result in results}
        updates = self.browse(by_id).exists()
        leased = updates.filtered(
            lambda u: u.state == "leased" and (not worker or u.worker == worker)
        )
        sent = leased.filtered(lambda u: by_id[u.id]["ok"])
        failed = leased - sent
        sent._deliver()
        now = fields.Datetime.now()
        for (error, attempt), group in failed.grouped(
            lambda u: (str(by_id[u.id].get("error") or "")[:2000], u.attempt)
        ).items():
            delay = min(RETRY_FIRST * 2 ** (attempt - 1), RETRY_MAX)
            group.write(
                {
                    "state": "failed",
                    "error": error or self.env._("No reason given."),
                    "retry_at": now + timedelta(seconds=delay),
                }
            )
        return {
            "sent": len(sent),
            "failed": len(failed),
            "ignored": len(by_id) - len(leased),
        }

    def _deliver(self):
        """Post the updates in their tickets' chatter (e-mailed to the contact on
        the e-mail channel, shown on the portal on all) and move the schedule."""
        if not self:
            return
        now = fields.Datetime.now()
        subtype = self.env.ref("helpdesk_tiers.mt_customer_update")
        for update in self:
            ticket = update.ticket_id.with_context(**{UPDATE_CONTEXT_KEY: True})
            update.message_id = ticket.message_post(
                body=update.body,
                subject=update.subject,
                author_id=ticket.company_id.partner_id.id,
                message_type="comment",
                subtype_id=subtype.id,
                partner_ids=update.partner_id.ids if update.channel == "email" else [],
                email_layout_xmlid="mail.mail_notification_light",
            )
        self.write({"state": "sent", "sent_date": now, "lease_until": False})
        # The update promised the next one an interval after its claim: count
        # from there, so that the promise holds.
        for claimed, updates in self.grouped("claimed_date").items():
            updates.ticket_id.write({"last_customer_update": claimed or now})
