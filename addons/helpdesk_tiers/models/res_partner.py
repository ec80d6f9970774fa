# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, hmac
from odoo.tools.sql import create_index

# A caller's number matches a stored one when their last digits agree, so that
# "06 12 34 56 78" finds "+33 6 12 34 56 78".
PHONE_MATCH_DIGITS = 9
PHONE_MIN_DIGITS = 6
# Context key of the intake wizard's customer field: also search phone numbers.
PHONE_LOOKUP_CONTEXT_KEY = "helpdesk_tiers_phone_lookup"


def _reversed_digits(column):
    return SQL(
        "reverse(regexp_replace(coalesce(%s, ''), '[^0-9]', '', 'g'))",
        SQL.identifier(column),
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    helpdesk_service_plan_id = fields.Many2one(
        "helpdesk.service.plan",
        string="Service plan",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        help="The support plan of this customer, set on the company and shared "
        "by its contacts. Empty: the company's default plan.",
    )
    helpdesk_problem_count = fields.Integer(
        string="Problems",
        compute="_compute_helpdesk_problem_count",
        groups="helpdesk_tiers.group_l1_agent",
    )
    helpdesk_update_opt_out = fields.Boolean(
        string="No status updates",
        tracking=True,
        help="This contact asked not to receive the scheduled status updates of "
        "their tickets (replies from agents still reach them).",
    )
    helpdesk_update_channel = fields.Selection(
        [("email", "E-mail"), ("portal", "Portal only"), ("webhook", "Webhook")],
        string="Status updates by",
        default="email",
        help="E-mail: sent to the contact. Portal only: shown on the ticket in the "
        "portal, without e-mail. Webhook: posted as JSON to the contact's URL by "
        "the sync daemon.",
    )
    helpdesk_update_webhook_url = fields.Char(string="Status update webhook")
    helpdesk_support_manager = fields.Boolean(
        string="Support manager of the company",
        tracking=True,
        help="On the portal, this contact sees and follows every ticket of their "
        "company; other contacts see their own tickets. Set by helpdesk managers.",
    )
    helpdesk_update_opt_out_url = fields.Char(
        string="Status updates opt-out link",
        compute="_compute_helpdesk_update_opt_out_url",
        help="The link by which the contact stops the status updates.",
    )

    def _compute_helpdesk_update_opt_out_url(self):
        for partner in self:
            partner.helpdesk_update_opt_out_url = (
                f"{partner.get_base_url()}/helpdesk/updates/stop/{partner.id}/"
                f"{partner._helpdesk_update_opt_out_token()}"
                if partner.id
                else False
            )

    def _helpdesk_update_opt_out_token(self):
        self.ensure_one()
        return hmac(self.env(su=True), "helpdesk_tiers-update-opt-out", self.id)

    @api.constrains("helpdesk_update_channel", "helpdesk_update_webhook_url")
    def _check_helpdesk_update_webhook_url(self):
        for partner in self:
            url = partner.helpdesk_update_webhook_url
            if url and not url.startswith(("https://", "http://")):
                raise ValidationError(
                    self.env._("A status update webhook must be an http(s) URL.")
                )
            if partner.helpdesk_update_channel == "webhook" and not url:
                raise ValidationError(
                    self.env._(
                        "%(partner)s gets status updates by webhook: give its URL.",
                        partner=partner.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("helpdesk_support_manager") for vals in vals_list):
            self._check_helpdesk_support_manager_access()
        partners = super().create(vals_list)
        managers = partners.filtered("helpdesk_support_manager")
        if managers:
            self.env.registry.clear_cache()  # the portal ticket rule reads the flag
            managers._follow_company_tickets(True)
        return partners

    def write(self, vals):
        if "helpdesk_support_manager" not in vals:
            return super().write(vals)
        self._check_helpdesk_support_manager_access()
        changed = self.filtered(
            lambda p: p.helpdesk_support_manager
            != bool(vals["helpdesk_support_manager"])
        )
        partners = self
        if set(vals) == {"helpdesk_support_manager"}:
            # sudo: helpdesk managers choose a company's support managers even
            # without the right to edit contacts (checked above: only them).
            partners = self.sudo()
        res = super(ResPartner, partners).write(vals)
        if changed:
            self.env.registry.clear_cache()  # the portal ticket rule reads the flag
            changed._follow_company_tickets(vals["helpdesk_support_manager"])
        return res

    def _check_helpdesk_support_manager_access(self):
        if not self.env.su and not self.env.user.has_group(
            "helpdesk_mgmt.group_helpdesk_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only helpdesk managers choose the support managers of a company."
                )
            )

    def _follow_company_tickets(self, follow):
        """New support managers follow their company's open tickets; former ones
        stop following the tickets that are not their own."""
        # sudo: following every ticket of the company is what the flag grants.
        tickets = self.env["helpdesk.ticket"].sudo()
        for partner in self:
            company_tickets = tickets.search(
                [
                    ("commercial_partner_id", "=", partner.commercial_partner_id.id),
                    ("partner_id", "!=", partner.id),
                ]
                + ([("closed", "=", False)] if follow else [])
            )
            if follow:
                company_tickets.message_subscribe(partner_ids=partner.ids)
            else:
                company_tickets.message_unsubscribe(partner_ids=partner.ids)

    def init(self):
        res = super().init()
        # Phone lookups compare the last digits: index the reversed digits.
        for column in ("phone", "mobile"):
            create_index(
                self.env.cr,
                f"res_partner_{column}_digits_reversed_index",
                self._table,
                [f"{_reversed_digits(column).code} text_pattern_ops"],
            )
        return res

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["helpdesk_service_plan_id"]

    @api.model
    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        if (
            self.env.context.get(PHONE_LOOKUP_CONTEXT_KEY)
            and operator == "ilike"
            and isinstance(value, str)
        ):
            partner_ids = self._search_phone(value)
            if partner_ids:
                domain = expression.OR([domain, [("id", "in", partner_ids)]])
        return domain

    @api.model
    def _search_phone(self, number):
        """Ids of the partners whose phone or mobile ends with the same digits
        as ``number`` (ignoring spaces, dots and country prefixes)."""
        digits = re.sub(r"\D", "", number or "")
        if len(digits) < PHONE_MIN_DIGITS:
            return []
        pattern = digits[-PHONE_MATCH_DIGITS:][::-1] + "%"
        self.env["res.partner"].flush_model(["phone", "mobile"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM res_partner WHERE %s LIKE %s OR %s LIKE %s",
                _reversed_digits("phone"),
                pattern,
                _reversed_digits("mobile"),
                pattern,
            )
        )
        return [row[0] for row in rows]

    def _compute_helpdesk_problem_count(self):
        """Problems of the partner's company (problems are kept per company)."""
        counts = dict(
            self.env["helpdesk.problem"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.helpdesk_problem_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_view_helpdesk_problems(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_tiers.helpdesk_problem_action"
        )
        action.update(
            domain=[("partner_id", "=", self.commercial_partner_id.id)],
            context={"default_partner_id": self.commercial_partner_id.id},
        )
        return action
