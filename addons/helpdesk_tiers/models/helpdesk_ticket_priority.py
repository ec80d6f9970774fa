# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Priority rules applied to tickets, overrides."""

from odoo import api, models
from odoo.exceptions import UserError

from ..tools.text import html_to_words, normalize
from .helpdesk_priority_rule import rule_candidates
from .helpdesk_service_plan import CATEGORY_PRIORITY
from .helpdesk_ticket import (
    MOVE_CONTEXT_KEY,
    RULES_CONTEXT_KEY,
)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

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
