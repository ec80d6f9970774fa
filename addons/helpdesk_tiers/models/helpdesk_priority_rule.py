# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import functools
import re
from dataclasses import dataclass

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import safe_eval

from ..tools.text import normalize, phrase_pattern
from .helpdesk_service_plan import PRIORITY_CATEGORIES

_KEYWORD_SPLIT_RE = re.compile(r"[,;\n]+")
# How many open tickets the preview looks at (it filters keywords in Python).
_PREVIEW_LIMIT = 2000


def _split_keywords(keywords):
    return [k.strip() for k in _KEYWORD_SPLIT_RE.split(keywords or "") if k.strip()]


@functools.lru_cache(maxsize=512)
def _keyword_pattern(keywords):
    """Compiled whole-word pattern for a rule's keywords (cached by their text)."""
    return phrase_pattern(_split_keywords(keywords))


@functools.lru_cache(maxsize=512)
def _keyword_labels(keywords):
    """{normalised keyword: the keyword as the rule's author wrote it}."""
    return {normalize(k): k for k in reversed(_split_keywords(keywords))}


@dataclass(frozen=True, eq=False)
class RuleMatcher:
    """A rule prepared to be tried on many tickets without a query per ticket.

    ``facts`` describe a ticket: (company id, plan id, frozenset of the tag ids of
    the contact and its company, normalised text)."""

    rule: models.BaseModel
    company_id: int
    plan_ids: frozenset
    category_ids: frozenset
    pattern: re.Pattern | None
    labels: dict
    domain: list

    def match(self, facts):
        """None when the rule's conditions other than its domain do not hold,
        else the tuple of keywords found (empty for a rule without keywords)."""
        company_id, plan_id, categories, text = facts
        if self.company_id and self.company_id != company_id:
            return None
        if self.plan_ids and plan_id not in self.plan_ids:
            return None
        if self.category_ids and self.category_ids.isdisjoint(categories):
            return None
        if self.pattern is None:
            return ()
        found = tuple(
            dict.fromkeys(self.labels[m.group(0)] for m in self.pattern.finditer(text))
        )
        return found or None


def rule_candidates(matchers, facts):
    """The rules that may apply to a ticket, in sequence order: those whose
    conditions other than the domain hold, up to the first one without a domain
    (which applies for sure). Returns [(matcher, keywords found), ...]."""
    candidates = []
    for matcher in matchers:
        found = matcher.match(facts)
        if found is not None:
            candidates.append((matcher, found))
            if not matcher.domain:
                break
    return candidates


class HelpdeskPriorityRule(models.Model):
    """Sets a new ticket's priority, and optionally routes it to a tier and team,
    when all of its conditions hold. Rules are tried by sequence; the first that
    matches wins; when none does, the ticket gets its service plan's default."""

    _name = "helpdesk.priority.rule"
    _description = "Priority Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    sequence = fields.Integer(default=10, tracking=True)
    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to apply in every company."
    )
    domain = fields.Char(
        string="Ticket filter",
        default="[]",
        tracking=True,
        help="Only tickets matching this filter (an Odoo domain on tickets).",
    )
    keywords = fields.Char(
        tracking=True,
        help="Comma-separated words or phrases, in any language. The rule "
        "applies when one of them occurs as whole words in the title, the "
        "description or the customer's words, whatever the case and accents.",
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer tags",
        help="Only customers (the contact or their company) with one of these tags.",
    )
    service_plan_ids = fields.Many2many(
        "helpdesk.service.plan",
        string="Service plans",
        help="Only tickets covered by one of these plans.",
    )
    priority_category = fields.Selection(
        PRIORITY_CATEGORIES, string="Priority", required=True, tracking=True
    )
    tier_id = fields.Many2one(
        "helpdesk.tier",
        string="Route to tier",
        ondelete="restrict",
        tracking=True,
        help="Open the ticket at this tier instead of the front line.",
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Route to team",
        ondelete="restrict",
        tracking=True,
        domain="[('tier_id', 'in', [tier_id, False])]",
    )
    description = fields.Text(translate=True, help="Why this rule exists.")
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("priority_rule_id", "in", self.ids)],
                ["priority_rule_id"],
                ["__count"],
            )
        )
        for rule in self:
            rule.ticket_count = counts.get(rule, 0)

    @api.constrains("domain")
    def _check_domain(self):
        for rule in self:
            try:
                domain = rule._get_domain()
                self.env["helpdesk.ticket"]._search(domain)
            except Exception as error:  # any parse or field error: say which rule
                raise ValidationError(
                    self.env._(
                        "The ticket filter of rule %(rule)s is not a valid domain "
                        "on tickets: %(error)s",
                        rule=rule.display_name,
                        error=error,
                    )
                ) from error

    @api.constrains("keywords")
    def _check_keywords(self):
        for rule in self:
            if rule.keywords and not _keyword_pattern(rule.keywords):
                raise ValidationError(
                    self.env._(
                        "Rule %s has keywords made of punctuation only.",
                        rule.display_name,
                    )
                )

    @api.constrains("tier_id", "team_id")
    def _check_team_tier(self):
        for rule in self:
            team_tier = rule.team_id.tier_id
            if team_tier and rule.tier_id and team_tier != rule.tier_id:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s routes to team %(team)s, which works at "
                        "%(team_tier)s, not at %(tier)s.",
                        rule=rule.display_name,
                        team=rule.team_id.display_name,
                        team_tier=team_tier.display_name,
                        tier=rule.tier_id.display_name,
                    )
                )

    def _get_domain(self):
        """The rule's ticket filter as a domain list ([] when empty)."""
        self.ensure_one()
        if not (self.domain or "").strip():
            return []
        domain = safe_eval.safe_eval(
            self.domain,
            {
                "datetime": safe_eval.datetime,
                "dateutil": safe_eval.dateutil,
                "time": safe_eval.time,
                "context_today": safe_eval.datetime.date.today,
                "uid": self.env.uid,
                "user": self.env.user,
            },
        )
        if not isinstance(domain, list | tuple):
            raise ValueError(self.env._("a domain is a list of conditions"))
        return expression.normalize_domain(list(domain)) if domain else []

    def _get_matchers(self):
        """The rules as ``RuleMatcher`` objects, in sequence order."""
        return [
            RuleMatcher(
                rule=rule,
                company_id=rule.company_id.id,
                plan_ids=frozenset(rule.service_plan_ids.ids),
                category_ids=frozenset(rule.partner_category_ids.ids),
                pattern=_keyword_pattern(rule.keywords) if rule.keywords else None,
                labels=_keyword_labels(rule.keywords) if rule.keywords else {},
                domain=rule._get_domain(),
            )
            for rule in self
        ]

    def _condition_domain(self):
        """The rule's conditions that a domain can express (all but keywords)."""
        self.ensure_one()
        domains = [self._get_domain()]
        if self.company_id:
            domains.append([("company_id", "=", self.company_id.id)])
        if self.service_plan_ids:
            domains.append([("service_plan_id", "in", self.service_plan_ids.ids)])
        if self.partner_category_ids:
            categories = self.partner_category_ids.ids
            domains.append(
                [
                    "|",
                    ("partner_id.category_id", "in", categories),
                    ("commercial_partner_id.category_id", "in", categories),
                ]
            )
        return expression.AND(domains)

    def action_preview(self):
        """The open tickets this rule's conditions match today."""
        self.ensure_one()
        tickets = self.env["helpdesk.ticket"].search(
            expression.AND([[("closed", "=", False)], self._condition_domain()]),
            limit=_PREVIEW_LIMIT,
            order="id desc",
        )
        if self.keywords:
            pattern = _keyword_pattern(self.keywords)
            tickets = tickets.filtered(
                lambda t: pattern.search(t._get_priority_rule_text())
            )
        return self.env["helpdesk.ticket"]._get_tickets_action(
            self.env._("Open tickets matching %s", self.display_name),
            [("id", "in", tickets.ids)],
        )

    def action_view_tickets(self):
        self.ensure_one()
        return self.env["helpdesk.ticket"]._get_tickets_action(
            self.display_name, [("priority_rule_id", "=", self.id)]
        )

    def _describe_conditions(self, keywords=()):
        """A sentence listing the rule's conditions, with the keywords found."""
        self.ensure_one()
        parts = []
        if keywords:
            parts.append(
                self.env._(
                    "the words %s",
                    ", ".join(f"“{keyword}”" for keyword in keywords),
                )
            )
        if self.partner_category_ids:
            parts.append(
                self.env._(
                    "a customer tagged %s",
                    " / ".join(self.partner_category_ids.mapped("name")),
                )
            )
        if self.service_plan_ids:
            parts.append(
                self.env._(
                    "the service plan %s",
                    " / ".join(self.service_plan_ids.mapped("display_name")),
                )
            )
        if self._get_domain():
            parts.append(self.env._("the rule's ticket filter"))
        if self.company_id:
            parts.append(self.env._("company %s", self.company_id.name))
        return "; ".join(parts)
