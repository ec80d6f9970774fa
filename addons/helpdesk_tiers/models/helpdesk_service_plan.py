# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools.translate import html_translate

# Priority categories, from the most to the least urgent, and the helpdesk_mgmt
# priority (stars) each one stands for.
PRIORITY_CATEGORIES = [
    ("business_failure", "Business failure"),
    ("critical", "Critical situation"),
    ("regular", "Regular service request"),
    ("planned", "Planned event"),
]
CATEGORY_PRIORITY = {
    "business_failure": "3",
    "critical": "2",
    "regular": "1",
    "planned": "0",
}
PRIORITY_CATEGORY = {priority: cat for cat, priority in CATEGORY_PRIORITY.items()}


class HelpdeskServicePlan(models.Model):
    """What a customer is entitled to: working hours and, per priority category,
    the response, resolution and update targets (overall and per tier)."""

    _name = "helpdesk.service.plan"
    _description = "Helpdesk Service Plan"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to offer the plan in every company.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working hours",
        required=True,
        default=lambda self: self.env.company.resource_calendar_id,
        tracking=True,
        help="The hours in which the plan's clocks run.",
    )
    description = fields.Html(
        string="Entitlements",
        translate=html_translate,
        help="What the plan entitles the customer to, as agents read it during "
        "a call.",
    )
    default_priority_category = fields.Selection(
        PRIORITY_CATEGORIES,
        string="Default priority",
        required=True,
        default="regular",
        help="The priority of a ticket that no priority rule matches.",
    )
    target_ids = fields.One2many(
        "helpdesk.sla.target", "plan_id", string="Targets", copy=True
    )
    partner_ids = fields.One2many(
        "res.partner", "helpdesk_service_plan_id", string="Customers"
    )
    partner_count = fields.Integer(compute="_compute_partner_count")
    sla_auto_escalate = fields.Boolean(
        string="Escalate on breach",
        default=True,
        tracking=True,
        help="When a deadline passes, the ticket escalates itself one tier up "
        "with a hand-off note (once per breach). Otherwise the team lead gets "
        "an activity.",
    )
    target_warning = fields.Text(
        string="Target warnings",
        compute="_compute_target_warning",
        help="Where the tiers' internal targets do not fit in the customer's.",
    )

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [
                    ("helpdesk_service_plan_id", "in", self.ids),
                    ("is_company", "=", True),
                ],
                ["helpdesk_service_plan_id"],
                ["__count"],
            )
        )
        for plan in self:
            plan.partner_count = counts.get(plan, 0)

    @api.depends(
        "target_ids.priority_category",
        "target_ids.tier_id",
        "target_ids.response_hours",
        "target_ids.resolve_hours",
    )
    def _compute_target_warning(self):
        categories = dict(
            self.env["helpdesk.sla.target"]
            ._fields["priority_category"]
            ._description_selection(self.env)
        )
        for plan in self:
            problems = []
            for category, lines in plan.target_ids.grouped("priority_category").items():
                problems += lines._fit_problems(categories.get(category, category))
            plan.target_warning = "\n".join(problems) or False

    @api.model
    def _get_default(self, company):
        """The plan of customers who have none: the company's default plan, else
        the first plan offered in that company."""
        company = company or self.env.company
        return company.helpdesk_default_service_plan_id or self.search(
            [("company_id", "in", [company.id, False])], limit=1
        )

    def _get_target(self, priority_category, tier=None):
        """The target line of this plan for a priority category: the customer's
        (no tier) or, with ``tier``, that tier's internal one."""
        self.ensure_one()
        tier_id = tier.id if tier else False
        return self.target_ids.filtered(
            lambda t: t.priority_category == priority_category
            and t.tier_id.id == tier_id
        )[:1]

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "base.action_partner_customer_form"
        )
        action.update(
            name=self.display_name,
            domain=[
                ("helpdesk_service_plan_id", "=", self.id),
                ("is_company", "=", True),
            ],
            context={
                "default_helpdesk_service_plan_id": self.id,
                "default_is_company": True,
            },
        )
        return action
