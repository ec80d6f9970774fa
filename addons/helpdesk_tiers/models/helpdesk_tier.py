# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import html_translate


class HelpdeskTier(models.Model):
    """A level of the support ladder: L1 hotline, L2 back office, L3 specialists,
    L4 vendors. Tickets move between tiers only through escalations."""

    _name = "helpdesk.tier"
    _description = "Support Tier"
    _inherit = ["mail.thread"]
    _order = "level, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short unique code (L1, L2...) by which RPC callers and the sync "
        "daemon name the tier.",
    )
    level = fields.Integer(
        required=True,
        tracking=True,
        help="Position on the ladder: 1 for the front line, higher for deeper "
        "expertise. Returning a ticket moves it to the next lower level.",
    )
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    customer_label = fields.Char(
        string="Shown to customers as",
        translate=True,
        help="How customers read who handles their ticket, e.g. 'our support desk' "
        "or 'the manufacturer'.",
    )
    team_ids = fields.One2many("helpdesk.ticket.team", "tier_id", string="Teams")
    is_external = fields.Boolean(
        string="External (vendor)",
        help="Tickets at this tier are handled outside the company, in the "
        "vendor's own system.",
    )
    escalation_target_ids = fields.Many2many(
        "helpdesk.tier",
        relation="helpdesk_tier_escalation_target_rel",
        column1="tier_id",
        column2="target_tier_id",
        string="Can escalate to",
        help="Higher tiers that this tier may escalate a ticket to. Returning a "
        "ticket one step down is always allowed.",
    )
    handoff_checklist = fields.Html(
        translate=html_translate,
        help="What the hand-off note to this tier must cover; shown in the "
        "escalation wizard.",
    )
    handoff_min_length = fields.Integer(
        string="Minimal hand-off note length",
        default=30,
        help="Hand-off notes to this tier shorter than this (in characters) are "
        "refused as trivial.",
    )
    notify_customer_expectation = fields.Boolean(
        string="Tell the customer what to expect",
        help="When a ticket reaches this tier, the customer is told that delay "
        "and cost may be long.",
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    _sql_constraints = [
        ("code_unique", "unique(code)", "Each tier needs its own code."),
        ("level_positive", "check(level > 0)", "A tier's level must be positive."),
        (
            "handoff_min_length_positive",
            "check(handoff_min_length >= 0)",
            "The minimal hand-off note length cannot be negative.",
        ),
    ]

    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("tier_id", "in", self.ids), ("closed", "=", False)],
                ["tier_id"],
                ["__count"],
            )
        )
        for tier in self:
            tier.ticket_count = counts.get(tier, 0)

    @api.constrains("escalation_target_ids", "level")
    def _check_escalation_target_ids(self):
        for tier in self:
            lower = tier.escalation_target_ids.filtered(
                lambda t, tier=tier: t.level <= tier.level
            )
            if lower:
                raise ValidationError(
                    self.env._(
                        "%(tier)s can only escalate to higher tiers; "
                        "%(targets)s are not higher.",
                        tier=tier.display_name,
                        targets=", ".join(lower.mapped("display_name")),
                    )
                )

    @api.constrains("code")
    def _check_code(self):
        for tier in self:
            if not tier.code.strip() or tier.code != tier.code.strip():
                raise ValidationError(
                    self.env._("A tier code cannot be blank or padded with spaces.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        self.env.registry.clear_cache()
        return tiers

    def write(self, vals):
        res = super().write(vals)
        if {"level", "active"} & vals.keys():
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    @api.model
    @tools.ormcache()
    def _get_default_tier_id(self):
        """The front-line tier, where new tickets start."""
        return self.search([], order="level, id", limit=1).id

    @api.model
    def _resolve(self, tier):
        """Accept a tier as a record, an id or a code (what RPC callers send)."""
        if isinstance(tier, models.BaseModel) and tier._name == self._name:
            found = tier.exists()
        elif isinstance(tier, int) and not isinstance(tier, bool):
            found = self.browse(tier).exists()
            found = found if found.active else self.browse()
        elif isinstance(tier, str) and tier.strip():
            found = self.search([("code", "=", tier.strip())], limit=1)
        else:
            found = self.browse()
        if len(found) != 1:
            raise UserError(self.env._("Unknown support tier: %s.", tier))
        return found

    def _get_lower_tiers(self):
        """Map each tier to the active tier right below it (empty at the bottom)."""
        ladder = self.search([])
        return {
            tier: ladder.filtered(lambda t, tier=tier: t.level < tier.level)[-1:]
            for tier in self
        }

    def _get_team(self, company):
        """The team that receives tickets at this tier for ``company``."""
        self.ensure_one()
        teams = self.team_ids.filtered(lambda t: t.active)
        return (
            teams.filtered(lambda t: t.company_id == company)[:1]
            or teams.filtered(lambda t: not t.company_id)[:1]
            or teams[:1]
        )

    def action_view_tickets(self):
        self.ensure_one()
        return self.env["helpdesk.ticket"]._get_tickets_action(
            self.display_name,
            [("tier_id", "=", self.id)],
            {"search_default_open": 1, "default_tier_id": self.id},
        )
