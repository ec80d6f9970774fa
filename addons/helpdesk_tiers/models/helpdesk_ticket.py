# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .helpdesk_ticket_escalation import ESCALATION_REASONS

# Context key under which escalate() writes tier_id; any other write of it is refused,
# so every move between tiers leaves a hand-off note.
MOVE_CONTEXT_KEY = "helpdesk_tiers_move"
_WORD_RE = re.compile(r"\w{2,}")
_MIN_DISTINCT_WORDS = 3


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

    @api.depends("stage_id.closed", "tier_id")
    def _compute_resolved_tier_id(self):
        for ticket in self:
            ticket.resolved_tier_id = (
                ticket.tier_id if ticket.stage_id.closed else False
            )

    @api.depends("tier_id", "stage_id.closed")
    def _compute_allowed_moves(self):
        moves = self._get_allowed_moves()
        for ticket in self:
            up, down = moves[ticket]
            open_ticket = not ticket.stage_id.closed
            ticket.can_escalate = open_ticket and bool(up)
            ticket.can_return = open_ticket and bool(down)

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
        self._align_tier_and_team(vals_list)
        return super().create(vals_list)

    def write(self, vals):
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
        return super().write(vals)

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
    def escalate(self, tier, note, reason=None):
        """Hand the tickets to ``tier`` (a tier record, id or code) with a hand-off
        note: up to a tier this one may escalate to, or back down one step.

        Raises a UserError, and writes nothing, on an unknown tier or reason, an
        empty or trivial note, a tier not allowed from the current one or a closed
        ticket. Returns the escalation records (their ids over RPC)."""
        self.check_access("write")
        target = self.env["helpdesk.tier"]._resolve(tier)
        return self._move_to_tiers(dict.fromkeys(self, target), note, reason)

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

    def _move_to_tiers(self, targets, note, reason):
        if not targets:
            return self.env["helpdesk.ticket.escalation"]
        self._check_moves(targets, reason)
        min_length = max(target.handoff_min_length for target in targets.values())
        note = self._check_handoff_note(note, min_length)

        # The author keeps following the tickets handed away (subscribe while the
        # ticket is still at a tier the author may write).
        self.message_subscribe(partner_ids=self.env.user.partner_id.ids)
        vals_list, groups = [], {}
        for ticket, target in targets.items():
            team = target._get_team(ticket.company_id)
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
            groups.setdefault((target, team), []).append(ticket.id)
        escalations = self.env["helpdesk.ticket.escalation"].create(vals_list)
        moving = self.with_context(**{MOVE_CONTEXT_KEY: True})
        for (target, team), ticket_ids in groups.items():
            moving.browse(ticket_ids).write({"tier_id": target.id, "team_id": team.id})
        escalations._post_handoff_notes()
        return escalations

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
