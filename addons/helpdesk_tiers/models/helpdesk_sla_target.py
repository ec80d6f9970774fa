# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from .helpdesk_service_plan import PRIORITY_CATEGORIES

# Working hours between two status updates to the customer when the plan says
# nothing for the priority.
DEFAULT_UPDATE_INTERVALS = {
    "business_failure": 1.0,
    "critical": 4.0,
    "regular": 24.0,
    "planned": 72.0,
}


class HelpdeskSlaTarget(models.Model):
    """One line of a service plan: for a priority category, the customer's
    targets (no tier) or a tier's internal share of them (tier set). Hours are
    working hours of the plan's calendar."""

    _name = "helpdesk.sla.target"
    _description = "Service Level Target"
    _order = "plan_id, priority_category, tier_id desc, id"

    plan_id = fields.Many2one(
        "helpdesk.service.plan",
        string="Service plan",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    priority_category = fields.Selection(
        PRIORITY_CATEGORIES, string="Priority", required=True
    )
    tier_id = fields.Many2one(
        "helpdesk.tier",
        string="Tier",
        ondelete="cascade",
        help="Empty: the target promised to the customer. Set: the internal "
        "target of that tier, a share of the customer's.",
    )
    response_hours = fields.Float(
        string="Response (h)", help="Working hours until the first response."
    )
    resolve_hours = fields.Float(
        string="Resolution (h)", help="Working hours until the ticket is resolved."
    )
    update_interval_hours = fields.Float(
        string="Update every (h)",
        compute="_compute_update_interval_hours",
        store=True,
        readonly=False,
        help="Working hours between two status updates sent to the customer; "
        "0 for none. Customer lines only.",
    )

    _sql_constraints = [
        (
            "hours_positive",
            "check(response_hours >= 0 and resolve_hours >= 0 "
            "and update_interval_hours >= 0)",
            "Target hours cannot be negative.",
        ),
    ]

    @api.depends("priority_category", "tier_id")
    def _compute_update_interval_hours(self):
        for target in self:
            target.update_interval_hours = (
                0.0
                if target.tier_id
                else DEFAULT_UPDATE_INTERVALS.get(target.priority_category, 0.0)
            )

    @api.depends("plan_id", "priority_category", "tier_id")
    def _compute_display_name(self):
        categories = dict(
            self._fields["priority_category"]._description_selection(self.env)
        )
        for target in self:
            target.display_name = " / ".join(
                filter(
                    None,
                    [
                        target.plan_id.display_name,
                        categories.get(target.priority_category),
                        target.tier_id.code,
                    ],
                )
            )

    def _fit_problems(self, category):
        """Why these lines (one plan, one priority) do not fit: tier targets
        without a customer target, a tier slower to respond than the customer
        was promised, tiers whose resolution targets add up to more than the
        customer's."""
        customer = self.filtered(lambda t: not t.tier_id)[:1]
        tiers = self.filtered("tier_id")
        if not tiers:
            return []
        if not customer:
            return [
                self.env._(
                    "%(category)s: tier targets without a customer target.",
                    category=category,
                )
            ]
        problems = [
            self.env._(
                "%(category)s: %(tier)s may take %(tier_hours)s h to respond, more "
                "than the %(hours)s h promised to the customer.",
                category=category,
                tier=line.tier_id.display_name,
                tier_hours=line.response_hours,
                hours=customer.response_hours,
            )
            for line in tiers
            if customer.response_hours
            and float_compare(line.response_hours, customer.response_hours, 2) > 0
        ]
        total = sum(tiers.mapped("resolve_hours"))
        if (
            customer.resolve_hours
            and float_compare(total, customer.resolve_hours, 2) > 0
        ):
            problems.append(
                self.env._(
                    "%(category)s: the tiers' resolution targets add up to "
                    "%(total)s h, more than the %(hours)s h promised to the "
                    "customer.",
                    category=category,
                    total=total,
                    hours=customer.resolve_hours,
                )
            )
        return problems

    @api.constrains("plan_id", "priority_category", "tier_id")
    def _check_unique(self):
        groups = self._read_group(
            [("plan_id", "in", self.plan_id.ids)],
            ["plan_id", "priority_category", "tier_id"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if groups:
            plan, category, tier = groups[0][:3]
            raise ValidationError(
                self.env._(
                    "Plan %(plan)s has two targets for %(category)s at %(tier)s: "
                    "keep one.",
                    plan=plan.display_name,
                    category=dict(
                        self._fields["priority_category"]._description_selection(
                            self.env
                        )
                    )[category],
                    tier=tier.display_name or self.env._("customer level"),
                )
            )

    @api.constrains("resolve_hours", "tier_id", "priority_category", "plan_id")
    def _check_tier_shares(self):
        """The tiers' internal resolution targets must fit in the customer's."""
        for (plan, category), _targets in self.grouped(
            lambda t: (t.plan_id, t.priority_category)
        ).items():
            lines = plan.target_ids.filtered(
                lambda t, category=category: t.priority_category == category
            )
            customer = lines.filtered(lambda t: not t.tier_id)[:1]
            tiers_total = sum(lines.filtered("tier_id").mapped("resolve_hours"))
            if (
                customer.resolve_hours
                and float_compare(tiers_total, customer.resolve_hours, 2) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "In plan %(plan)s the tiers' resolution targets add up to "
                        "%(total)s h, more than the %(customer)s h promised to the "
                        "customer.",
                        plan=plan.display_name,
                        total=tiers_total,
                        customer=customer.resolve_hours,
                    )
                )
