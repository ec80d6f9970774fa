# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import random

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, plaintext2html

from .helpdesk_sync_event import SYNC_CONTEXT_KEY
from .helpdesk_sync_worker import HEARTBEAT_TIMEOUT

MAX_RETRY_DELAY = 6 * 3600
REMOTE_EVENT_KINDS = ("comment", "status", "resolved", "closed")
NOT_GIVEN = object()


class HelpdeskVendorBackend(models.Model):
    """A vendor's ticketing system (Request Tracker, another Odoo, a webhook) that
    tickets escalated to an external tier are mirrored into by the sync daemon.
    The daemon finds its settings for it under ``[vendors.<code>]``."""

    _name = "helpdesk.vendor.backend"
    _description = "Vendor System"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        copy=False,
        help="The key of this vendor system in the sync daemon's configuration "
        "([vendors.<code>]).",
    )
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [
            ("rt", "Request Tracker"),
            ("odoo", "Odoo (helpdesk_mgmt)"),
            ("webhook", "Webhook"),
        ],
        required=True,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Vendor",
        tracking=True,
        help="The vendor company; its replies are posted in its name.",
    )
    category_ids = fields.Many2many(
        "helpdesk.ticket.category",
        string="Categories",
        help="Tickets of these categories (or of their subcategories) go to this "
        "vendor when escalated to an external tier without a vendor chosen. A "
        "vendor system without categories takes the tickets no other one claims.",
    )
    company_id = fields.Many2one("res.company", index="btree_not_null")
    active = fields.Boolean(default=True, tracking=True)
    max_attempts = fields.Integer(
        string="Attempts before giving up",
        default=8,
        help="An event that still fails after this many attempts is set aside as "
        "dead until someone retries it.",
    )
    retry_delay = fields.Integer(
        string="First retry after (seconds)",
        default=60,
        help="Failed events are retried after this delay, doubled at each "
        "attempt (up to six hours), or later when the vendor asks for it.",
    )
    webhook_secret = fields.Char(
        copy=False,
        groups="helpdesk_tiers.group_helpdesk_tiers_manager",
        help="Shared secret with which the vendor signs the events it sends to "
        "/helpdesk_tiers/webhook/<code> (HMAC-SHA256 of the body).",
    )
    cursor = fields.Char(
        readonly=True,
        copy=False,
        help="Where the daemon stopped reading the vendor's changes.",
    )
    state = fields.Selection(
        [
            ("new", "Never seen"),
            ("ok", "Connected"),
            ("error", "Error"),
            ("down", "Daemon silent"),
        ],
        compute="_compute_state",
    )
    last_error = fields.Text(readonly=True, copy=False)
    last_seen = fields.Datetime(
        string="Last heartbeat",
        readonly=True,
        copy=False,
        help="When the sync daemon last reported on this vendor system.",
    )
    worker_ids = fields.Many2many(
        "helpdesk.sync.worker",
        "helpdesk_sync_worker_backend_rel",
        "backend_id",
        "worker_id",
        string="Daemons",
        readonly=True,
        copy=False,
        help="The instances of the sync daemon that serve this vendor system, "
        "each with its own heartbeat.",
    )
    last_pull = fields.Datetime(
        string="Last changes read",
        readonly=True,
        copy=False,
    )
    binding_ids = fields.One2many("helpdesk.vendor.binding", "backend_id")
    binding_count = fields.Integer(compute="_compute_counts")
    pending_count = fields.Integer(string="Waiting", compute="_compute_counts")
    failed_count = fields.Integer(string="Retrying", compute="_compute_counts")
    dead_count = fields.Integer(string="Dead", compute="_compute_counts")
    oldest_pending_date = fields.Datetime(
        string="Oldest waiting event", compute="_compute_counts"
    )

    _sql_constraints = [
        ("code_unique", "unique(code)", "Each vendor system needs its own code."),
        (
            "max_attempts_positive",
            "check(max_attempts > 0)",
            "At least one attempt is needed.",
        ),
        (
            "retry_delay_positive",
            "check(retry_delay > 0)",
            "The retry delay must be positive.",
        ),
    ]

    @api.depends("last_seen", "last_error")
    def _compute_state(self):
        silent_since = fields.Datetime.now() - HEARTBEAT_TIMEOUT
        for backend in self:
            if not backend.last_seen:
                backend.state = "new"
            elif backend.last_seen < silent_since:
                backend.state = "down"
            else:
                backend.state = "error" if backend.last_error else "ok"

    def _compute_counts(self):
        events = self.env["helpdesk.sync.event"]
        by_state = {
            (backend, state): (count, oldest)
            for backend, state, count, oldest in events._read_group(
                [
                    ("backend_id", "in", self.ids),
                    ("state", "in", ["pending", "in_progress", "failed", "dead"]),
                ],
                ["backend_id", "state"],
                ["__count", "create_date:min"],
            )
        }
        bindings = dict(
            self.env["helpdesk.vendor.binding"]._read_group(
                [("backend_id", "in", self.ids)], ["backend_id"], ["__count"]
            )
        )
        for backend in self:
            waiting = [by_state.get((backend, s)) for s in ("pending", "in_progress")]
            waiting = [w for w in waiting if w]
            backend.pending_count = sum(count for count, _oldest in waiting)
            backend.oldest_pending_date = min(
                (oldest for _count, oldest in waiting), default=False
            )
            backend.failed_count = by_state.get((backend, "failed"), (0,))[0]
            backend.dead_count = by_state.get((backend, "dead"), (0,))[0]
            backend.binding_count = bindings.get(backend, 0)

    @api.constrains("code")
    def _check_code(self):
        for backend in self:
            code = backend.code
            if not code.strip() or code != code.strip() or not code.isascii():
                raise ValidationError(
                    self.env._(
                        "The code %(code)r must be plain ASCII without spaces around "
                        "it: the sync daemon's configuration names the vendor "
                        "system by it.",
                        code=code,
                    )
                )

    @api.model
    def _resolve(self, backend):
        """Accept a vendor system as a record, an id or a code (what RPC callers
        send); only active ones."""
        if isinstance(backend, models.BaseModel) and backend._name == self._name:
            found = backend.exists().filtered("active")
        elif isinstance(backend, int) and not isinstance(backend, bool):
            found = self.browse(backend).exists().filtered("active")
        elif isinstance(backend, str) and backend.strip():
            found = self.search([("code", "=", backend.strip())], limit=1)
        else:
            found = self.browse()
        if len(found) != 1:
            raise UserError(self.env._("Unknown vendor system: %s.", backend))
        return found

    @api.model
    def _find_for_tickets(self, tickets):
        """{ticket: vendor system} by category: the first vendor system (by
        sequence) that lists the ticket's category or one of its parents, else the
        first one without categories. Tickets that none fits are left out."""
        found = {}
        backends = self.search([])
        for ticket in tickets:
            candidates = backends.filtered(
                lambda b, ticket=ticket: not b.company_id
                or b.company_id == ticket.company_id
            )
            category_ids = {
                int(part)
                for part in (ticket.category_id.parent_path or "").split("/")
                if part
            }
            backend = (
                candidates.filtered(
                    lambda b, ids=category_ids: set(b.category_ids.ids) & ids
                )[:1]
                or candidates.filtered(lambda b: not b.category_ids)[:1]
            )
            if backend:
                found[ticket] = backend
        return found

    def _get_retry_delay(self, attempts, retry_after=0):
        """Seconds before the next attempt after ``attempts`` failed ones:
        exponential backoff with jitter, at least what the vendor asked for."""
        self.ensure_one()
        delay = min(self.retry_delay * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY)
        return max(delay * random.uniform(1, 1.25), retry_after or 0)

    # ------------------------------------------------------------------
    # What the vendor sends back
    # ------------------------------------------------------------------

    def _apply_remote_events(self, events, cursor=None, read_cursor=NOT_GIVEN):
        """Apply the vendor's events (see ``helpdesk.sync.api.apply_remote_events``)
        once each: replies become internal notes, statuses are recorded on the
        binding, a resolution hands the ticket back to the tier that escalated it.
        Returns ``{"applied": n, "duplicates": m, "unknown": k}``.

        With ``read_cursor`` (the cursor the daemon read before fetching these
        events), the new cursor is a compare-and-set: when the stored cursor is
        no longer ``read_cursor`` (another daemon applied the same changes and
        moved on), nothing is applied or stored and the result says
        ``"conflict": True`` with the stored ``cursor``."""
        self.ensure_one()
        events = self._check_remote_events(events)
        if read_cursor is not NOT_GIVEN:
            stored = self._lock_cursor()
            if (stored or False) != (read_cursor or False):
                return {
                    "applied": 0,
                    "duplicates": 0,
                    "unknown": 0,
                    "conflict": True,
                    "cursor": stored or False,
                }
        bindings = self.env["helpdesk.vendor.binding"].search(
            [
                ("backend_id", "=", self.id),
                "|",
                ("external_id", "in", [e["external_id"] for e in events]),
                ("correlation_key", "in", [e["correlation_key"] for e in events]),
            ]
        )
        by_external = {b.external_id: b for b in bindings if b.external_id}
        by_key = {b.correlation_key: b for b in bindings}
        known = {}
        for event in events:
            binding = by_external.get(event["external_id"]) or by_key.get(
                event["correlation_key"]
            )
            if binding:
                known[event["remote_event_id"]] = (event, binding)
        taken = self.env["helpdesk.sync.inbox"]._take(
            self,
            [
                {
                    "remote_event_id": remote_id,
                    "ticket_id": binding.ticket_id.id,
                    "kind": event["kind"],
                }
                for remote_id, (event, binding) in known.items()
            ],
        )
        applying = [known[remote_id] for remote_id in known if remote_id in taken]
        self.with_context(**{SYNC_CONTEXT_KEY: True})._apply_taken_events(applying)
        self.write(
            {"last_pull": fields.Datetime.now()}
            | ({"cursor": str(cursor)} if cursor not in (None, False) else {})
        )
        return {
            "applied": len(applying),
            "duplicates": len(known) - len(applying),
            "unknown": len(events) - len(known),
        }

    def _lock_cursor(self):
        """The stored cursor, read under a row lock held until the transaction
        ends: a concurrent apply waits for it, then (REPEATABLE READ) fails to
        serialize and is retried by Odoo's RPC layer, seeing the new cursor."""
        self.ensure_one()
        self.flush_recordset(["cursor"])
        rows = self.env.execute_query(
            SQL(
                "SELECT cursor FROM helpdesk_vendor_backend WHERE id = %s FOR UPDATE",
                self.id,
            )
        )
        return rows[0][0]

    @api.model
    def _check_remote_events(self, events):
        """The events normalised (ids as strings), or a UserError naming the first
        malformed one; nothing is applied then."""
        if not isinstance(events, list | tuple):
            raise UserError(self.env._("Vendor events must come as a list."))
        normalised = {}
        for index, event in enumerate(events):
            problem = None
            if not isinstance(event, dict):
                problem = self.env._("not an object")
            elif not event.get("remote_event_id"):
                problem = self.env._("no remote_event_id")
            elif event.get("kind") not in REMOTE_EVENT_KINDS:
                problem = self.env._(
                    "kind %(kind)r is not one of %(kinds)s",
                    kind=event.get("kind"),
                    kinds=", ".join(REMOTE_EVENT_KINDS),
                )
            elif not (event.get("external_id") or event.get("correlation_key")):
                problem = self.env._("neither external_id nor correlation_key")
            if problem:
                raise UserError(
                    self.env._(
                        "Vendor event #%(index)s is malformed: %(problem)s.",
                        index=index,
                        problem=problem,
                    )
                )
            remote_id = str(event["remote_event_id"])
            normalised[remote_id] = {
                **event,
                "remote_event_id": remote_id,
                "external_id": str(event.get("external_id") or "") or None,
                "correlation_key": event.get("correlation_key") or None,
                "body": (event.get("body") or "").strip(),
            }
        return list(normalised.values())

    def _apply_taken_events(self, applying):
        """Apply (event, binding) pairs, already recorded in the inbox."""
        now = fields.Datetime.now()
        # A vendor ticket first seen here by its correlation key (its create was
        # not acknowledged yet) learns its vendor id. One write per binding: each
        # has its own id.
        for event, binding in applying:
            if event["external_id"] and not binding.external_id:
                binding.external_id = event["external_id"]
        latest = {}
        for event, binding in applying:
            if event.get("status") or event["kind"] in ("resolved", "closed"):
                latest[binding] = event.get("status") or event["kind"]
        for status, bindings in self._group_by_value(latest).items():
            bindings.write({"external_status": status, "sync_date": now})
        self._post_vendor_replies(
            [(event, binding) for event, binding in applying if event["body"]]
        )
        resolved = self.env["helpdesk.ticket"].browse(
            [
                binding.ticket_id.id
                for event, binding in applying
                if event["kind"] in ("resolved", "closed")
            ]
        )
        resolved._hand_back_from_vendor(self)

    def _group_by_value(self, mapping):
        """{record: value} as {value: records}."""
        groups = {}
        for record, value in mapping.items():
            groups[value] = groups.get(value, record.browse()) | record
        return groups

    def _post_vendor_replies(self, replies):
        """The vendor's messages as internal notes: never shown to the customer."""
        vendor = self.partner_id
        for event, binding in replies:
            title = self.env._(
                "Message from %(vendor)s (%(author)s)",
                vendor=self.display_name,
                author=event.get("author") or self.env._("unknown author"),
            )
            binding.ticket_id.message_post(
                body=Markup("<p><strong>%s</strong></p>%s")
                % (title, plaintext2html(event["body"])),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                author_id=vendor.id or None,
            )

    def action_retry_dead(self):
        """Give every dead event of these vendor systems a fresh set of attempts."""
        dead = self.env["helpdesk.sync.event"].search(
            [("backend_id", "in", self.ids), ("state", "=", "dead")]
        )
        dead.action_retry()
        return True

    def _action_events(self, states):
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_tiers.helpdesk_sync_event_action"
        )
        action["domain"] = [("backend_id", "in", self.ids), ("state", "in", states)]
        action["context"] = {"default_backend_id": self[:1].id}
        return action

    def action_view_pending(self):
        return self._action_events(["pending", "in_progress"])

    def action_view_failed(self):
        return self._action_events(["failed"])

    def action_view_dead(self):
        return self._action_events(["dead"])

    def action_view_bindings(self):
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_tiers.helpdesk_vendor_binding_action"
        )
        action["domain"] = [("backend_id", "in", self.ids)]
        return action
