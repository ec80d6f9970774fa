# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from ..models.helpdesk_priority_rule import rule_candidates
from ..models.helpdesk_service_plan import PRIORITY_CATEGORIES

RECENT_DAYS = 90
HISTORY_LIMIT = 10
LAST_CONTACTS_LIMIT = 5


class HelpdeskIntake(models.TransientModel):
    """ "New contact": log a call, e-mail or chat in one screen. Find the
    customer, see their history and plan, and open one ticket per distinct
    problem, all linked by the same contact reference."""

    _name = "helpdesk.intake"
    _description = "New Contact"

    channel_id = fields.Many2one(
        "helpdesk.ticket.channel",
        required=True,
        default=lambda self: self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_phone", raise_if_not_found=False
        ),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        help="Search by name, company, e-mail or phone number.",
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id")
    caller_name = fields.Char(
        string="Caller's name", help="Who called, when not a known contact."
    )
    caller_email = fields.Char(string="Caller's e-mail")
    caller_phone = fields.Char(string="Caller's phone")
    lang = fields.Char(compute="_compute_lang")
    assign_to_me = fields.Boolean(
        string="Assign to me",
        default=True,
        help="You keep the tickets: you are on the line with the customer.",
    )
    line_ids = fields.One2many("helpdesk.intake.line", "intake_id", string="Problems")

    # The customer's history, for the first minute of the call.
    service_plan_id = fields.Many2one(
        "helpdesk.service.plan", compute="_compute_service_plan_id"
    )
    service_plan_description = fields.Html(related="service_plan_id.description")
    service_target_ids = fields.Many2many(
        "helpdesk.sla.target", compute="_compute_service_plan_id"
    )
    open_ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        relation="helpdesk_intake_open_ticket_rel",
        compute="_compute_history",
    )
    recent_ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        relation="helpdesk_intake_recent_ticket_rel",
        compute="_compute_history",
    )
    last_message_ids = fields.Many2many("mail.message", compute="_compute_history")
    open_problems = fields.Html(compute="_compute_history")
    history_summary = fields.Char(compute="_compute_history")

    @api.depends("partner_id")
    def _compute_display_name(self):
        for intake in self:
            intake.display_name = (
                self.env._("New contact: %s", intake.partner_id.display_name)
                if intake.partner_id
                else self.env._("New contact")
            )

    @api.depends("partner_id")
    def _compute_lang(self):
        for intake in self:
            intake.lang = intake.partner_id.lang or self.env.lang

    @api.depends("partner_id")
    def _compute_service_plan_id(self):
        plans = self.env["helpdesk.service.plan"]
        for intake in self:
            plan = intake.commercial_partner_id.helpdesk_service_plan_id or (
                plans._get_default(self.env.company)
            )
            intake.service_plan_id = plan
            intake.service_target_ids = plan.target_ids.filtered(
                lambda t: not t.tier_id
            )

    @api.depends("partner_id")
    def _compute_history(self):
        Ticket = self.env["helpdesk.ticket"]
        since = fields.Datetime.now() - timedelta(days=RECENT_DAYS)
        for intake in self:
            customer = intake.commercial_partner_id
            if not customer:
                intake.update(
                    {
                        "open_ticket_ids": False,
                        "recent_ticket_ids": False,
                        "last_message_ids": False,
                        "open_problems": False,
                        "history_summary": False,
                    }
                )
                continue
            domain = [("commercial_partner_id", "=", customer.id)]
            open_tickets = Ticket.search(
                [*domain, ("closed", "=", False)], order="create_date desc"
            )
            recent = Ticket.search(
                [*domain, ("closed", "=", True), ("create_date", ">=", since)],
                order="create_date desc",
                limit=HISTORY_LIMIT,
            )
            intake.open_ticket_ids = open_tickets[:HISTORY_LIMIT]
            intake.recent_ticket_ids = recent
            intake.last_message_ids = self.env["mail.message"].search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "in", Ticket._search(domain)),
                    ("message_type", "in", ("email", "comment")),
                    ("subtype_id.internal", "=", False),
                ],
                order="date desc, id desc",
                limit=LAST_CONTACTS_LIMIT,
            )
            intake.open_problems = intake._render_open_problems(customer)
            intake.history_summary = self.env._(
                "%(open)s open tickets, %(recent)s closed in the last %(days)s days",
                open=len(open_tickets),
                recent=Ticket.search_count(
                    [*domain, ("closed", "=", True), ("create_date", ">=", since)]
                ),
                days=RECENT_DAYS,
            )

    def _render_open_problems(self, customer):
        """The customer's open problems (theirs, or fed by their tickets), as a list."""
        problems = self.env["helpdesk.problem"].search(
            [
                ("state", "!=", "resolved"),
                "|",
                ("partner_id", "child_of", customer.id),
                ("ticket_ids.commercial_partner_id", "=", customer.id),
            ],
            limit=HISTORY_LIMIT,
        )
        if not problems:
            return False
        states = dict(problems._fields["state"]._description_selection(self.env))
        return Markup("<ul>%s</ul>") % Markup().join(
            Markup("<li>%s <span class='text-muted'>(%s)</span></li>")
            % (problem.display_name, states.get(problem.state))
            for problem in problems
        )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id:
            self.caller_name = self.partner_id.name
            self.caller_email = self.partner_id.email
            self.caller_phone = self.partner_id.phone or self.partner_id.mobile

    def _prepare_ticket_vals(self, intake_ref):
        self.ensure_one()
        vals_list = []
        for line in self.line_ids:
            vals = {
                "name": line.name,
                "customer_wording": line.customer_wording or False,
                "description": plaintext2html(
                    line.description or line.customer_wording or line.name
                ),
                "partner_id": self.partner_id.id,
                "partner_name": self.caller_name or self.partner_id.name,
                "partner_email": self.caller_email or self.partner_id.email,
                "channel_id": self.channel_id.id,
                "category_id": line.category_id.id,
                "product_id": line.product_id.id,
                "serial_number": line.serial_number or False,
                "license_ref": line.license_ref or False,
                "intake_ref": intake_ref,
                "user_id": self.env.user.id if self.assign_to_me else False,
            }
            if line.priority_category:
                vals["priority_category"] = line.priority_category
                vals["priority_override_reason"] = line.priority_override_reason
            vals_list.append(vals)
        return vals_list

    def action_create_tickets(self):
        """Open one ticket per problem, in one batch, and show them together."""
        self.ensure_one()
        if not self.line_ids:
            raise UserError(self.env._("Add at least one problem to open a ticket."))
        if not (self.partner_id or self.caller_name or self.caller_email):
            raise UserError(
                self.env._(
                    "Say who is calling: pick the customer or type a name or an e-mail."
                )
            )
        missing_reason = self.line_ids.filtered(
            lambda line: line.priority_category
            and not (line.priority_override_reason or "").strip()
        )
        if missing_reason:
            raise UserError(
                self.env._(
                    "Say why you set the priority of “%s” by hand.",
                    missing_reason[0].name,
                )
            )
        intake_ref = self.env["ir.sequence"].next_by_code("helpdesk.intake")
        tickets = self.env["helpdesk.ticket"].create(
            self._prepare_ticket_vals(intake_ref)
        )
        action = tickets._get_tickets_action(
            self.env._("Contact %s", intake_ref), [("intake_ref", "=", intake_ref)]
        )
        if len(tickets) == 1:
            action.update(res_id=tickets.id, view_mode="form", views=[(False, "form")])
        return action


class HelpdeskIntakeLine(models.TransientModel):
    """One distinct problem raised during the contact: it becomes a ticket."""

    _name = "helpdesk.intake.line"
    _description = "New Contact Problem"
    _order = "sequence, id"

    intake_id = fields.Many2one("helpdesk.intake", required=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Title", required=True)
    customer_wording = fields.Text(
        string="Customer's words", help="What the customer says, as they say it."
    )
    description = fields.Text(
        string="Technical description",
        help="Your translation in technical terms; the glossary proposes terms "
        "while you type the customer's words.",
    )
    lang = fields.Char(related="intake_id.lang")
    category_id = fields.Many2one("helpdesk.ticket.category")
    product_id = fields.Many2one("product.product", string="Product")
    serial_number = fields.Char()
    license_ref = fields.Char(string="Licence or contract")
    priority_category = fields.Selection(
        PRIORITY_CATEGORIES,
        string="Priority",
        help="Leave empty: the priority rules decide.",
    )
    priority_override_reason = fields.Text(string="Why this priority")
    priority_preview = fields.Text(
        string="Expected priority", compute="_compute_priority_preview"
    )

    @api.depends(
        "name",
        "customer_wording",
        "description",
        "category_id",
        "priority_category",
        "intake_id.partner_id",
        "intake_id.channel_id",
    )
    def _compute_priority_preview(self):
        """What the rules will decide, computed as at creation without writing."""
        Ticket = self.env["helpdesk.ticket"]
        matchers = Ticket._get_priority_matchers()
        categories = dict(
            self._fields["priority_category"]._description_selection(self.env)
        )
        for line in self:
            intake = line.intake_id
            if line.priority_category:
                line.priority_preview = self.env._(
                    "%s, set by hand.", categories[line.priority_category]
                )
                continue
            draft = Ticket.new(
                {
                    "name": line.name or "",
                    "description": plaintext2html(line.description or ""),
                    "customer_wording": line.customer_wording,
                    "partner_id": intake.partner_id.id,
                    "channel_id": intake.channel_id.id,
                    "category_id": line.category_id.id,
                    "company_id": self.env.company.id,
                }
            )
            draft.service_plan_id = intake.service_plan_id
            rule, found = self._preview_rule(matchers, draft)
            if rule:
                line.priority_preview = self.env._(
                    "%(category)s: rule “%(rule)s” (%(conditions)s).",
                    category=categories[rule.priority_category],
                    rule=rule.name,
                    conditions=rule._describe_conditions(found),
                )
            else:
                plan = intake.service_plan_id
                line.priority_preview = self.env._(
                    "%(category)s: default of the plan %(plan)s.",
                    category=categories.get(plan.default_priority_category, ""),
                    plan=plan.display_name or "",
                )

    @api.model
    def _preview_rule(self, matchers, draft):
        for matcher, found in rule_candidates(matchers, draft._priority_facts()):
            if not matcher.domain or draft.filtered_domain(matcher.domain):
                return matcher.rule, found
        return None, ()
