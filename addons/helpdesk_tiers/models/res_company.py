# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    helpdesk_default_service_plan_id = fields.Many2one(
        "helpdesk.service.plan",
        string="Default service plan",
        ondelete="restrict",
        check_company=True,
        help="The plan of customers who have none.",
    )
    helpdesk_recurrence_threshold = fields.Integer(
        string="Recurring after",
        default=3,
        help="A new ticket is recurring when its customer has at least this many "
        "tickets in the same category (counting the new one) within the window, "
        "or when at least this many customers report the same product.",
    )
    helpdesk_recurrence_days = fields.Integer(
        string="Recurrence window (days)",
        default=30,
        help="How far back, in days, tickets count towards a recurrence.",
    )
    helpdesk_sla_at_risk_percent = fields.Float(
        string="At risk from (%)",
        default=75.0,
        help="A service-level clock is at risk once this share of its target "
        "has been used; the team lead then gets an activity.",
    )

    @api.constrains("helpdesk_recurrence_threshold", "helpdesk_recurrence_days")
    def _check_helpdesk_recurrence(self):
        for company in self:
            if company.helpdesk_recurrence_threshold < 2:
                raise ValidationError(
                    self.env._(
                        "A recurrence needs at least 2 tickets (%(company)s: %(n)s).",
                        company=company.name,
                        n=company.helpdesk_recurrence_threshold,
                    )
                )
            if not 1 <= company.helpdesk_recurrence_days <= 3650:
                raise ValidationError(
                    self.env._(
                        "The recurrence window is between 1 and 3650 days "
                        "(%(company)s: %(days)s).",
                        company=company.name,
                        days=company.helpdesk_recurrence_days,
                    )
                )

    @api.constrains("helpdesk_sla_at_risk_percent")
    def _check_helpdesk_sla_at_risk_percent(self):
        for company in self:
            if not 0 < company.helpdesk_sla_at_risk_percent < 100:
                raise ValidationError(
                    self.env._(
                        "The at-risk threshold is a share of the target: between "
                        "0 and 100 %, both excluded."
                    )
                )
