# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from collections import namedtuple

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import (
    SQL,
    html2plaintext,
    index_exists,
    is_html_empty,
)

from .helpdesk_service_plan import (
    CATEGORY_PRIORITY,
    PRIORITY_CATEGORIES,
    PRIORITY_CATEGORY,
)
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
        string="Number of affected tickets", compute="_compute_child_count"
    )
    incident_status = fields.Text(
        string="Incident status",
        compute="_compute_incident_status",
        compute_sudo=True,
        help="What the customers of the affected tickets see of the major incident: "
        "its public status, or its state.",
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

    @api.depends_context("lang")
    @api.depends(
        "parent_id.customer_status",
        "parent_id.stage_id.closed",
        "parent_id.waiting_on",
        "parent_id.tier_id.is_external",
    )
    def _compute_incident_status(self):
        # As superuser (compute_sudo): the customer of an affected ticket may not
        # read the incident itself, only its public status.
        for ticket in self:
            incident = ticket.parent_id
            ticket.incident_status = (
                (not incident.stage_id.closed and incident.customer_status)
                or incident.customer_update_state
                if incident
                else False
            )

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
