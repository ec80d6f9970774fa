# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from collections import defaultdict, namedtuple
from datetime import timedelta

from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import (
    SQL,
    html2plaintext,
    index_exists,
    is_html_empty,
    plaintext2html,
)

from ..tools.text import html_to_words, normalize
from .helpdesk_priority_rule import rule_candidates
from .helpdesk_problem import OPEN_PROBLEM_STATES
from .helpdesk_service_plan import (
    CATEGORY_PRIORITY,
    PRIORITY_CATEGORIES,
    PRIORITY_CATEGORY,
)
from .helpdesk_sla_target import DEFAULT_UPDATE_INTERVALS
from .helpdesk_sync_event import SYNC_CONTEXT_KEY
from .helpdesk_ticket_escalation import ESCALATION_REASONS

# Context key under which escalate() writes tier_id; any other write of it is refused,
# so every move between tiers leaves a hand-off note.
MOVE_CONTEXT_KEY = "helpdesk_tiers_move"
# Context key of the priority rules' own writes: they are not a manual override.
RULES_CONTEXT_KEY = "helpdesk_tiers_priority_rules"
PRIORITY_SOURCES = [
    ("rule", "Priority rule"),
    ("plan", "Service plan default"),
    ("manual", "Set by hand"),
]
# Likewise for the L2 review of a ticket closed at L1: only _mark_reviewed() sets it.
REVIEW_CONTEXT_KEY = "helpdesk_tiers_review"
REVIEW_FIELDS = ("is_reviewed", "reviewer_id", "review_date", "review_remarks")
# (name, key columns, included columns, predicate) of the recurrence check's indexes.
RECURRENCE_INDEXES = [
    (
        "helpdesk_ticket_recurrence_index",
        ("commercial_partner_id", "category_id", "create_date"),
        ("id", "problem_id", "company_id", "active"),
        "commercial_partner_id IS NOT NULL AND category_id IS NOT NULL",
    ),
    (
        "helpdesk_ticket_product_recurrence_index",
        ("product_id", "create_date"),
        ("id", "commercial_partner_id", "problem_id", "company_id", "active"),
        "product_id IS NOT NULL",
    ),
]
DEVELOPMENT_STATES = [
    ("requested", "Requested"),
    ("in_progress", "In development"),
    ("delivered", "Delivered"),
    ("refused", "Refused"),
]
_WORD_RE = re.compile(r"\w{2,}")
_MIN_DISTINCT_WORDS = 3
# Knowledge base suggestions: how many, and how many words of the ticket to search.
KB_SUGGESTION_LIMIT = 5
KB_SUGGESTION_MAX_WORDS = 40
SLA_STATES = [
    ("on_track", "On track"),
    ("at_risk", "At risk"),
    ("breached", "Breached"),
    ("paused", "Paused"),
    ("met", "Met"),
]
WAITING_ON = [("none", "Nobody"), ("customer", "Customer"), ("vendor", "Vendor")]
# Context key of the status updates' own messages: they are not an agent's reply.
UPDATE_CONTEXT_KEY = "helpdesk_tiers_customer_update"
# The clocks of a ticket: the customer's (response, resolution) and the holding
# tier's internal one.
CUSTOMER_CLOCKS = ("response", "resolve")
# How many due tickets one call of the sweep handles (the cron calls it again
# while some are left).
SLA_SWEEP_BATCH = 500


# A clock's two moments: when it gets at risk and when it is breached.
Clock = namedtuple("Clock", "risk deadline")
# Where each clock's moments are stored on the ticket.
CLOCK_FIELDS = {
    "response": Clock("sla_response_risk_date", "sla_response_deadline"),
    "resolve": Clock("sla_resolve_risk_date", "sla_resolve_deadline"),
    "tier": Clock("sla_tier_risk_date", "sla_tier_deadline"),
}


def _clock(working, start, hours, paused, ratio):
    """The clock of a target of ``hours`` working hours from ``start``, moved by
    the ``paused`` working hours; None when the calendar has no time for it."""
    deadline = working.add_hours(start, hours + paused)
    if not deadline:
        return None
    return Clock(working.add_hours(start, hours * ratio + paused), deadline)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    tier_id = fields.Many2one(
        "helpdesk.tier",
        string="Tier",
        default=lambda self: self.env["helpdesk.tier"]._get_default_tier_id(),
        index=True,
        tracking=True,
        ondelete="restrict",
        group_expand="_read_group_tier_ids",
    )
    tier_level = fields.Integer(related="tier_id.level")
    tier_code = fields.Char(related="tier_id.code")
    tier_color = fields.Integer(related="tier_id.color")
    escalation_ids = fields.One2many(
        "helpdesk.ticket.escalation", "ticket_id", string="Escalation history"
    )
    escalation_count = fields.Integer(compute="_compute_escalation_count")
    resolved_tier_id = fields.Many2one(
        "helpdesk.tier",
        string="Resolved at tier",
        compute="_compute_resolved_tier_id",
        store=True,
        index="btree_not_null",
        help="The tier that held the ticket when it was closed.",
    )
    can_escalate = fields.Boolean(compute="_compute_allowed_moves")
    can_return = fields.Boolean(compute="_compute_allowed_moves")
    vendor_backend_id = fields.Many2one(
        "helpdesk.vendor.backend",
        string="Vendor system",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The vendor system the ticket was last escalated to.",
    )
    vendor_binding_ids = fields.One2many(
        "helpdesk.vendor.binding", "ticket_id", string="Vendor tickets"
    )
    # Recurrence and problems
    is_recurring = fields.Boolean(
        string="Recurring",
        readonly=True,
        copy=False,
        tracking=True,
        help="Set when the ticket was created: its customer had several recent "
        "tickets in the same category, or its problem was already open.",
    )
    problem_id = fields.Many2one(
        "helpdesk.problem",
        string="Problem",
        index="btree_not_null",
        tracking=True,
        copy=False,
        ondelete="set null",
        domain="[('company_id', '=', company_id)]",
    )
    problem_state = fields.Selection(related="problem_id.state", string="Problem state")
    problem_ticket_count = fields.Integer(related="problem_id.ticket_count")
    # L2 interventions
    intervention_ids = fields.One2many(
        "helpdesk.intervention", "ticket_id", string="Interventions"
    )
    intervention_count = fields.Integer(compute="_compute_intervention_count")
    can_review = fields.Boolean(compute="_compute_can_review")
    # L2 review of the front line's work
    is_reviewed = fields.Boolean(
        string="Reviewed", readonly=True, copy=False, tracking=True
    )
    reviewer_id = fields.Many2one(
        "res.users", string="Reviewed by", readonly=True, copy=False
    )
    review_date = fields.Datetime(string="Reviewed on", readonly=True, copy=False)
    review_remarks = fields.Text(
        readonly=True,
        copy=False,
        help="The back office's remarks on how the front line handled the ticket.",
    )
    # L3 development requests (a project task when Helpdesk Tiers - Project is
    # installed)
    development_state = fields.Selection(DEVELOPMENT_STATES, tracking=True, copy=False)
    development_summary = fields.Text(
        string="Development request",
        tracking=True,
        copy=False,
        help="What has to be developed or fixed in the product, and why.",
    )

    # Priority: set by the first matching rule (or the plan's default) on create,
    # explained, and overridden by hand with who, when and why.
    priority_category = fields.Selection(
        PRIORITY_CATEGORIES,
        compute="_compute_priority_category",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="Business failure, critical situation, regular service request or "
        "planned event; sets the priority stars.",
    )
    priority_source = fields.Selection(
        PRIORITY_SOURCES, string="Priority set by", readonly=True, copy=False
    )
    priority_rule_id = fields.Many2one(
        "helpdesk.priority.rule",
        string="Priority rule",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    priority_matched_keywords = fields.Char(readonly=True, copy=False)
    priority_explanation = fields.Text(compute="_compute_priority_explanation")
    priority_override_user_id = fields.Many2one(
        "res.users", string="Priority overridden by", readonly=True, copy=False
    )
    priority_override_date = fields.Datetime(
        string="Priority overridden on", readonly=True, copy=False
    )
    priority_override_reason = fields.Text(
        string="Why this priority", tracking=True, copy=False
    )

    # What the customer said, and what the ticket is about.
    customer_wording = fields.Text(
        string="Customer's words",
        help="What the customer said, in their own words. The description holds "
        "the technical translation.",
    )
    product_id = fields.Many2one(
        "product.product", string="Product", index="btree_not_null"
    )
    serial_number = fields.Char(index="btree_not_null")
    license_ref = fields.Char(string="Licence or contract", index="btree_not_null")
    # The portal form's two questions; priority rules read them through their
    # ticket filter (e.g. [("business_stopped", "=", True)]).
    business_stopped = fields.Boolean(
        string="Business stopped",
        help="The customer said their business is stopped by this problem.",
    )
    affected_users = fields.Integer(
        string="People affected",
        help="How many people the customer said are affected.",
    )
    # Portal contacts read their company's tickets by this column (record rule).
    commercial_partner_id = fields.Many2one(index="btree_not_null")
    tier_customer_label = fields.Char(
        related="tier_id.customer_label", string="Handled by (customer's words)"
    )
    satisfaction_ids = fields.One2many(
        "helpdesk.ticket.rating", "ticket_id", string="Satisfaction ratings"
    )
    intake_ref = fields.Char(
        string="Contact reference",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="Shared by the tickets opened during the same call, e-mail or chat.",
    )
    intake_ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        string="Opened in the same contact",
        compute="_compute_intake_ticket_ids",
    )
    alert_source_id = fields.Many2one(
        "helpdesk.alert.source",
        string="Alert source",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    alert_fingerprint = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Alerts with this fingerprint add to this ticket while it is open.",
    )
    alert_count = fields.Integer(string="Alerts", readonly=True, copy=False)
    service_plan_id = fields.Many2one(
        "helpdesk.service.plan",
        compute="_compute_service_plan_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        ondelete="restrict",
        help="The customer's plan when the ticket was opened (their company's, "
        "else the default plan).",
    )
    kb_article_ids = fields.Many2many(
        "helpdesk.kb.article",
        relation="helpdesk_kb_article_helpdesk_ticket_rel",
        column1="ticket_id",
        column2="article_id",
        string="Knowledge base articles",
        copy=False,
        help="Articles applied on this ticket; closing the ticket counts a "
        "resolution for each.",
    )
    kb_suggestions = fields.Json(
        string="Suggested articles",
        compute="_compute_kb_suggestions",
        help="Published articles matching the customer's words, the title and the "
        "description; refreshed as they change.",
    )
    kb_source_article_ids = fields.One2many(
        "helpdesk.kb.article",
        "source_ticket_id",
        string="Articles written from this ticket",
    )

    # Service levels: clocks in the plan's working hours (see _sla_clocks), the
    # state the sweep keeps current, and the customer update schedule.
    sla_start_date = fields.Datetime(
        string="SLA clock started",
        default=fields.Datetime.now,
        readonly=True,
        copy=False,
        help="When the service-level clocks started: the ticket's creation.",
    )
    sla_response_deadline = fields.Datetime(
        string="Respond by",
        compute="_compute_sla",
        store=True,
        copy=False,
        help="The first response promised to the customer, in the working hours of "
        "the service plan, moved by the time spent waiting on the customer.",
    )
    sla_resolve_deadline = fields.Datetime(
        string="Resolve by",
        compute="_compute_sla",
        store=True,
        copy=False,
        help="The resolution promised to the customer, in the working hours of the "
        "service plan, moved by the time spent waiting on the customer.",
    )
    sla_tier_deadline = fields.Datetime(
        string="Tier deadline",
        compute="_compute_sla",
        store=True,
        copy=False,
        help="When the tier holding the ticket should have solved it or handed it "
        "on: that tier's internal target in the service plan.",
    )
    sla_response_risk_date = fields.Datetime(
        string="Response at risk from", compute="_compute_sla", store=True, copy=False
    )
    sla_resolve_risk_date = fields.Datetime(
        string="Resolution at risk from",
        compute="_compute_sla",
        store=True,
        copy=False,
    )
    sla_tier_risk_date = fields.Datetime(
        string="Tier target at risk from",
        compute="_compute_sla",
        store=True,
        copy=False,
    )
    sla_state = fields.Selection(
        SLA_STATES,
        string="SLA",
        compute="_compute_sla",
        store=True,
        index=True,
        copy=False,
    )
    sla_next_check = fields.Datetime(
        string="Next SLA check",
        compute="_compute_sla",
        store=True,
        copy=False,
        index="btree_not_null",
        help="When the service-level sweep must look at the ticket again: the next "
        "at-risk threshold or deadline. Empty when nothing is pending.",
    )
    first_response_date = fields.Datetime(
        string="First response",
        readonly=True,
        copy=False,
        help="The first public reply of an agent to the customer.",
    )
    sla_breach_date = fields.Datetime(
        string="SLA breached on",
        readonly=True,
        copy=False,
        help="When a deadline promised to the customer passed; a breach stays.",
    )
    sla_tier_breached = fields.Boolean(
        string="Tier target exceeded",
        readonly=True,
        copy=False,
        help="The tier holding the ticket went past its internal target.",
    )
    sla_checked_date = fields.Datetime(
        string="Last SLA sweep",
        readonly=True,
        copy=False,
        help="When the sweep last acted on the ticket: at-risk thresholds reached "
        "before then have been dealt with.",
    )
    sla_tier_start_date = fields.Datetime(
        string="At this tier since",
        default=fields.Datetime.now,
        readonly=True,
        copy=False,
    )
    sla_paused_hours = fields.Float(
        string="Paused (working hours)",
        readonly=True,
        copy=False,
        help="Working hours the clocks stood still while waiting on the customer.",
    )
    sla_tier_paused_hours = fields.Float(
        string="Paused at this tier (working hours)", readonly=True, copy=False
    )
    waiting_on = fields.Selection(
        WAITING_ON,
        string="Waiting on",
        required=True,
        default="none",
        tracking=True,
        copy=False,
        help="Waiting on the customer pauses the service-level clocks; waiting on a "
        "vendor does not, and is measured on its own.",
    )
    waiting_since = fields.Datetime(string="Waiting since", readonly=True, copy=False)
    customer_wait_count = fields.Integer(
        string="Times waited on the customer", readonly=True, copy=False
    )
    vendor_wait_hours = fields.Float(
        string="Time at vendor (working hours)",
        readonly=True,
        copy=False,
        help="Working hours spent waiting on a vendor, the current wait excluded.",
    )
    customer_status = fields.Text(
        string="Status for the customer",
        tracking=True,
        copy=False,
        help="A short public status written for the customer; the next status "
        "update sends it.",
    )
    last_customer_update = fields.Datetime(
        string="Last update to the customer",
        readonly=True,
        copy=False,
        help="The last public message to the customer: a reply or a status update.",
    )
    next_customer_update = fields.Datetime(
        string="Next update to the customer",
        compute="_compute_next_customer_update",
        store=True,
        copy=False,
        index="btree_not_null",
        help="When the customer hears from us next at the latest: the last public "
        "message plus the update interval of the plan, in working hours.",
    )
    customer_update_next_planned = fields.Datetime(
        string="Next update after this one",
        compute="_compute_customer_update_next_planned",
        help="When the customer would hear from us next if an update went out now.",
    )
    customer_update_state = fields.Char(
        string="State in the customer's words",
        compute="_compute_customer_update_state",
    )
    customer_update_ids = fields.One2many(
        "helpdesk.customer.update", "ticket_id", string="Status updates"
    )

    # Merging duplicates (see merge_into) and major incidents (one outage, many
    # customers: the affected tickets are linked to the incident's ticket).
    merged_into_id = fields.Many2one(
        "helpdesk.ticket",
        string="Merged into",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        help="This ticket was a duplicate: its messages, attachments, followers, "
        "articles and vendor tickets went to that ticket, which goes on.",
    )
    merged_ticket_ids = fields.One2many(
        "helpdesk.ticket", "merged_into_id", string="Merged tickets"
    )
    merged_ticket_count = fields.Integer(compute="_compute_merged_ticket_count")
    is_major_incident = fields.Boolean(
        string="Major incident",
        copy=False,
        index=True,
        tracking=True,
        help="One outage that affects many customers: their tickets are linked to "
        "this one, and its updates go to all of them.",
    )
    parent_id = fields.Many2one(
        "helpdesk.ticket",
        string="Linked to incident",
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        domain="[('is_major_incident', '=', True), ('closed', '=', False), "
        "('id', '!=', id)]",
        help="The major incident this customer's ticket is one case of.",
    )
    child_ids = fields.One2many(
        "helpdesk.ticket", "parent_id", string="Affected tickets"
    )
    child_count = fields.Integer(
        string="Affected tickets", compute="_compute_child_count"
    )

    def init(self):
        # The recurrence check reads the newest tickets of one customer and
        # category, or of one product, in index order; the included columns answer
        # it from the index alone.
        for name, keys, included, where in RECURRENCE_INDEXES:
            if index_exists(self.env.cr, name):
                continue
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX %s ON %s (%s) INCLUDE (%s) WHERE %s",
                    SQL.identifier(name),
                    SQL.identifier(self._table),
                    SQL(", ").join(SQL.identifier(key) for key in keys),
                    SQL(", ").join(SQL.identifier(column) for column in included),
                    SQL(where),
                )
            )

    @api.model
    def _read_group_tier_ids(self, tiers, domain):
        return tiers.search([])

    def _compute_escalation_count(self):
        counts = dict(
            self.env["helpdesk.ticket.escalation"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.escalation_count = counts.get(ticket, 0)

    def _compute_intervention_count(self):
        counts = dict(
            self.env["helpdesk.intervention"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.intervention_count = counts.get(ticket, 0)

    @api.depends("priority")
    def _compute_priority_category(self):
        for ticket in self:
            ticket.priority_category = PRIORITY_CATEGORY.get(ticket.priority)

    @api.depends(
        "priority_source",
        "priority_rule_id",
        "priority_matched_keywords",
        "service_plan_id",
        "priority_override_user_id",
        "priority_override_reason",
    )
    def _compute_priority_explanation(self):
        for ticket in self:
            # sudo: whoever reads the ticket may read why it has its priority,
            # including the names of the rule, plan and agent behind it.
            ticket.priority_explanation = ticket.sudo()._explain_priority()

    def _explain_priority(self):
        self.ensure_one()
        category = dict(
            self._fields["priority_category"]._description_selection(self.env)
        ).get(self.priority_category)
        if self.priority_source == "manual":
            return self.env._(
                "%(category)s: set by hand by %(user)s. Why: %(reason)s",
                category=category,
                user=self.priority_override_user_id.name or self.env._("an agent"),
                reason=self.priority_override_reason or self.env._("not given"),
            )
        if self.priority_source == "rule" and self.priority_rule_id:
            rule = self.priority_rule_id
            keywords = (
                self.priority_matched_keywords.split(", ")
                if self.priority_matched_keywords
                else ()
            )
            conditions = rule._describe_conditions(keywords)
            if conditions:
                return self.env._(
                    "%(category)s: rule “%(rule)s” matched on %(conditions)s.",
                    category=category,
                    rule=rule.name,
                    conditions=conditions,
                )
            return self.env._(
                "%(category)s: rule “%(rule)s” applies to every ticket.",
                category=category,
                rule=rule.name,
            )
        if self.priority_source == "plan":
            return self.env._(
                "%(category)s: no priority rule matched; default of the service "
                "plan %(plan)s.",
                category=category,
                plan=self.service_plan_id.display_name or self.env._("(none)"),
            )
        return False

    @api.depends("intake_ref")
    def _compute_intake_ticket_ids(self):
        refs = set(self.filtered("intake_ref").mapped("intake_ref"))
        siblings = (
            self.search([("intake_ref", "in", list(refs))]).grouped("intake_ref")
            if refs
            else {}
        )
        for ticket in self:
            ticket.intake_ticket_ids = (
                siblings.get(ticket.intake_ref, self.browse()) - ticket
                if ticket.intake_ref
                else False
            )

    @api.depends("commercial_partner_id", "company_id")
    def _compute_service_plan_id(self):
        defaults = {}
        for ticket in self:
            plan = ticket.commercial_partner_id.helpdesk_service_plan_id
            if not plan:
                company = ticket.company_id or self.env.company
                if company not in defaults:
                    defaults[company] = self.env["helpdesk.service.plan"]._get_default(
                        company
                    )
                plan = defaults[company]
            ticket.service_plan_id = plan

    @api.depends("stage_id.closed", "resolved_tier_id", "is_reviewed")
    def _compute_can_review(self):
        front_line = self.env["helpdesk.tier"]._get_default_tier_id()
        for ticket in self:
            ticket.can_review = (
                ticket.stage_id.closed
                and ticket.resolved_tier_id.id == front_line
                and not ticket.is_reviewed
            )

    @api.depends(
        "service_plan_id",
        "priority_category",
        "company_id",
        "tier_id",
        "active",
        "stage_id.closed",
        "closed_date",
        "waiting_on",
        "first_response_date",
        "sla_start_date",
        "sla_tier_start_date",
        "sla_paused_hours",
        "sla_tier_paused_hours",
        "sla_breach_date",
        "sla_tier_breached",
        "sla_checked_date",
    )
    def _compute_sla(self):
        now = fields.Datetime.now()
        clocks = self._sla_clocks()
        for ticket in self:
            ticket_clocks = clocks.get(ticket, {})
            for name, stored in CLOCK_FIELDS.items():
                clock = ticket_clocks.get(name, Clock(False, False))
                ticket[stored.risk] = clock.risk
                ticket[stored.deadline] = clock.deadline
            ticket.sla_state, ticket.sla_next_check = ticket._sla_evaluate(
                ticket_clocks, now
            )

    @api.depends(
        "last_customer_update",
        "sla_start_date",
        "active",
        "stage_id.closed",
        "priority_category",
        "service_plan_id",
        "partner_id.helpdesk_update_opt_out",
    )
    def _compute_next_customer_update(self):
        self._set_update_dates(
            "next_customer_update",
            {t: t.last_customer_update or t.sla_start_date for t in self},
        )

    @api.depends(
        "active",
        "stage_id.closed",
        "priority_category",
        "service_plan_id",
        "partner_id.helpdesk_update_opt_out",
    )
    def _compute_customer_update_next_planned(self):
        now = fields.Datetime.now()
        self._set_update_dates("customer_update_next_planned", dict.fromkeys(self, now))

    def _set_update_dates(self, field_name, bases):
        """Set ``field_name`` to the update interval of each ticket's plan after
        ``bases[ticket]``, in working hours; empty for tickets that get no updates."""
        intervals = self._customer_update_intervals()
        due = {t: bases[t] for t in intervals if bases.get(t)}
        times = self._sla_working_times(due)
        for ticket in self:
            working = times.get(ticket._sla_calendar()) if ticket in due else None
            ticket[field_name] = (
                working and working.add_hours(due[ticket], intervals[ticket]) or False
            )

    @api.depends_context("lang")
    @api.depends("waiting_on", "tier_id.is_external", "stage_id.closed")
    def _compute_customer_update_state(self):
        for ticket in self:
            if ticket.stage_id.closed:
                state = self.env._("Your request is resolved.")
            elif ticket.waiting_on == "customer":
                state = self.env._("We are waiting for your answer.")
            elif ticket.waiting_on == "vendor" or ticket.tier_id.is_external:
                state = self.env._("We are waiting for the manufacturer's answer.")
            else:
                state = self.env._("We are working on it.")
            ticket.customer_update_state = state

    @api.depends("stage_id.closed", "tier_id", "merged_into_id")
    def _compute_resolved_tier_id(self):
        # A merged duplicate was not resolved: its target goes on.
        for ticket in self:
            ticket.resolved_tier_id = (
                ticket.tier_id
                if ticket.stage_id.closed and not ticket.merged_into_id
                else False
            )

    def _compute_merged_ticket_count(self):
        counts = self._count_tickets_by("merged_into_id")
        for ticket in self:
            ticket.merged_ticket_count = counts.get(ticket, 0)

    def _compute_child_count(self):
        counts = self._count_tickets_by("parent_id")
        for ticket in self:
            ticket.child_count = counts.get(ticket, 0)

    def _count_tickets_by(self, field_name):
        """{ticket: how many tickets point to it through ``field_name``}."""
        return dict(
            self._read_group([(field_name, "in", self.ids)], [field_name], ["__count"])
        )

    @api.constrains("parent_id", "is_major_incident")
    def _check_parent_id(self):
        for ticket in self:
            parent = ticket.parent_id
            if parent and (parent == ticket or ticket.is_major_incident):
                raise ValidationError(
                    self.env._(
                        "Ticket %s is a major incident: it cannot itself be linked "
                        "to an incident.",
                        ticket.number,
                    )
                )
            if parent and not parent.is_major_incident:
                raise ValidationError(
                    self.env._(
                        "Ticket %(parent)s is not a major incident: mark it as one "
                        "before linking ticket %(ticket)s to it.",
                        parent=parent.number,
                        ticket=ticket.number,
                    )
                )
            if not ticket.is_major_incident and ticket.child_ids:
                raise ValidationError(
                    self.env._(
                        "Ticket %s has affected tickets linked to it: unlink them "
                        "before it stops being a major incident.",
                        ticket.number,
                    )
                )

    @api.depends("tier_id", "stage_id.closed")
    def _compute_allowed_moves(self):
        moves = self._get_allowed_moves()
        for ticket in self:
            up, down = moves[ticket]
            open_ticket = not ticket.stage_id.closed
            ticket.can_escalate = open_ticket and bool(up)
            ticket.can_return = open_ticket and bool(down)

    @api.depends("customer_wording", "name", "description", "kb_article_ids")
    @api.depends_context("uid")
    def _compute_kb_suggestions(self):
        articles = self.env["helpdesk.kb.article"]
        if not articles.has_access("read"):
            self.kb_suggestions = []
            return
        for ticket in self:
            results = articles.search_articles(
                ticket._kb_search_text(), limit=KB_SUGGESTION_LIMIT
            )
            linked = set(ticket.kb_article_ids.ids)
            ticket.kb_suggestions = [
                dict(
                    result,
                    snippet=str(result["snippet"]),
                    linked=result["id"] in linked,
                )
                for result in results
            ]

    def _kb_search_text(self):
        """The words the knowledge base is searched with: the customer's, then the
        agent's (a trailing space: no word is being typed)."""
        self.ensure_one()
        parts = (
            self.customer_wording,
            self.name,
            html2plaintext(self.description or ""),
        )
        text = " ".join(part for part in parts if part)
        return " ".join(text.split()[:KB_SUGGESTION_MAX_WORDS]) + " "

    @api.depends("user_id")
    def _compute_team_id(self):
        # helpdesk_mgmt picks the assignee's first team; pick one at the ticket's
        # tier (or a team without tier) so the team never contradicts the tier.
        for ticket in self:
            if ticket.team_id or not ticket.user_id.helpdesk_team_ids:
                continue
            ticket.team_id = ticket.user_id.helpdesk_team_ids.filtered(
                lambda team, ticket=ticket: not team.tier_id
                or team.tier_id == ticket.tier_id
            )[:1]

    @api.constrains("team_id", "tier_id")
    def _check_team_tier(self):
        for ticket in self:
            team_tier = ticket.team_id.tier_id
            if team_tier and team_tier != ticket.tier_id:
                raise ValidationError(
                    self.env._(
                        "Team %(team)s works at %(team_tier)s but ticket %(ticket)s "
                        "is at %(tier)s. Escalate the ticket to move it there.",
                        team=ticket.team_id.display_name,
                        team_tier=team_tier.display_name,
                        ticket=ticket.number,
                        tier=ticket.tier_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # An imported ticket keeps its own start (and so do demo tickets).
            start = vals.get("sla_start_date") or vals.get("create_date")
            if start:
                vals.setdefault("sla_start_date", start)
                vals.setdefault("sla_tier_start_date", start)
        tier_given = [bool(vals.get("tier_id")) for vals in vals_list]
        pending = self._apply_priority_rules(vals_list)
        self._align_tier_and_team(vals_list)
        tickets = super().create(vals_list)
        if pending:
            tickets._resolve_pending_priority_rules(
                {tickets[index]: candidates for index, candidates in pending.items()},
                keep_tier=tickets.browse(
                    [tickets[index].id for index in pending if tier_given[index]]
                ),
            )
        tickets._detect_recurrence()
        tickets._subscribe_support_managers()
        return tickets

    def write(self, vals):
        if {"priority", "priority_category"} & vals.keys():
            vals = self._sync_priority_vals(vals)
            if not self.env.context.get(RULES_CONTEXT_KEY):
                # A priority changed by anyone but the rules is an override:
                # record who and when (and why, when given) on the tickets it changes.
                changed = self.filtered(lambda t: t.priority != vals.get("priority"))
                if changed and changed != self:
                    return changed.write(vals) and (self - changed).write(vals)
                if changed:
                    vals = {**vals, **self._priority_override_vals(vals)}
        self._check_tier_write(vals)
        self._check_review_and_development_write(vals)
        # Vendors follow stage changes; the sync's own writes are not echoed.
        restaged = self.browse()
        if vals.get("stage_id") and not self.env.context.get(SYNC_CONTEXT_KEY):
            restaged = self.filtered(
                lambda t: t.vendor_backend_id and t.stage_id.id != vals["stage_id"]
            )
        per_ticket = self._sla_write_vals(vals)
        if per_ticket:
            for extra, tickets in per_ticket.items():
                super(HelpdeskTicket, tickets).write({**vals, **dict(extra)})
            res = True
        else:
            res = super().write(vals)
        if restaged:
            self.env["helpdesk.sync.event"]._queue_stage_changes(restaged)
        if {"partner_id", "category_id", "product_id"} & vals.keys():
            # A category set after the call counts as much as one set at creation.
            self.filtered(
                lambda t: not t.problem_id and not t.closed
            )._detect_recurrence()
        return res

    def _check_tier_write(self, vals):
        if "tier_id" in vals and not self.env.context.get(MOVE_CONTEXT_KEY):
            changed = self.filtered(lambda t: t.tier_id.id != vals["tier_id"])
            if changed:
                raise UserError(
                    self.env._(
                        "A ticket changes tier only through an escalation or a "
                        "return, with a hand-off note (ticket %s).",
                        changed[0].number,
                    )
                )

    def _check_review_and_development_write(self, vals):
        if (
            any(field in vals for field in REVIEW_FIELDS)
            and not self.env.context.get(REVIEW_CONTEXT_KEY)
            and not self.env.su
        ):
            raise UserError(
                self.env._(
                    "Mark tickets reviewed with the Review button, which records "
                    "who reviewed them and when."
                )
            )
        if (
            {"development_state", "development_summary"} & vals.keys()
            and not self.env.su
            and not self.env.user.has_group("helpdesk_tiers.group_l3_specialist")
        ):
            raise AccessError(
                self.env._("Only specialists (L3) manage development requests.")
            )

    @api.model
    def _sync_priority_vals(self, vals):
        """Keep ``priority`` (stars) and ``priority_category`` in step, whichever
        one is given (the category wins when both are)."""
        vals = dict(vals)
        category = vals.get("priority_category")
        if category:
            if category not in CATEGORY_PRIORITY:
                raise UserError(
                    self.env._(
                        "Unknown priority category %(category)r. Use one of: "
                        "%(allowed)s.",
                        category=category,
                        allowed=", ".join(CATEGORY_PRIORITY),
                    )
                )
            vals["priority"] = CATEGORY_PRIORITY[category]
        elif vals.get("priority") in PRIORITY_CATEGORY:
            vals["priority_category"] = PRIORITY_CATEGORY[vals["priority"]]
        return vals

    @api.model
    def _priority_override_vals(self, vals):
        return {
            "priority_source": "manual",
            "priority_override_user_id": self.env.uid,
            "priority_override_date": fields.Datetime.now(),
            "priority_override_reason": vals.get("priority_override_reason") or False,
        }

    # ------------------------------------------------------------------
    # Priority rules
    # ------------------------------------------------------------------

    @api.model
    def _priority_text(self, name, description, customer_wording):
        """The normalised words the rules' keywords are searched in."""
        return " ".join(
            filter(
                None,
                [
                    normalize(name),
                    normalize(customer_wording),
                    html_to_words(description),
                ],
            )
        )

    def _get_priority_rule_text(self):
        self.ensure_one()
        return self._priority_text(self.name, self.description, self.customer_wording)

    @api.model
    def _priority_rule_vals(self, rule, found, company, routes):
        """Ticket values for a rule that matched (``found``: keywords found)."""
        vals = {
            "priority_category": rule.priority_category,
            "priority": CATEGORY_PRIORITY[rule.priority_category],
            "priority_source": "rule",
            "priority_rule_id": rule.id,
            "priority_matched_keywords": ", ".join(found) or False,
        }
        if rule.tier_id or rule.team_id:
            key = (rule, company)
            if key not in routes:
                team = rule.team_id or rule.tier_id._get_team(company)
                tier = rule.tier_id or team.tier_id
                routes[key] = {
                    name: record.id
                    for name, record in (("tier_id", tier), ("team_id", team))
                    if record
                }
            vals.update(routes[key])
        return vals

    @api.model
    def _priority_default_vals(self, plan):
        category = plan.default_priority_category or "regular"
        return {
            "priority_category": category,
            "priority": CATEGORY_PRIORITY[category],
            "priority_source": "plan",
            "priority_rule_id": False,
            "priority_matched_keywords": False,
        }

    @api.model
    def _get_priority_matchers(self):
        # sudo: the rules are the managers' configuration; they apply to tickets
        # from every source, including portal users and gateways that cannot read them.
        return self.env["helpdesk.priority.rule"].sudo().search([])._get_matchers()

    @api.model
    def _apply_priority_rules(self, vals_list):
        """Set each new ticket's service plan and priority in its values, trying
        every active rule on all of them with a fixed number of queries.

        A ticket whose first candidate rule has a ticket filter (a domain) can
        only be decided once it exists: it gets its plan's default now and is
        returned as ``{index in vals_list: [(matcher, keywords found), ...]}``
        for ``_resolve_pending_priority_rules``.

        The caller's explicit choices win: values with a ``priority`` or
        ``priority_category`` keep it, recorded as set by hand by the current
        user (with ``priority_override_reason`` when given); values with a
        ``tier_id`` are not routed elsewhere by a rule."""
        matchers = self._get_priority_matchers()
        plan_model = self.env["helpdesk.service.plan"]
        partners = self.env["res.partner"].browse(
            {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        )
        categories = {
            partner.id: frozenset(
                (partner.category_id | partner.commercial_partner_id.category_id).ids
            )
            for partner in partners
        }
        default_plans, routes, pending = {}, {}, {}
        for index, vals in enumerate(vals_list):
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.company.id
            )
            partner = partners.browse(vals.get("partner_id"))
            plan = plan_model.browse(vals.get("service_plan_id"))
            if not plan:
                plan = partner.commercial_partner_id.helpdesk_service_plan_id
                if not plan:
                    if company not in default_plans:
                        default_plans[company] = plan_model._get_default(company)
                    plan = default_plans[company]
                vals["service_plan_id"] = plan.id
            if {"priority", "priority_category"} & vals.keys():
                vals.update(self._sync_priority_vals(vals))
                vals.update(self._priority_override_vals(vals))
                continue
            facts = (
                company.id,
                plan.id,
                categories.get(partner.id, frozenset()),
                self._priority_text(
                    vals.get("name"),
                    vals.get("description"),
                    vals.get("customer_wording"),
                ),
            )
            candidates = rule_candidates(matchers, facts)
            if candidates and not candidates[0][0].domain:
                matcher, found = candidates[0]
                rule_vals = self._priority_rule_vals(
                    matcher.rule, found, company, routes
                )
                if vals.get("tier_id"):
                    rule_vals.pop("tier_id", None)
                    rule_vals.pop("team_id", None)
                vals.update(rule_vals)
            else:
                vals.update(self._priority_default_vals(plan))
                if candidates:
                    pending[index] = candidates
        return pending

    def _resolve_pending_priority_rules(self, pending, keep_tier=None):
        """Decide tickets whose candidate rules have ticket filters: one search
        per rule over all the tickets still undecided, in sequence order, then
        one write per distinct outcome. Tickets that no rule matches keep the
        values they have (their plan's default).

        :param pending: {ticket: [(matcher, keywords found), ...]}
        :param keep_tier: tickets that stay at their tier and team (all when
            None); the others go where their rule routes them"""
        undecided = {
            ticket.id: dict(candidates) for ticket, candidates in pending.items()
        }
        matchers = {
            matcher for candidates in undecided.values() for matcher in candidates
        }
        outcomes = {}
        for matcher in sorted(matchers, key=lambda m: (m.rule.sequence, m.rule.id)):
            ticket_ids = [tid for tid, cands in undecided.items() if matcher in cands]
            if ticket_ids and matcher.domain:
                # sudo: the rule's filter is the managers' configuration, applied
                # whatever the creating user may read.
                ticket_ids = (
                    self.sudo()
                    .with_context(active_test=False)
                    .search([("id", "in", ticket_ids), *matcher.domain])
                    .ids
                )
            for ticket_id in ticket_ids:
                outcomes[ticket_id] = (matcher.rule, undecided.pop(ticket_id)[matcher])
        keep = set(self.ids if keep_tier is None else keep_tier.ids)
        groups = {}
        for ticket in self.browse(outcomes):
            rule, found = outcomes[ticket.id]
            key = (rule, found, ticket.company_id, ticket.id in keep)
            groups.setdefault(key, []).append(ticket.id)
        routes = {}
        # The rules' own writes: not an override, not a tier move, not tracked
        # (they complete the creation); sudo as above.
        writer = self.sudo().with_context(
            mail_notrack=True, **{RULES_CONTEXT_KEY: True, MOVE_CONTEXT_KEY: True}
        )
        for (rule, found, company, stay), ticket_ids in groups.items():
            vals = self._priority_rule_vals(rule, found, company, routes)
            if stay:
                vals.pop("tier_id", None)
                vals.pop("team_id", None)
            writer.browse(ticket_ids).write(vals)

    def _priority_facts(self):
        """What the rules look at, for an existing ticket (see ``RuleMatcher``)."""
        self.ensure_one()
        return (
            self.company_id.id,
            self.service_plan_id.id,
            frozenset(
                (
                    self.partner_id.category_id | self.commercial_partner_id.category_id
                ).ids
            ),
            self._get_priority_rule_text(),
        )

    def action_apply_priority_rules(self):
        """Set the priority again from the rules, as if the tickets were new
        (a manual override is replaced); the tickets stay at their tier."""
        self.check_access("write")
        matchers = self._get_priority_matchers()
        writer = self.with_context(mail_notrack=True, **{RULES_CONTEXT_KEY: True})
        for plan, tickets in self.grouped("service_plan_id").items():
            writer.browse(tickets.ids).write(
                {
                    **self._priority_default_vals(plan),
                    "priority_override_user_id": False,
                    "priority_override_date": False,
                    "priority_override_reason": False,
                }
            )
        pending = {}
        for ticket in self:
            candidates = rule_candidates(matchers, ticket._priority_facts())
            if candidates:
                pending[ticket] = candidates
        self._resolve_pending_priority_rules(pending)
        return True

    def override_priority(self, priority_category, reason):
        """Set the priority by hand, saying why (callable over RPC). The ticket
        records who did it and when, and its explanation shows the reason.
        Raises a UserError, writing nothing, without a reason or with an unknown
        category."""
        if not (reason or "").strip():
            raise UserError(
                self.env._("Say why you override the priority the rules set.")
            )
        if priority_category not in CATEGORY_PRIORITY:
            raise UserError(
                self.env._(
                    "Unknown priority category %(category)r. Use one of: "
                    "%(allowed)s.",
                    category=priority_category,
                    allowed=", ".join(CATEGORY_PRIORITY),
                )
            )
        changed = self.filtered(lambda t: t.priority_category != priority_category)
        changed.write(
            {
                "priority_category": priority_category,
                "priority_override_reason": reason.strip(),
            }
        )
        return True

    @api.model
    def message_new(self, msg, custom_values=None):
        """Tickets opened by e-mail come by the e-mail channel."""
        email_channel = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_email", raise_if_not_found=False
        )
        custom_values = dict(custom_values or {})
        if email_channel:
            custom_values.setdefault("channel_id", email_channel.id)
        return super().message_new(msg, custom_values=custom_values)

    @api.model
    def _align_tier_and_team(self, vals_list):
        """Give new tickets a tier and a team that agree: the team's tier when a
        tiered team is given, else the tier's team."""
        teams = {
            team.id: team
            for team in self.env["helpdesk.ticket.team"].browse(
                {vals["team_id"] for vals in vals_list if vals.get("team_id")}
            )
        }
        default_tier_id = self.env["helpdesk.tier"]._get_default_tier_id()
        tiers = {
            tier.id: tier
            for tier in self.env["helpdesk.tier"].browse(
                {vals.get("tier_id") or default_tier_id for vals in vals_list} - {False}
            )
        }
        for vals in vals_list:
            team = teams.get(vals.get("team_id"))
            if team and team.tier_id and not vals.get("tier_id"):
                vals["tier_id"] = team.tier_id.id
                continue
            tier = tiers.get(vals.get("tier_id") or default_tier_id)
            if not tier:
                continue
            vals["tier_id"] = tier.id
            if not team:
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["team_id"] = tier._get_team(company).id

    # ------------------------------------------------------------------
    # Recurrence
    # ------------------------------------------------------------------

    def _detect_recurrence(self):
        """Flag the tickets that recur and link them to their problem, with the
        company's settings N (threshold) and D (window in days):

        - customer rule: the ticket's company (commercial partner) has at least N
          tickets in the ticket's category within D days, the ticket included;
        - product rule: at least N customers reported the ticket's product within
          D days.

        A ticket joins the open problem of its customer and category, else the
        open problem of its product, however old the earlier tickets are; else a
        rule that holds proposes a problem (state ``new``) for L2/L3 to confirm or
        dismiss, which the earlier tickets of the series join too. Tickets of a
        resolved or dismissed problem no longer count."""
        to_link, proposals = self._find_recurrences()
        if proposals:
            problems = self._propose_problems(proposals)
            series = self._recurrence_series(proposals)
            for problem, (key, new_ids) in zip(
                problems, proposals.items(), strict=True
            ):
                to_link[problem.id] = new_ids
                # The earlier tickets of the series join the proposed problem
                # (without the flag: they were not recurring when they came in).
                earlier = series.get(key, self.browse()) - self.browse(new_ids)
                earlier.sudo().write({"problem_id": problem.id})
        for problem_id, ticket_ids in to_link.items():
            # Detection acts for the system, whoever creates the ticket (portal,
            # mail gateway, an L1 agent): only these two fields are written.
            self.browse(ticket_ids).sudo().write(
                {"problem_id": problem_id, "is_recurring": True}
            )

    def _find_recurrences(self):
        """The check itself, one query for the whole batch, without writing:
        ``({problem id: [ticket ids to link and flag]}, {proposal key: [ticket
        ids]})``, a proposal key being ``("partner", customer id, category id,
        company id)`` or ``("product", product id, None, company id)``.

        Each rule reads the newest tickets of its index only until it knows: N
        tickets of the customer and category, or N distinct customers of the
        product (one index probe per customer found), so its cost depends on N,
        not on the size of the ticket table or of the customer's history."""
        to_link = defaultdict(list)
        proposals = defaultdict(list)
        if not self:
            return to_link, proposals
        self.flush_model(
            [
                "commercial_partner_id",
                "category_id",
                "product_id",
                "company_id",
                "problem_id",
                "active",
            ]
        )
        self.env["helpdesk.problem"].flush_model(
            ["state", "partner_id", "category_id", "product_id", "company_id"]
        )
        window = SQL(
            "t.create_date >= new.create_date"
            " - make_interval(days => company.helpdesk_recurrence_days)"
            " AND t.company_id = new.company_id AND t.active"
            " AND (t.problem_id IS NULL OR NOT EXISTS ("
            "     SELECT 1 FROM helpdesk_problem closed"
            "      WHERE closed.id = t.problem_id AND closed.state NOT IN %s))",
            OPEN_PROBLEM_STATES,
        )
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT new.id AS ticket_id,
                   new.commercial_partner_id AS partner_id,
                   new.category_id,
                   new.product_id,
                   new.company_id,
                   company.helpdesk_recurrence_threshold AS threshold,
                   by_customer.ticket_count,
                   customer_problem.id AS customer_problem_id,
                   by_product.customer_count,
                   product_problem.id AS product_problem_id
              FROM helpdesk_ticket new
              JOIN res_company company ON company.id = new.company_id
              LEFT JOIN LATERAL (
                   SELECT count(*) AS ticket_count
                     FROM (
                           SELECT 1
                             FROM helpdesk_ticket t
                            WHERE t.commercial_partner_id = new.commercial_partner_id
                              AND t.category_id = new.category_id
                              AND %(window)s
                            ORDER BY t.create_date DESC
                            LIMIT company.helpdesk_recurrence_threshold
                          ) enough
                  ) by_customer ON new.category_id IS NOT NULL
              LEFT JOIN LATERAL (
                   SELECT p.id
                     FROM helpdesk_problem p
                    WHERE p.partner_id = new.commercial_partner_id
                      AND p.category_id = new.category_id
                      AND p.company_id = new.company_id
                      AND p.state IN %(open)s
                    ORDER BY p.id DESC
                    LIMIT 1
                  ) customer_problem ON new.category_id IS NOT NULL
              LEFT JOIN LATERAL (
                   -- Distinct customers, newest first: each step probes the index
                   -- for the newest ticket of a customer not seen yet.
                   WITH RECURSIVE seen(customers) AS (
                        SELECT ARRAY[]::integer[]
                         UNION ALL
                        SELECT seen.customers || next.commercial_partner_id
                          FROM seen
                         CROSS JOIN LATERAL (
                               SELECT t.commercial_partner_id
                                 FROM helpdesk_ticket t
                                WHERE t.product_id = new.product_id
                                  AND t.commercial_partner_id IS NOT NULL
                                  AND t.commercial_partner_id <> ALL (seen.customers)
                                  AND %(window)s
                                ORDER BY t.create_date DESC
                                LIMIT 1
                               ) next
                         WHERE cardinality(seen.customers)
                               < company.helpdesk_recurrence_threshold
                   )
                   SELECT max(cardinality(customers)) AS customer_count FROM seen
                  ) by_product ON new.product_id IS NOT NULL
              LEFT JOIN LATERAL (
                   SELECT p.id
                     FROM helpdesk_problem p
                    WHERE p.product_id = new.product_id
                      AND p.partner_id IS NULL
                      AND p.company_id = new.company_id
                      AND p.state IN %(open)s
                    ORDER BY p.id DESC
                    LIMIT 1
                  ) product_problem ON new.product_id IS NOT NULL
             WHERE new.id = ANY(%(ids)s)
               AND new.problem_id IS NULL
               AND (new.category_id IS NOT NULL AND new.commercial_partner_id
                    IS NOT NULL OR new.product_id IS NOT NULL)
                """,
                window=window,
                open=OPEN_PROBLEM_STATES,
                ids=self.ids,
            )
        )
        for row in rows:
            threshold = row["threshold"]
            problem_id = row["customer_problem_id"] or row["product_problem_id"]
            if problem_id:
                to_link[problem_id].append(row["ticket_id"])
            elif row["partner_id"] and (row["ticket_count"] or 0) >= threshold:
                key = ("partner", row["partner_id"], row["category_id"])
                proposals[(*key, row["company_id"])].append(row["ticket_id"])
            elif (row["customer_count"] or 0) >= threshold:
                key = ("product", row["product_id"], None)
                proposals[(*key, row["company_id"])].append(row["ticket_id"])
        return to_link, proposals

    @api.model
    def _recurrence_series(self, proposals):
        """{proposal key: the tickets of its window without a problem}, in one
        search: the series a proposed problem starts with."""
        companies = self.env["res.company"].browse({key[3] for key in proposals})
        now = fields.Datetime.now()
        since = {
            company.id: now - timedelta(days=company.helpdesk_recurrence_days)
            for company in companies
        }
        domains = [
            [
                ("commercial_partner_id", "=", record_id)
                if kind == "partner"
                else ("product_id", "=", record_id),
                ("category_id", "=", category_id)
                if kind == "partner"
                else ("product_id", "!=", False),
                ("company_id", "=", company_id),
                ("create_date", ">=", since[company_id]),
                ("problem_id", "=", False),
            ]
            for kind, record_id, category_id, company_id in proposals
        ]
        series = defaultdict(list)
        for ticket in self.sudo().search(expression.OR(domains)):
            company_id = ticket.company_id.id
            for key in (
                (
                    "partner",
                    ticket.commercial_partner_id.id,
                    ticket.category_id.id,
                    company_id,
                ),
                ("product", ticket.product_id.id, None, company_id),
            ):
                if key in proposals:
                    series[key].append(ticket.id)
        return {key: self.browse(ids) for key, ids in series.items()}

    @api.model
    def _propose_problems(self, proposals):
        """Create one proposed problem per key of ``proposals``, in the same order:
        ``("partner", customer id, category id, company id)`` or
        ``("product", product id, None, company id)``."""
        keys = list(proposals)
        customers = self.env["res.partner"].browse(
            {key[1] for key in keys if key[0] == "partner"}
        )
        categories = self.env["helpdesk.ticket.category"].browse(
            {key[2] for key in keys if key[0] == "partner"}
        )
        products = self.env["product.product"].browse(
            {key[1] for key in keys if key[0] == "product"}
        )
        names = {
            **{("partner", p.id): p.display_name for p in customers},
            **{("category", c.id): c.name for c in categories},
            **{("product", p.id): p.display_name for p in products},
        }
        vals_list = []
        for kind, record_id, category_id, company_id in keys:
            if kind == "partner":
                vals_list.append(
                    {
                        "name": self.env._(
                            "Recurring %(category)s tickets from %(customer)s",
                            category=names["category", category_id],
                            customer=names["partner", record_id],
                        ),
                        "partner_id": record_id,
                        "category_id": category_id,
                        "company_id": company_id,
                        "detection": "partner",
                    }
                )
            else:
                vals_list.append(
                    {
                        "name": self.env._(
                            "Same fault on %(product)s at several customers",
                            product=names["product", record_id],
                        ),
                        "product_id": record_id,
                        "company_id": company_id,
                        "detection": "product",
                    }
                )
        # Tickets may come from the portal or the mail gateway, whose users may not
        # create problems: the check proposes them on the system's behalf.
        problems = self.env["helpdesk.problem"].sudo().create(vals_list)
        for problem in problems:
            threshold = problem.company_id.helpdesk_recurrence_threshold
            days = problem.company_id.helpdesk_recurrence_days
            problem.message_post(
                body=self.env._(
                    "Proposed by the recurrence check: %(customer)s opened at least "
                    "%(count)s tickets in %(category)s within %(days)s days. Confirm "
                    "it (Investigate) or dismiss it.",
                    count=threshold,
                    customer=problem.partner_id.display_name,
                    category=problem.category_id.name,
                    days=days,
                )
                if problem.detection == "partner"
                else self.env._(
                    "Proposed by the recurrence check: at least %(count)s customers "
                    "reported %(product)s within %(days)s days. Confirm it "
                    "(Investigate) or dismiss it.",
                    count=threshold,
                    product=problem.product_id.display_name,
                    days=days,
                ),
            )
        return problems

    # ------------------------------------------------------------------
    # Customer messages
    # ------------------------------------------------------------------

    def _post_customer_message(
        self, template, partner=None, subtype_xmlid="mail.mt_comment", **values
    ):
        """Post the QWeb view ``template`` on each ticket as a public message to its
        customer (or to ``partner``), in their language, so that it is e-mailed,
        shown on the portal and kept in the chatter. ``values`` reach the template
        beside ``object`` (the ticket). Returns the messages."""
        messages = self.env["mail.message"]
        for ticket in self:
            recipient = partner or ticket.partner_id
            lang = recipient.lang or ticket.company_id.partner_id.lang
            messages |= ticket.with_context(lang=lang).message_post_with_source(
                template,
                render_values={"recipient": recipient, **values},
                message_type="comment",
                subtype_xmlid=subtype_xmlid,
                partner_ids=recipient.ids,
            )
        return messages

    def _post_problem_resolution(self):
        """Tell each ticket's customer that the problem behind it is fixed."""
        for problem, tickets in self.grouped("problem_id").items():
            tickets._post_customer_message(
                "helpdesk_tiers.message_problem_resolved", problem=problem
            )

    # ------------------------------------------------------------------
    # L2 review of the front line
    # ------------------------------------------------------------------

    def _mark_reviewed(self, remarks=None):
        """Record the back office's review of tickets closed at the front line,
        with optional remarks; the agent who closed each ticket is notified."""
        if not self.env.user.has_group("helpdesk_tiers.group_l2_agent"):
            raise AccessError(
                self.env._("Only the back office (L2) reviews the front line's work.")
            )
        front_line = self.env["helpdesk.tier"]._get_default_tier_id()
        wrong = self.filtered(
            lambda t: not t.closed or t.resolved_tier_id.id != front_line
        )
        if wrong:
            raise UserError(
                self.env._(
                    "Only tickets closed at the front line are reviewed; not: "
                    "%(tickets)s.",
                    tickets=", ".join(wrong.mapped("number")),
                )
            )
        remarks = remarks.strip() if isinstance(remarks, str) else ""
        self.with_context(**{REVIEW_CONTEXT_KEY: True}).write(
            {
                "is_reviewed": True,
                "reviewer_id": self.env.user.id,
                "review_date": fields.Datetime.now(),
                "review_remarks": remarks or False,
            }
        )
        body = (
            self.env._("Reviewed by the back office: %s", remarks)
            if remarks
            else self.env._("Reviewed by the back office: nothing to remark.")
        )
        author = self.env.user.partner_id
        for ticket in self:
            ticket.message_post(
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                partner_ids=(ticket.user_id.partner_id - author).ids,
            )
        return True

    # ------------------------------------------------------------------
    # L3 development requests
    # ------------------------------------------------------------------

    def _request_development(self, summary):
        """Record that the product needs development for these tickets (L3). The
        Helpdesk Tiers - Project addon also opens a task for it."""
        if not self.env.user.has_group("helpdesk_tiers.group_l3_specialist"):
            raise AccessError(self.env._("Only specialists (L3) request development."))
        summary = summary.strip() if isinstance(summary, str) else ""
        if len(summary) < 10:
            raise UserError(
                self.env._(
                    "Describe what has to be developed or fixed, and why (at least "
                    "10 characters)."
                )
            )
        closed = self.filtered("closed")
        if closed:
            raise UserError(
                self.env._(
                    "Ticket %s is closed: reopen it before requesting development.",
                    closed[0].number,
                )
            )
        pending = self.filtered(
            lambda t: t.development_state in ("requested", "in_progress")
        )
        if pending:
            raise UserError(
                self.env._(
                    "Ticket %s already has a development request in progress.",
                    pending[0].number,
                )
            )
        self.write({"development_state": "requested", "development_summary": summary})
        for ticket in self:
            ticket.message_post(
                body=self.env._("Development requested: %s", summary),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ------------------------------------------------------------------
    # Service levels
    # ------------------------------------------------------------------

    def _sla_calendar(self):
        self.ensure_one()
        return self.service_plan_id.calendar_id or self.company_id.resource_calendar_id

    def _sla_working_times(self, moments):
        """{calendar: WorkingTime} for the calendars of the tickets in
        ``moments`` ({ticket: moment}), each from the earliest of their moments:
        one read of each calendar's intervals for all the tickets."""
        origins = {}
        for ticket, moment in moments.items():
            calendar = ticket._sla_calendar()
            if calendar and moment:
                origins[calendar] = min(origins.get(calendar, moment), moment)
        return {
            calendar: calendar._helpdesk_working_time(origin)
            for calendar, origin in origins.items()
        }

    def _sla_targets(self):
        """{(plan id, priority category, tier id or False): target line} for the
        plans of these tickets."""
        # sudo: the plans' targets are the managers' configuration; every clock
        # reads them, whoever touches the ticket (a portal customer replying).
        return {
            (target.plan_id.id, target.priority_category, target.tier_id.id): target
            for target in self.service_plan_id.sudo().target_ids
        }

    def _sla_clocks(self):
        """{ticket: {clock name: Clock}}: "response" and "resolve" count the
        customer's targets from the start of the ticket, "tier" the internal
        target of the tier holding it from its arrival there. Hours are working
        hours of the plan, moved by the time paused; a clock gets at risk at the
        company's share of its target. Tickets without a plan, a priority or a
        target line have no clocks."""
        tickets = self.filtered(lambda t: t.service_plan_id and t.priority_category)
        now = fields.Datetime.now()
        starts = {
            ticket: min(
                ticket.sla_start_date or now,
                ticket.sla_tier_start_date or ticket.sla_start_date or now,
            )
            for ticket in tickets
        }
        times = tickets._sla_working_times(starts)
        targets = tickets._sla_targets()
        result = {}
        for ticket in tickets:
            working = times.get(ticket._sla_calendar())
            if not working:
                continue
            key = (ticket.service_plan_id.id, ticket.priority_category)
            ratio = ticket.company_id.helpdesk_sla_at_risk_percent / 100
            start = ticket.sla_start_date or now
            clocks = {}
            customer = targets.get((*key, False))
            if customer:
                for name, hours in (
                    ("response", customer.response_hours),
                    ("resolve", customer.resolve_hours),
                ):
                    if hours > 0:
                        clocks[name] = _clock(
                            working, start, hours, ticket.sla_paused_hours, ratio
                        )
            tier = ticket.tier_id and targets.get((*key, ticket.tier_id.id))
            if tier and tier.resolve_hours > 0:
                clocks["tier"] = _clock(
                    working,
                    ticket.sla_tier_start_date or start,
                    tier.resolve_hours,
                    ticket.sla_tier_paused_hours,
                    ratio,
                )
            result[ticket] = {name: clock for name, clock in clocks.items() if clock}
        return result

    def _sla_stored_clocks(self):
        """The clocks as last computed (see ``_sla_clocks``), from the ticket."""
        self.ensure_one()
        return {
            name: Clock(self[stored.risk], self[stored.deadline])
            for name, stored in CLOCK_FIELDS.items()
            if self[stored.deadline]
        }

    def _sla_running_clocks(self, clocks):
        """The clocks that still run: the response one until the first response,
        the others until the ticket is closed; none while waiting on the customer
        (paused) or once archived."""
        self.ensure_one()
        if self.stage_id.closed or not self.active or self.waiting_on == "customer":
            return {}
        return {
            name: clock
            for name, clock in clocks.items()
            if name != "response" or not self.first_response_date
        }

    def _sla_dealt_with(self, name):
        """Whether the sweep has already acted on the breach of clock ``name``."""
        return self.sla_tier_breached if name == "tier" else bool(self.sla_breach_date)

    def _sla_due_moments(self, clocks):
        """The moments of the running clocks that the sweep has yet to act on."""
        checked = self.sla_checked_date
        moments = []
        for name, clock in self._sla_running_clocks(clocks).items():
            if self._sla_dealt_with(name):
                continue
            if not checked or clock.risk > checked:
                moments.append(clock.risk)
            moments.append(clock.deadline)
        return moments

    def _sla_evaluate(self, clocks, now):
        """(sla_state, sla_next_check) of the ticket at ``now``."""
        self.ensure_one()
        if not clocks:
            return False, False
        if self.stage_id.closed:
            if not self.closed_date:
                # Created closed (an import): when it was resolved is unknown.
                return False, False
            return ("breached" if self._sla_closed_late(clocks) else "met"), False
        if self.sla_breach_date:
            state = "breached"
        elif self.waiting_on == "customer":
            state = "paused"
        else:
            running = self._sla_running_clocks(clocks)
            if any(
                running[name].deadline <= now
                for name in CUSTOMER_CLOCKS
                if name in running
            ):
                state = "breached"
            elif self.sla_tier_breached or any(
                clock.risk <= now for clock in running.values()
            ):
                state = "at_risk"
            else:
                state = "on_track"
        return state, min(self._sla_due_moments(clocks), default=False)

    def _sla_closed_late(self, clocks):
        # Resolved without a reply: the resolution was the response.
        responded = self.first_response_date or self.closed_date
        return bool(
            self.sla_breach_date
            or ("response" in clocks and responded > clocks["response"].deadline)
            or ("resolve" in clocks and self.closed_date > clocks["resolve"].deadline)
        )

    def _customer_update_intervals(self):
        """{ticket: working hours between two status updates} for the tickets
        whose customer gets updates: open, with a contact who did not opt out,
        and an interval in the plan (its default for the priority otherwise)."""
        targets = self._sla_targets()
        intervals = {}
        for ticket in self:
            if (
                ticket.stage_id.closed
                or not ticket.active
                or not ticket.partner_id
                or ticket.partner_id.helpdesk_update_opt_out
                or not ticket.priority_category
            ):
                continue
            target = targets.get(
                (ticket.service_plan_id.id, ticket.priority_category, False)
            )
            hours = (
                target.update_interval_hours
                if target
                else DEFAULT_UPDATE_INTERVALS[ticket.priority_category]
            )
            if hours > 0:
                intervals[ticket] = hours
        return intervals

    def _sla_write_vals(self, vals):
        """What goes with ``vals`` on each ticket: reaching a new tier restarts
        the tier clock (and starts or ends waiting on a vendor at an external
        tier); a change of whom we wait on, or closing, settles the time waited:
        added to the pause when it was the customer, to the time at vendor when
        it was a vendor. Returns {extra values as items: tickets}, or None when
        ``vals`` touches none of this."""
        waiting = vals.get("waiting_on")
        tier = "tier_id" in vals and self.env["helpdesk.tier"].browse(vals["tier_id"])
        closing = (
            vals.get("stage_id")
            and self.env["helpdesk.ticket.stage"].browse(vals["stage_id"]).closed
        )
        if not (waiting or tier or closing):
            return None
        now = fields.Datetime.now()
        moving = self.filtered(lambda t: tier and t.tier_id != tier)
        targets = {}
        for ticket in self:
            target = waiting or ticket.waiting_on
            if closing and not waiting:
                target = "none"
            elif ticket in moving and not waiting:
                if tier.is_external and ticket.waiting_on == "none":
                    target = "vendor"
                elif not tier.is_external and ticket.waiting_on == "vendor":
                    target = "none"
            targets[ticket] = target
        settling = {
            ticket: ticket.waiting_since
            for ticket in self
            if targets[ticket] != ticket.waiting_on and ticket.waiting_since
        }
        times = self._sla_working_times(settling)
        groups = {}
        for ticket in self:
            extra = {}
            if ticket in moving:
                extra.update(
                    sla_tier_start_date=now,
                    sla_tier_paused_hours=0.0,
                    sla_tier_breached=False,
                )
            target = targets[ticket]
            if target != ticket.waiting_on:
                extra.update(waiting_on=target, waiting_since=target != "none" and now)
                working = times.get(ticket._sla_calendar())
                hours = (
                    working.hours_between(ticket.waiting_since, now)
                    if working and ticket in settling
                    else 0.0
                )
                if ticket.waiting_on == "customer":
                    extra["sla_paused_hours"] = ticket.sla_paused_hours + hours
                    extra["sla_tier_paused_hours"] = (
                        extra.get("sla_tier_paused_hours", ticket.sla_tier_paused_hours)
                        + hours
                    )
                elif ticket.waiting_on == "vendor":
                    extra["vendor_wait_hours"] = ticket.vendor_wait_hours + hours
                if target == "customer":
                    extra["customer_wait_count"] = ticket.customer_wait_count + 1
            groups.setdefault(tuple(sorted(extra.items())), []).append(ticket.id)
        return {extra: self.browse(ids) for extra, ids in groups.items()}

    def _register_public_message(self, message):
        """A public message from an agent answers the customer (the first one is
        the first response) and moves the next status update; one from the
        customer's side ends a wait on the customer."""
        if message.author_id.user_ids.filtered(lambda user: not user.share):
            vals = {"last_customer_update": message.date}
            if not self.first_response_date:
                vals["first_response_date"] = message.date
        elif self.waiting_on == "customer":
            vals = {"waiting_on": "none"}
        else:
            return
        # sudo: bookkeeping of the conversation, whoever writes in it (the
        # customer, an agent of another tier who may only read the ticket).
        self.sudo().write(vals)

    @api.model
    def _cron_sla_sweep(self):
        """Scheduled every 5 minutes: one batch of due tickets per call; the cron
        calls again at once while some are left."""
        done = self._sla_sweep(limit=SLA_SWEEP_BATCH)
        remaining = self.search_count([("sla_next_check", "<=", fields.Datetime.now())])
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _sla_sweep(self, limit=None):
        """Act on the tickets whose next check is due (found through the index on
        ``sla_next_check``, so the cost follows the tickets due, not the tickets
        open): a threshold reached warns the tier's team lead, a deadline passed
        escalates the ticket one tier up or warns the lead. Rows another sweep
        holds are skipped. Returns the number of tickets handled."""
        self.flush_model(["sla_next_check"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM helpdesk_ticket WHERE sla_next_check <= %s "
                "ORDER BY sla_next_check LIMIT %s FOR UPDATE SKIP LOCKED",
                fields.Datetime.now(),
                limit,
            )
        )
        tickets = self.browse(row[0] for row in self.env.cr.fetchall())
        tickets._sla_process()
        return len(tickets)

    def _sla_process(self):
        """Act on what is due on these tickets, once: each breach and each
        threshold is handled by the first sweep that sees it."""
        if not self:
            return
        now = fields.Datetime.now()
        clocks = {ticket: ticket._sla_stored_clocks() for ticket in self}
        at_risk, breaches = {}, {}
        customer_breached, tier_breached = self.browse(), self.browse()
        for ticket in self:
            running = ticket._sla_running_clocks(clocks[ticket])
            late = [
                name
                for name, clock in running.items()
                if clock.deadline <= now and not ticket._sla_dealt_with(name)
            ]
            if set(late) & set(CUSTOMER_CLOCKS):
                customer_breached |= ticket
            if "tier" in late:
                tier_breached |= ticket
            if late:
                # The customer's deadline first: one escalation for all.
                breaches[ticket] = late[0]
                continue
            checked = ticket.sla_checked_date
            risky = [
                name
                for name, clock in running.items()
                if clock.risk <= now
                and (not checked or clock.risk > checked)
                and not ticket._sla_dealt_with(name)
            ]
            if risky:
                at_risk[ticket] = risky[0]
        # The sweep's own bookkeeping, and the states it moves: not tracked.
        quiet = self.with_context(mail_notrack=True)
        quiet.write({"sla_checked_date": now})
        quiet.browse(customer_breached.ids).write({"sla_breach_date": now})
        quiet.browse(tier_breached.ids).write({"sla_tier_breached": True})
        quiet._recompute_recordset()
        self._sla_schedule_activities(at_risk, clocks, breached=False)
        self._sla_handle_breaches(breaches, clocks)

    def _sla_escalation_target(self):
        """The tier one step up that an automatic escalation may hand the ticket
        to: the lowest internal tier this one escalates to (never a vendor: that
        needs a person to choose which one and what to send)."""
        self.ensure_one()
        return self.tier_id.escalation_target_ids.filtered(
            lambda tier: tier.active and not tier.is_external
        ).sorted("level")[:1]

    def _sla_handle_breaches(self, breaches, clocks):
        """Escalate the breached tickets one tier up (when their plan says so and
        there is a tier above), with a system hand-off note; warn the team lead
        of the others."""
        escalations, warnings = {}, {}
        for ticket, name in breaches.items():
            target = (
                ticket.service_plan_id.sla_auto_escalate
                and ticket._sla_escalation_target()
            )
            if target:
                key = (target, name, ticket.tier_id)
                escalations.setdefault(key, []).append(ticket.id)
            else:
                warnings[ticket] = name
        # The system escalates (OdooBot signs the hand-off note), whoever runs
        # the sweep.
        system = self.with_user(SUPERUSER_ID)
        for (target, name, origin), ticket_ids in escalations.items():
            system.browse(ticket_ids).escalate(
                target, self._sla_escalation_note(name, origin), reason="sla"
            ).write({"sla_breach": name})
        self._sla_schedule_activities(warnings, clocks, breached=True)

    def _sla_escalation_note(self, name, origin):
        if name == "response":
            reason = self.env._(
                "The customer got no first response before the deadline of their "
                "service plan."
            )
        elif name == "resolve":
            reason = self.env._(
                "The ticket was not resolved before the deadline of the customer's "
                "service plan."
            )
        else:
            reason = self.env._(
                "%(tier)s held the ticket beyond its internal target.",
                tier=origin.display_name,
            )
        return self.env._(
            "Automatic escalation by the service-level sweep. %(reason)s Read the "
            "conversation and the earlier hand-off notes for what was tried.",
            reason=reason,
        )

    def _sla_schedule_activities(self, tickets, clocks, breached):
        """Give the team lead of each ticket's team (else its agent) an activity,
        due on the day of the deadline at stake: ``tickets`` is {ticket: name of
        the clock at risk or breached}."""
        activity_type = self.env.ref(
            "helpdesk_tiers.mail_activity_type_sla_breached"
            if breached
            else "helpdesk_tiers.mail_activity_type_sla_at_risk"
        )
        summaries = (
            {
                "response": self.env._("SLA breached: first response"),
                "resolve": self.env._("SLA breached: resolution"),
                "tier": self.env._("SLA breached: tier target, no tier to escalate to"),
            }
            if breached
            else {
                "response": self.env._("SLA at risk: first response"),
                "resolve": self.env._("SLA at risk: resolution"),
                "tier": self.env._("SLA at risk: tier target"),
            }
        )
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for ticket, name in tickets.items():
            user = ticket.team_id.user_id or ticket.user_id
            if not user:
                continue
            deadline = fields.Datetime.context_timestamp(
                ticket.with_context(tz=user.tz), clocks[ticket][name].deadline
            )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": ticket.id,
                    "activity_type_id": activity_type.id,
                    "summary": summaries[name],
                    "user_id": user.id,
                    "date_deadline": deadline.date(),
                }
            )
        # One batch, without an e-mail per activity: the lead sees them in the
        # activity menu.
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            vals_list
        )

    def _render_customer_update(self):
        """{ticket: values of its status update}: the contact, the channel (their
        choice; the portal when they have no e-mail address), their language, and
        the subject and body of the template rendered in that language."""
        template = self.env.ref("helpdesk_tiers.mail_template_customer_update")
        rendered = template._generate_template(self.ids, ("subject", "body_html"))
        langs = template._render_lang(self.ids)
        result = {}
        for ticket in self:
            partner = ticket.partner_id
            channel = partner.helpdesk_update_channel or "email"
            if channel == "email" and not partner.email:
                channel = "portal"
            result[ticket] = {
                "partner_id": partner.id,
                "channel": channel,
                "lang": langs.get(ticket.id) or partner.lang or self.env.lang,
                "subject": rendered[ticket.id]["subject"],
                "body": rendered[ticket.id]["body_html"],
                "webhook_url": channel == "webhook"
                and partner.helpdesk_update_webhook_url,
            }
        return result

    def action_wait_on_customer(self):
        self.write({"waiting_on": "customer"})

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

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------

    def _get_return_tiers(self):
        """For each ticket, the tier it came from: the source of the last
        escalation that brought it to its current tier, when that is lower."""
        escalations = self.env["helpdesk.ticket.escalation"].search(
            [("ticket_id", "in", self.ids), ("direction", "=", "up")],
            order="date desc, id desc",
        )
        returns = {}
        for escalation in escalations:
            ticket = escalation.ticket_id
            if ticket not in returns and escalation.to_tier_id == ticket.tier_id:
                returns[ticket] = escalation.from_tier_id
        return returns

    def _get_allowed_moves(self):
        """{ticket: (tiers it may be escalated to, tiers it may be returned to)};
        the first tier to return to is the one the ticket came from."""
        tier_model = self.env["helpdesk.tier"]
        lower = self.tier_id._get_lower_tiers()
        returns = self._get_return_tiers()
        moves = {}
        for ticket in self:
            tier = ticket.tier_id
            down = returns.get(ticket, tier_model) | lower.get(tier, tier_model)
            moves[ticket] = (
                tier.escalation_target_ids.filtered("active"),
                down.filtered(lambda t, tier=tier: t.active and t.level < tier.level),
            )
        return moves

    @api.model
    def _check_handoff_note(self, note, min_length):
        text = " ".join(note.split()) if isinstance(note, str) else ""
        if not text:
            raise UserError(
                self.env._(
                    "A hand-off note is required: say what was tried, what is "
                    "known and what you expect from the next tier."
                )
            )
        words = {word.casefold() for word in _WORD_RE.findall(text)}
        if len(text) < min_length or len(words) < _MIN_DISTINCT_WORDS:
            raise UserError(
                self.env._(
                    "This hand-off note is too short to help the next tier: at "
                    "least %(min)s characters and %(words)s different words. Say "
                    "what was tried, what is known and what you expect.",
                    min=min_length,
                    words=_MIN_DISTINCT_WORDS,
                )
            )
        return note.strip()

    def _check_moves(self, targets, reason):
        reasons = dict(ESCALATION_REASONS)
        if reason and reason not in reasons:
            raise UserError(
                self.env._(
                    "Unknown escalation reason %(reason)r. Use one of: %(allowed)s.",
                    reason=reason,
                    allowed=", ".join(reasons),
                )
            )
        moves = self._get_allowed_moves()
        problems = []
        for ticket, target in targets.items():
            up, down = moves[ticket]
            if ticket.stage_id.closed:
                problems.append(
                    self.env._(
                        "Ticket %s is closed: reopen it before moving it to "
                        "another tier.",
                        ticket.number,
                    )
                )
            elif target == ticket.tier_id:
                problems.append(
                    self.env._(
                        "Ticket %(ticket)s is already at %(tier)s.",
                        ticket=ticket.number,
                        tier=target.display_name,
                    )
                )
            elif target not in up | down:
                allowed = ", ".join((up | down).mapped("display_name"))
                problems.append(
                    self.env._(
                        "Ticket %(ticket)s is at %(tier)s, which cannot hand it to "
                        "%(target)s. Allowed: %(allowed)s.",
                        ticket=ticket.number,
                        tier=ticket.tier_id.display_name,
                        target=target.display_name,
                        allowed=allowed or self.env._("none"),
                    )
                )
        if problems:
            raise UserError("\n".join(problems))

    @api.returns("helpdesk.ticket.escalation")
    def escalate(self, tier, note, reason=None, vendor=None, expectation=None):
        """Hand the tickets to ``tier`` (a tier record, id or code) with a hand-off
        note: up to a tier this one may escalate to, or back down one step.

        At an external tier, the tickets are mirrored into ``vendor`` (a vendor
        system record, id or code) or, without it, into the vendor system of
        their category.

        When the tier tells customers what to expect, each customer is told in
        their language; ``expectation`` (optional) makes it precise:
        ``{"delay": 3, "delay_unit": "weeks", "cost": "quote"}`` (units ``days``,
        ``weeks``, ``months``; cost ``included``, ``quote``, ``billable``).

        Raises a UserError, and writes nothing, on an unknown tier, vendor system
        or reason, an empty or trivial note, a tier not allowed from the current
        one, a closed ticket or a malformed expectation. Returns the escalation
        records (their ids over RPC)."""
        self.check_access("write")
        target = self.env["helpdesk.tier"]._resolve(tier)
        backend = None
        if vendor:
            backend = self.env["helpdesk.vendor.backend"]._resolve(vendor)
            if not target.is_external:
                raise UserError(
                    self.env._(
                        "%(tier)s is not an external tier: only tickets escalated to "
                        "a vendor go to a vendor system.",
                        tier=target.display_name,
                    )
                )
        return self._move_to_tiers(
            dict.fromkeys(self, target),
            note,
            reason,
            vendor=backend,
            expectation=expectation,
        )

    @api.returns("helpdesk.ticket.escalation")
    def de_escalate(self, note, reason="handback"):
        """Return the tickets to the tier they came from (or the next lower one)."""
        self.check_access("write")
        moves = self._get_allowed_moves()
        front_line = self.filtered(lambda t: not moves[t][1])
        if front_line:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s is at %(tier)s: there is no lower tier to "
                    "return it to.",
                    ticket=front_line[0].number,
                    tier=front_line[0].tier_id.display_name,
                )
            )
        targets = {ticket: moves[ticket][1][:1] for ticket in self}
        return self._move_to_tiers(targets, note, reason)

    def _move_to_tiers(self, targets, note, reason, vendor=None, expectation=None):
        if not targets:
            return self.env["helpdesk.ticket.escalation"]
        self._check_moves(targets, reason)
        min_length = max(target.handoff_min_length for target in targets.values())
        note = self._check_handoff_note(note, min_length)
        expectation = self.env["helpdesk.ticket.escalation"]._check_expectation(
            expectation
        )
        vendors = self._get_vendors_for_moves(targets, vendor)

        # The author keeps following the tickets handed away (subscribe while the
        # ticket is still at a tier the author may write).
        self.message_subscribe(partner_ids=self.env.user.partner_id.ids)
        vals_list, groups = [], {}
        for ticket, target in targets.items():
            team = target._get_team(ticket.company_id)
            backend = vendors.get(ticket, ticket.vendor_backend_id)
            vals_list.append(
                {
                    "ticket_id": ticket.id,
                    "from_tier_id": ticket.tier_id.id,
                    "to_tier_id": target.id,
                    "from_team_id": ticket.team_id.id,
                    "to_team_id": team.id,
                    "direction": "up"
                    if target.level > ticket.tier_id.level
                    else "down",
                    "note": note,
                    "reason": reason or False,
                }
            )
            groups.setdefault((target, team, backend), []).append(ticket.id)
        escalations = self.env["helpdesk.ticket.escalation"].create(vals_list)
        moving = self.with_context(**{MOVE_CONTEXT_KEY: True})
        for (target, team, backend), ticket_ids in groups.items():
            moving.browse(ticket_ids).write(
                {
                    "tier_id": target.id,
                    "team_id": team.id,
                    "vendor_backend_id": backend.id,
                }
            )
        escalations._post_handoff_notes()
        escalations._notify_customer_expectation(expectation)
        escalations._schedule_coaching()
        # In the same transaction: the vendor gets the ticket if and only if the
        # escalation is committed.
        self.env["helpdesk.sync.event"]._queue_escalations(escalations, vendors)
        return escalations

    def _get_vendors_for_moves(self, targets, vendor=None):
        """{ticket: vendor system} for the tickets moving to an external tier:
        ``vendor`` when given, else the vendor system of their category."""
        external = self.browse(
            [ticket.id for ticket, target in targets.items() if target.is_external]
        )
        if not vendor:
            return self.env["helpdesk.vendor.backend"]._find_for_tickets(external)
        other_company = external.filtered(
            lambda t: vendor.company_id and t.company_id != vendor.company_id
        )
        if other_company:
            raise UserError(
                self.env._(
                    "Vendor system %(vendor)s serves %(company)s, not ticket "
                    "%(ticket)s.",
                    vendor=vendor.display_name,
                    company=vendor.company_id.display_name,
                    ticket=other_company[0].number,
                )
            )
        return dict.fromkeys(external, vendor)

    def _get_current_vendor_binding(self):
        """The binding of each ticket to the vendor system it was last escalated
        to (empty for tickets never sent to one)."""
        # sudo: customers and agents cause vendor events without reading bindings.
        bindings = (
            self.env["helpdesk.vendor.binding"]
            .sudo()
            .search([("ticket_id", "in", self.filtered("vendor_backend_id").ids)])
        )
        return bindings.filtered(
            lambda b: b.backend_id == b.ticket_id.sudo().vendor_backend_id
        )

    def _get_vendor_product_data(self):
        """What the vendor learns of the product concerned."""
        self.ensure_one()
        return {
            "name": self.product_id.display_name or False,
            "code": self.product_id.default_code or False,
            "serial_number": self.serial_number or False,
            "license": self.license_ref or False,
            "category": self.category_id.complete_name or False,
        }

    def _get_vendor_payloads(self):
        """{ticket: the ticket in the neutral shape that the sync daemon maps to
        each vendor's fields}."""
        payloads = {}
        for ticket in self:
            partner = ticket.partner_id
            payloads[ticket] = {
                "reference": ticket.number,
                "subject": ticket.name,
                "description": html2plaintext(ticket.description or "").strip(),
                "priority": ticket.priority,
                "priority_category": ticket.priority_category or False,
                "customer": {
                    "name": partner.commercial_partner_id.name
                    or ticket.partner_name
                    or False,
                    "contact": partner.name or ticket.partner_name or False,
                    "email": partner.email or ticket.partner_email or False,
                    "phone": partner.phone or False,
                    "lang": partner.lang or False,
                },
                "product": ticket._get_vendor_product_data(),
                "stage": ticket.stage_id.name,
                "closed": ticket.stage_id.closed,
                "tier": ticket.tier_id.code,
                "company": ticket.company_id.name,
            }
        return payloads

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        public = (
            message.message_type in ("comment", "email")
            and message.subtype_id
            and not message.subtype_id.internal
            and not message.is_internal
        )
        if public and not self.env.context.get(SYNC_CONTEXT_KEY):
            self.env["helpdesk.sync.event"]._queue_message(self, message)
        if public and not self.env.context.get(UPDATE_CONTEXT_KEY):
            self._register_public_message(message)
        return res

    def _hand_back_from_vendor(self, backend):
        """The vendor resolved or closed its ticket: return the tickets still at
        that vendor to the tier that escalated them, with an activity for whoever
        escalated each."""
        at_vendor = self.filtered(
            lambda t: t.vendor_backend_id == backend
            and t.tier_id.is_external
            and not t.stage_id.closed
        )
        if not at_vendor:
            return at_vendor
        escalations = self.env["helpdesk.ticket.escalation"].search(
            [
                ("ticket_id", "in", at_vendor.ids),
                ("direction", "=", "up"),
                ("to_tier_id.is_external", "=", True),
            ],
            order="date desc, id desc",
        )
        escalated_by = {}
        for escalation in escalations:
            escalated_by.setdefault(escalation.ticket_id, escalation.user_id)
        note = self.env._(
            "%(vendor)s resolved the ticket on its side. Check the vendor's answer "
            "in the chatter, then tell the customer or close the ticket.",
            vendor=backend.display_name,
        )
        at_vendor.de_escalate(note)
        for user, tickets in at_vendor.grouped(
            lambda t: escalated_by.get(t) or t.user_id
        ).items():
            tickets.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Vendor resolved: answer the customer"),
                note=note,
                user_id=(user if user.active and not user.share else self.env.user).id,
            )
        return at_vendor

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _action_open_escalate_wizard(self, direction):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Escalate")
            if direction == "up"
            else self.env._("Return to a lower tier"),
            "res_model": "helpdesk.ticket.escalate",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_ticket_ids": self.ids,
                "default_direction": direction,
            },
        }

    def action_escalate(self):
        return self._action_open_escalate_wizard("up")

    def action_return(self):
        return self._action_open_escalate_wizard("down")

    @api.model
    def _get_tickets_action(self, name, domain, context=None):
        """helpdesk_mgmt's ticket action narrowed to ``domain``; no creation from
        it unless ``context`` says otherwise."""
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action.update(
            name=name,
            display_name=name,
            domain=domain,
            context=context or {"create": False},
        )
        return action

    def action_return_for_coaching(self):
        action = self._action_open_escalate_wizard("down")
        action["name"] = self.env._("Return for coaching")
        action["context"]["default_reason"] = "coaching"
        return action

    def action_plan_intervention(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_tiers.helpdesk_intervention_action"
        )
        action.update(
            views=[(False, "form")],
            view_mode="form",
            context={"default_ticket_id": self.id},
        )
        return action

    def action_view_interventions(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_tiers.helpdesk_intervention_action"
        )
        action.update(
            domain=[("ticket_id", "=", self.id)],
            context={"default_ticket_id": self.id},
        )
        return action

    def action_view_problem(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.problem",
            "res_id": self.problem_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_review(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Review"),
            "res_model": "helpdesk.ticket.review",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_ids": self.ids},
        }

    def action_write_procedure(self):
        """L3 writes an internal procedure for the front line from this ticket: a
        draft internal article, opened for editing (the specialist publishes it)."""
        self.ensure_one()
        if not self.env.user.has_group("helpdesk_tiers.group_l3_specialist"):
            raise AccessError(
                self.env._("Only specialists (L3) write procedures for L1 and L2.")
            )
        articles = self.env["helpdesk.kb.article"]
        symptoms = self.customer_wording or html2plaintext(self.description or "")
        steps = self.problem_id.workaround
        article = articles.create(
            {
                "name": self.env._("Procedure: %s", self.name),
                "symptoms": symptoms or False,
                "body": steps if not is_html_empty(steps) else self.description,
                "lang": articles._guess_lang(f"{self.name} {symptoms}"),
                "visibility": "internal",
                "tier_id": self.env["helpdesk.tier"]._get_default_tier_id(),
                "company_id": self.company_id.id,
                "source_ticket_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.kb.article",
            "res_id": article.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_request_development(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request development"),
            "res_model": "helpdesk.development.request",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_view_escalations(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_tiers.helpdesk_ticket_escalation_action"
        )
        action.update(
            domain=[("ticket_id", "=", self.id)],
            context={"search_default_group_by_ticket": 0},
        )
        return action

    # ------------------------------------------------------------------
    # Knowledge base
    # ------------------------------------------------------------------

    def action_apply_kb_article(self, article_id):
        """Link the article to the ticket, count the use, and open a reply to the
        customer that starts with the article's solution."""
        self.ensure_one()
        self.check_access("write")
        article = self.env["helpdesk.kb.article"].browse(int(article_id)).exists()
        if not article or not article.has_access("read"):
            raise UserError(
                self.env._(
                    "This knowledge base article does not exist or is not "
                    "available to you."
                )
            )
        if article.state != "published":
            raise UserError(
                self.env._(
                    "Article %s is not published: it cannot be applied yet.",
                    article.name,
                )
            )
        if article.tier_id and article.tier_id.level > self.tier_id.level:
            raise UserError(
                self.env._(
                    "Article %(article)s may be applied from %(tier)s only: escalate "
                    "ticket %(ticket)s first.",
                    article=article.name,
                    tier=article.tier_id.display_name,
                    ticket=self.number,
                )
            )
        self.kb_article_ids = [Command.link(article.id)]
        article._record_event("applied", "ticket", ticket=self)
        return self._action_reply_composer(
            self.env._("Reply with %s", article.name),
            default_body=self._kb_reply_body(article),
        )

    def _action_reply_composer(self, name, **defaults):
        """The composer of a public reply to the customer on this ticket."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_subtype_xmlid": "mail.mt_comment",
                **defaults,
            },
        }

    def action_canned_reply(self):
        """A reply to the customer that starts from a canned reply."""
        self.ensure_one()
        replies = self.env["helpdesk.canned.reply"]
        if not replies.search_count(replies._offered_domain(self), limit=1):
            raise UserError(
                self.env._(
                    "No canned reply is offered to you on ticket %s: ask a manager "
                    "to write one for your tier or team.",
                    self.number,
                )
            )
        return self._action_reply_composer(self.env._("Canned reply"))

    def _kb_reply_body(self, article):
        body = Markup(article.body or "")
        if article.visibility == "portal":
            url = f"{self.get_base_url()}{article.portal_url}"
            body += Markup('<p>%s <a href="%s">%s</a></p>') % (
                self.env._("The full article:"),
                url,
                article.name,
            )
        return body

    def action_publish_to_kb(self):
        """Step 7: turn a resolved ticket into a knowledge base article, prefilled
        from the ticket and sent to review (or open the one already written)."""
        self.ensure_one()
        if not self.stage_id.closed:
            raise UserError(
                self.env._(
                    "Ticket %s is not resolved: publish its solution once it is "
                    "closed.",
                    self.number,
                )
            )
        article = self.kb_source_article_ids[:1]
        if not article:
            article = self.env["helpdesk.kb.article"].create(self._kb_article_values())
            if not is_html_empty(article.body):
                article.action_submit_review()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.kb.article",
            "res_id": article.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _kb_article_values(self):
        self.ensure_one()
        symptoms = html2plaintext(self.description or "")
        solution = self._kb_resolving_reply()
        category = (
            self.env["helpdesk.kb.category"].search(
                [("ticket_category_ids", "in", self.category_id.ids)], limit=1
            )
            if self.category_id
            else self.env["helpdesk.kb.category"]
        )
        return {
            "name": self.name,
            "symptoms": symptoms,
            "body": solution.body if solution else False,
            "lang": self.env["helpdesk.kb.article"]._guess_lang(
                f"{self.name} {symptoms} {html2plaintext(solution.body or '')}"
            ),
            "tier_id": (self.resolved_tier_id or self.tier_id).id,
            "category_id": category.id,
            "company_id": self.company_id.id,
            "source_ticket_id": self.id,
        }

    def _kb_resolving_reply(self):
        """The last reply an employee sent to the customer on this ticket."""
        self.ensure_one()
        return self.env["mail.message"].search(
            [
                ("model", "=", self._name),
                ("res_id", "=", self.id),
                ("message_type", "in", ("comment", "email")),
                ("subtype_id", "=", self.env.ref("mail.mt_comment").id),
                ("author_id.user_ids.share", "=", False),
            ],
            order="date desc, id desc",
            limit=1,
        )

    # ------------------------------------------------------------------
    # Merging duplicates
    # ------------------------------------------------------------------

    @api.returns("self")
    def merge_into(self, target, confirm_cross_company=False):
        """Merge these tickets (duplicates) into ``target`` (a ticket record or
        id), which keeps everything: their messages (moved, with their authors and
        dates, so that e-mail replies to them land on the target), attachments,
        followers and customers, open activities, knowledge base articles, vendor
        tickets (unless the target is at the same vendor already), problem and
        incident links. Escalation history stays on each merged ticket, listed on
        the target. The merged tickets are closed as merged into the target, and
        each of their customers is told once, in their language.

        Tickets of several companies merge only for a manager, with
        ``confirm_cross_company=True``: the customers of each then see the others'
        messages on the portal. Raises a UserError, and changes nothing, on an
        empty selection, a ticket merged into itself, into a closed or merged
        ticket, a ticket already merged or closed, or tickets the user may not
        modify. Returns the target (its id over RPC)."""
        target = self._check_merge(target, confirm_cross_company)
        summary = self._merge_summary(target)
        self._merge_messages_and_followers(target)
        moved_bindings = self._merge_vendor_bindings(target)
        self._merge_links(target)
        merged_stage = self.env.ref("helpdesk_tiers.helpdesk_ticket_stage_merged")
        self.write({"merged_into_id": target.id, "stage_id": merged_stage.id})
        target.message_post(
            body=summary(moved_bindings),
            subtype_xmlid="mail.mt_note",
            message_type="comment",
        )
        for ticket in self:
            ticket.message_post(
                body=self.env._(
                    "Merged into %(target)s by %(user)s: its messages, attachments "
                    "and followers are there now.",
                    target=target._get_html_link(),
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
                message_type="comment",
            )
        self._notify_merge(target)
        return target

    def _check_merge(self, target, confirm_cross_company):
        """The target ticket of a merge of ``self``, once every rule holds."""
        if not self.env.user.has_group("helpdesk_tiers.group_l1_agent"):
            raise AccessError(self.env._("Only helpdesk agents merge tickets."))
        if not self:
            raise UserError(self.env._("Select the tickets to merge."))
        target = self._resolve_merge_target(target)
        self._check_merge_states(target)
        locked = (self | target) - (self | target)._filtered_access("write")
        if locked:
            raise UserError(
                self.env._(
                    "You may not modify tickets %s (they are at a tier above yours "
                    "or in another company): ask someone who may to merge them.",
                    ", ".join(locked.mapped("number")),
                )
            )
        if self.child_ids and target.parent_id:
            raise UserError(
                self.env._(
                    "Ticket %(target)s is linked to incident %(parent)s: it cannot "
                    "take over the affected tickets of %(tickets)s.",
                    target=target.number,
                    parent=target.parent_id.number,
                    tickets=", ".join(self.child_ids.parent_id.mapped("number")),
                )
            )
        companies = (self | target).company_id
        if len(companies) > 1:
            if not self.env.user.has_group(
                "helpdesk_tiers.group_helpdesk_tiers_manager"
            ):
                raise AccessError(
                    self.env._(
                        "The tickets belong to %s: only a helpdesk manager merges "
                        "tickets of different companies.",
                        ", ".join(companies.mapped("name")),
                    )
                )
            if not confirm_cross_company:
                raise UserError(
                    self.env._(
                        "The tickets belong to %s: confirm the merge across "
                        "companies. The customers of each will then see the others' "
                        "messages on the target ticket.",
                        ", ".join(companies.mapped("name")),
                    )
                )
        return target

    def _resolve_merge_target(self, target):
        """The ticket ``target`` (a record or an id) stands for."""
        if isinstance(target, models.BaseModel):
            if target._name != self._name or len(target) != 1:
                raise UserError(self.env._("Merge into exactly one ticket."))
            target = self.browse(target.id)
        elif isinstance(target, int) and not isinstance(target, bool):
            target = self.browse(target)
        else:
            raise UserError(
                self.env._("Give the ticket to merge into as a ticket or its id.")
            )
        if not target.exists():
            raise UserError(self.env._("Ticket %s does not exist.", target.id))
        return target

    def _check_merge_states(self, target):
        """Open tickets merge into another open ticket, never into themselves or
        along a chain of merges."""
        if target in self:
            raise UserError(
                self.env._(
                    "Ticket %s cannot be merged into itself: choose another target.",
                    target.number,
                )
            )
        merged = self.filtered("merged_into_id")
        if merged:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s was already merged into %(target)s.",
                    ticket=merged[0].number,
                    target=merged[0].merged_into_id.number,
                )
            )
        if target.merged_into_id:
            final = target.merged_into_id
            while final.merged_into_id and final != target:
                final = final.merged_into_id
            if final in self:
                raise UserError(
                    self.env._(
                        "Ticket %(target)s was merged into %(final)s, which you are "
                        "merging: that would make a circle.",
                        target=target.number,
                        final=final.number,
                    )
                )
            raise UserError(
                self.env._(
                    "Ticket %(target)s was merged into %(final)s: merge into "
                    "%(final)s instead.",
                    target=target.number,
                    final=final.number,
                )
            )
        closed = (self | target).filtered("closed")
        if closed:
            raise UserError(
                self.env._(
                    "Ticket %s is closed: only open tickets are merged (reopen it "
                    "first).",
                    closed[0].number,
                )
            )

    def _merge_summary(self, target):
        """A function of the vendor tickets moved that gives the note recording
        the merge on ``target``: for each merged ticket, what it was (read before
        the merge moves anything)."""
        counts = dict(
            self.env["mail.message"]._read_group(
                [("model", "=", self._name), ("res_id", "in", self.ids)],
                ["res_id"],
                ["__count"],
            )
        )
        rows = [
            (
                ticket,
                Markup("<li>%s</li>")
                % self.env._(
                    "%(ticket)s from %(customer)s, at %(tier)s, %(escalations)s "
                    "escalations (kept on it), %(messages)s messages. Customer's "
                    "words: %(words)s",
                    ticket=ticket._get_html_link(),
                    customer=ticket.partner_id.display_name
                    or ticket.partner_name
                    or "-",
                    tier=ticket.tier_id.display_name,
                    escalations=ticket.escalation_count,
                    messages=counts.get(ticket.id, 0),
                    words=ticket.customer_wording
                    or html2plaintext(ticket.description or "")
                    or "-",
                ),
            )
            for ticket in self
        ]

        def summary(moved_bindings):
            moved = Markup("").join(
                Markup("<li>%s</li>")
                % self.env._(
                    "Vendor ticket %(binding)s now follows this ticket.",
                    binding=binding.display_name,
                )
                for binding in moved_bindings
            )
            return Markup("<p><strong>%s</strong></p><ul>%s%s</ul>") % (
                self.env._("Merged into this ticket by %s:", self.env.user.name),
                Markup("").join(row for _ticket, row in rows),
                moved,
            )

        return summary

    def _merge_messages_and_followers(self, target):
        """Move the messages, attachments and open activities of ``self`` to
        ``target``; make their followers and customers follow it."""
        # sudo: the records of tickets the user may modify (checked by
        # _check_merge), whoever wrote or follows them.
        domain = [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        self.env["mail.message"].sudo().search(
            [("model", "=", self._name), ("res_id", "in", self.ids)]
        ).write({"res_id": target.id})
        self.env["ir.attachment"].sudo().search(domain).write({"res_id": target.id})
        self.env["mail.activity"].sudo().search(domain).write({"res_id": target.id})
        followers = self.env["mail.followers"].sudo().search(domain)
        known = set(target.message_partner_ids.ids)
        subtypes = defaultdict(set)
        for follower in followers:
            if follower.partner_id.id not in known:
                subtypes[follower.partner_id.id] |= set(follower.subtype_ids.ids)
        groups = defaultdict(list)
        for partner_id, subtype_ids in subtypes.items():
            groups[frozenset(subtype_ids)].append(partner_id)
        for subtype_ids, partner_ids in groups.items():
            target.message_subscribe(
                partner_ids=partner_ids, subtype_ids=list(subtype_ids) or None
            )
        customers = self.partner_id.filtered(
            lambda p: p.id not in known and p.id not in subtypes
        )
        if customers:
            target.message_subscribe(partner_ids=customers.ids)

    def _merge_vendor_bindings(self, target):
        """Hand the vendor ticket of ``self`` to ``target`` when the target is at
        no vendor: the vendor's answers then land on it, and closing it closes
        that vendor ticket. Otherwise (or for a vendor system of another company)
        the merged tickets keep their vendor tickets, which closing them closes at
        the vendor as duplicates. Returns the binding moved, if any."""
        # sudo: agents cause bindings but may not write them.
        if target.sudo().vendor_binding_ids:
            return self.env["helpdesk.vendor.binding"]
        binding = (
            self._get_current_vendor_binding()
            .filtered(
                lambda b: not b.backend_id.company_id
                or b.backend_id.company_id == target.company_id
            )
            .sorted("id")[-1:]
        )
        if binding:
            binding.write({"ticket_id": target.id})
            target.vendor_backend_id = binding.backend_id
        return binding

    def _merge_links(self, target):
        """The target takes the knowledge base articles of ``self``, its problem,
        its major incident and affected tickets, where it has none of its own."""
        # sudo: every article linked, including drafts the user may not read;
        # a merge is no resolution: they count on the target from now on.
        articles = self.sudo().kb_article_ids - target.sudo().kb_article_ids
        if self.sudo().kb_article_ids:
            self.sudo().write({"kb_article_ids": [Command.clear()]})
        if articles:
            target.sudo().write(
                {"kb_article_ids": [Command.link(a.id) for a in articles]}
            )
        vals = {}
        if not target.problem_id and self.problem_id:
            vals["problem_id"] = self.problem_id[0].id
        children = self.child_ids
        if children:
            vals["is_major_incident"] = True
        elif not target.parent_id and not target.is_major_incident:
            parent = self.parent_id - target
            if parent:
                vals["parent_id"] = parent[0].id
        if vals:
            target.write(vals)
        if children:
            children.write({"parent_id": target.id})

    def _notify_merge(self, target):
        """Tell each customer of ``self`` once, in their language, on the target:
        which of their tickets went into which."""
        by_customer = self.filtered("partner_id").grouped("partner_id")
        # For the customers only: neither the vendor's business nor a reply to
        # the target's own customer.
        quiet = target.with_context(
            **{SYNC_CONTEXT_KEY: True, UPDATE_CONTEXT_KEY: True}
        )
        for partner, tickets in by_customer.items():
            quiet._post_customer_message(
                "helpdesk_tiers.message_tickets_merged",
                partner=partner,
                subtype_xmlid="helpdesk_tiers.mt_ticket_merged",
                merged=tickets,
            )

    def action_merge(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge tickets"),
            "res_model": "helpdesk.ticket.merge",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_ids": self.ids},
        }

    def action_view_merged_tickets(self):
        self.ensure_one()
        return self._get_tickets_action(
            self.env._("Merged into %s", self.number),
            [("merged_into_id", "=", self.id)],
        )

    # ------------------------------------------------------------------
    # Major incidents
    # ------------------------------------------------------------------

    def link_to_incident(self, incident):
        """Link these customers' tickets to the major incident ``incident`` (a
        ticket record or id): its updates then reach their customers. Raises a
        UserError, and links nothing, for a ticket that is not an open major
        incident, a major incident linked to another, or tickets the user may not
        modify."""
        if not self:
            raise UserError(self.env._("Select the tickets to link."))
        incident = self._resolve_merge_target(incident)
        if not incident.is_major_incident or incident.closed:
            raise UserError(
                self.env._(
                    "Ticket %s is not an open major incident: mark it as a major "
                    "incident first.",
                    incident.number,
                )
            )
        self.check_access("write")
        self.write({"parent_id": incident.id})
        return True

    def post_incident_update(self, body, customer_status=None, close_stage=None):
        """Post ``body`` (HTML), written once on this major incident, to the
        customer of every open affected ticket, each in their language, as a
        public message of that ticket; their next status update is rescheduled
        from now. ``customer_status`` (optional) becomes the public status of the
        incident and of those tickets. With ``close_stage`` (a closing stage
        record or id) the update is the resolution: the affected tickets and the
        incident are closed in that stage. Raises a UserError, and changes
        nothing, on an empty update, a ticket that is no open major incident, a
        stage that does not close, or affected tickets the user may not close.
        Returns the affected tickets informed."""
        self.ensure_one()
        self.check_access("write")
        if not self.is_major_incident or self.closed:
            raise UserError(
                self.env._(
                    "Ticket %s is not an open major incident: its updates go to "
                    "nobody.",
                    self.number,
                )
            )
        if not body or is_html_empty(body):
            raise UserError(
                self.env._("Write the update: it is posted for every customer.")
            )
        stage = self.env["helpdesk.ticket.stage"]
        if close_stage:
            stage = stage.browse(getattr(close_stage, "id", close_stage)).exists()
            if not stage.closed:
                raise UserError(
                    self.env._("Choose a closing stage to close the incident.")
                )
        children = self.child_ids.filtered(lambda t: not t.closed)
        locked = children - children._filtered_access("write") if stage else None
        if locked:
            raise UserError(
                self.env._(
                    "You may not close tickets %s (they are at a tier above "
                    "yours): ask a specialist to close this incident.",
                    ", ".join(locked.mapped("number")),
                )
            )
        body = Markup(body)
        if customer_status:
            # sudo: the incident's public status is each affected ticket's too,
            # whichever tier holds them.
            (self | children).sudo().write({"customer_status": customer_status})
        self.message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        informed = children.filtered("partner_id")
        # For the customers only (the vendors of the tickets are not told), and
        # their schedules move below, in one write.
        informed.with_context(
            **{SYNC_CONTEXT_KEY: True, UPDATE_CONTEXT_KEY: True}
        )._post_customer_message(
            "helpdesk_tiers.message_incident_resolved"
            if stage
            else "helpdesk_tiers.message_incident_update",
            incident=self,
            update=body,
        )
        now = fields.Datetime.now()
        # sudo: bookkeeping of the conversation, as for any public reply.
        informed.sudo().write({"last_customer_update": now})
        informed.filtered(lambda t: not t.first_response_date).sudo().write(
            {"first_response_date": now}
        )
        if stage:
            (children | self).write({"stage_id": stage.id})
        return informed

    def _action_open_incident_update(self, close):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close with affected tickets")
            if close
            else self.env._("Post update to affected customers"),
            "res_model": "helpdesk.ticket.incident.update",
            "view_mode": "form",
            "target": "new",
            "context": {"default_incident_id": self.id, "default_close": close},
        }

    def action_post_incident_update(self):
        return self._action_open_incident_update(close=False)

    def action_close_incident(self):
        return self._action_open_incident_update(close=True)

    def action_link_to_incident(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link to major incident"),
            "res_model": "helpdesk.ticket.incident.link",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_ids": self.ids},
        }

    def action_view_affected_tickets(self):
        self.ensure_one()
        return self._get_tickets_action(
            self.env._("Affected by %s", self.number), [("parent_id", "=", self.id)]
        )
