# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.helpdesk_service_plan import PRIORITY_CATEGORIES
from ..models.helpdesk_ticket import SLA_STATES, WAITING_ON

# The share of tickets the front line should resolve itself.
L1_RESOLUTION_TARGET = 80.0
_TICKET_MEASURES = [
    "__count",
    "resolved_l1_rate:avg",
    "first_contact_rate:avg",
    "escalated_rate:avg",
    "sla_compliance:avg",
    "response_hours:avg",
    "resolve_hours:avg",
    "vendor_wait_hours:sum",
]
_TICKET_KEYS = [
    "tickets",
    "resolved_l1_rate",
    "first_contact_rate",
    "escalated_rate",
    "sla_compliance",
    "response_hours",
    "resolve_hours",
    "vendor_hours",
]
AGE_BUCKETS = [
    ("1_day", "Less than a day"),
    ("2_days", "1 to 3 days"),
    ("3_week", "3 to 7 days"),
    ("4_month", "1 to 4 weeks"),
    ("5_older", "Older"),
]


class HelpdeskTicketReport(models.Model):
    """One row per ticket, for managers: where tickets are resolved, how fast,
    within the service levels or not, and the open backlog by age. Rates are
    0 or 100 per ticket (empty when they do not apply), so that their average
    in a pivot or graph is the share in %."""

    _name = "helpdesk.ticket.report"
    _description = "Helpdesk Ticket Analysis"
    _auto = False
    _rec_name = "ticket_id"
    _order = "date desc"
    _depends = {
        "helpdesk.ticket": [
            "active",
            "company_id",
            "team_id",
            "user_id",
            "tier_id",
            "resolved_tier_id",
            "service_plan_id",
            "priority_category",
            "commercial_partner_id",
            "category_id",
            "channel_id",
            "stage_id",
            "closed_date",
            "sla_start_date",
            "first_response_date",
            "sla_state",
            "waiting_on",
            "customer_wait_count",
            "vendor_wait_hours",
        ],
        "helpdesk.ticket.stage": ["closed"],
        "helpdesk.tier": ["level"],
        "helpdesk.ticket.escalation": ["ticket_id", "direction"],
    }

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    tier_id = fields.Many2one(
        "helpdesk.tier",
        readonly=True,
        help="The tier that resolved the ticket, or holds it while it is open.",
    )
    service_plan_id = fields.Many2one("helpdesk.service.plan", readonly=True)
    priority_category = fields.Selection(
        PRIORITY_CATEGORIES, string="Priority", readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    category_id = fields.Many2one("helpdesk.ticket.category", readonly=True)
    channel_id = fields.Many2one("helpdesk.ticket.channel", readonly=True)
    stage_id = fields.Many2one("helpdesk.ticket.stage", readonly=True)
    date = fields.Datetime(string="Opened on", readonly=True)
    closed_date = fields.Datetime(string="Closed on", readonly=True)
    is_closed = fields.Boolean(string="Closed", readonly=True)
    sla_state = fields.Selection(SLA_STATES, string="SLA", readonly=True)
    waiting_on = fields.Selection(WAITING_ON, string="Waiting on", readonly=True)
    age_bucket = fields.Selection(
        AGE_BUCKETS, string="Age", readonly=True, help="Age of the open tickets."
    )
    escalation_count = fields.Integer(string="Escalations", readonly=True)
    resolved_l1_rate = fields.Float(
        string="Resolved at L1 (%)",
        aggregator="avg",
        readonly=True,
        help="Closed tickets resolved by the front line (target: 80 %).",
    )
    first_contact_rate = fields.Float(
        string="First contact resolution (%)",
        aggregator="avg",
        readonly=True,
        help="Closed tickets resolved by the front line without an escalation "
        "and without waiting on the customer.",
    )
    escalated_rate = fields.Float(
        string="Escalated (%)", aggregator="avg", readonly=True
    )
    sla_compliance = fields.Float(
        string="SLA compliance (%)",
        aggregator="avg",
        readonly=True,
        help="Tickets whose service level was met, among those met or breached.",
    )
    response_hours = fields.Float(
        string="Time to first response (h)",
        aggregator="avg",
        readonly=True,
        help="Hours from the opening to the first public reply of an agent.",
    )
    resolve_hours = fields.Float(
        string="Time to resolution (h)",
        aggregator="avg",
        readonly=True,
        help="Hours from the opening to the closing.",
    )
    age_days = fields.Float(
        string="Age (days)", aggregator="avg", readonly=True, help="Open tickets."
    )
    vendor_wait_hours = fields.Float(
        string="Time at vendor (h)",
        aggregator="sum",
        readonly=True,
        help="Working hours spent waiting on a vendor.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT ticket.id AS id,
                   ticket.id AS ticket_id,
                   ticket.company_id,
                   ticket.team_id,
                   ticket.user_id,
                   COALESCE(ticket.resolved_tier_id, ticket.tier_id) AS tier_id,
                   ticket.service_plan_id,
                   ticket.priority_category,
                   ticket.commercial_partner_id AS partner_id,
                   ticket.category_id,
                   ticket.channel_id,
                   ticket.stage_id,
                   ticket.sla_start_date AS date,
                   ticket.closed_date,
                   COALESCE(stage.closed, FALSE) AS is_closed,
                   ticket.sla_state,
                   ticket.waiting_on,
                   CASE WHEN stage.closed THEN NULL
                        WHEN age.days < 1 THEN '1_day'
                        WHEN age.days < 3 THEN '2_days'
                        WHEN age.days < 7 THEN '3_week'
                        WHEN age.days < 28 THEN '4_month'
                        ELSE '5_older' END AS age_bucket,
                   COALESCE(moves.up, 0) AS escalation_count,
                   CASE WHEN stage.closed THEN
                        CASE WHEN tier.level = 1 THEN 100.0 ELSE 0.0 END
                   END AS resolved_l1_rate,
                   CASE WHEN stage.closed THEN
                        CASE WHEN tier.level = 1 AND moves.up IS NULL
                              AND COALESCE(ticket.customer_wait_count, 0) = 0
                             THEN 100.0 ELSE 0.0 END
                   END AS first_contact_rate,
                   CASE WHEN moves.up > 0 THEN 100.0 ELSE 0.0 END AS escalated_rate,
                   CASE ticket.sla_state WHEN 'met' THEN 100.0
                                         WHEN 'breached' THEN 0.0 END
                        AS sla_compliance,
                   EXTRACT(EPOCH FROM ticket.first_response_date
                                      - ticket.sla_start_date) / 3600
                        AS response_hours,
                   CASE WHEN stage.closed THEN
                        EXTRACT(EPOCH FROM ticket.closed_date - ticket.sla_start_date)
                        / 3600
                   END AS resolve_hours,
                   CASE WHEN NOT COALESCE(stage.closed, FALSE) THEN age.days END
                        AS age_days,
                   ticket.vendor_wait_hours
              FROM helpdesk_ticket ticket
              LEFT JOIN helpdesk_ticket_stage stage ON stage.id = ticket.stage_id
              LEFT JOIN helpdesk_tier tier
                     ON tier.id = COALESCE(ticket.resolved_tier_id, ticket.tier_id)
              LEFT JOIN (
                    SELECT ticket_id, COUNT(*) AS up
                      FROM helpdesk_ticket_escalation
                     WHERE direction = 'up'
                     GROUP BY ticket_id
              ) moves ON moves.ticket_id = ticket.id
             CROSS JOIN LATERAL (
                    SELECT EXTRACT(EPOCH FROM (NOW() AT TIME ZONE 'UTC')
                                              - ticket.sla_start_date) / 86400 AS days
             ) age
             WHERE ticket.active
            """
        )

    @api.model
    def get_overview(self, days=30):
        """The figures of the manager's overview screen: the tickets opened in the
        last ``days`` days (all of them with 0) and the open backlog. Returns
        ``totals``, one line per tier (``tiers``), the backlog by age
        (``backlog``) and the escalation paths (``paths``)."""
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise UserError(self.env._("The period is a number of days, 0 for all."))
        since = days and fields.Datetime.now() - timedelta(days=days)
        period = [("date", ">=", since)] if since else []
        stays = self.env["helpdesk.tier.stay.report"]
        stay_period = [("date_start", ">=", since)] if since else []
        (totals,) = self._read_group(period, [], _TICKET_MEASURES)
        per_tier = {
            tier: values
            for tier, *values in self._read_group(period, ["tier_id"], _TICKET_MEASURES)
        }
        stays_per_tier = {
            tier: values
            for tier, *values in stays._read_group(
                stay_period,
                ["tier_id"],
                ["__count", "resolved_rate:avg", "escalated_rate:avg", "hours:avg"],
            )
        }
        automatic = dict(
            stays._read_group(
                [*stay_period, ("automatic", "=", True)], ["tier_id"], ["__count"]
            )
        )
        open_states = {}
        for tier, state, count in self._read_group(
            [("is_closed", "=", False)], ["tier_id", "sla_state"], ["__count"]
        ):
            open_states.setdefault(tier, {})[state] = count
        ages = dict(
            self._read_group([("is_closed", "=", False)], ["age_bucket"], ["__count"])
        )
        tiers = []
        for tier in self.env["helpdesk.tier"].search([]):
            handled, resolved, escalated, hours = stays_per_tier.get(
                tier, (0, None, None, None)
            )
            states = open_states.get(tier, {})
            tiers.append(
                {
                    "id": tier.id,
                    "name": tier.display_name,
                    "code": tier.code,
                    "level": tier.level,
                    "is_external": tier.is_external,
                    **_figures(per_tier.get(tier)),
                    "handled": handled,
                    "resolved_here_rate": _round(resolved),
                    "escalation_rate": _round(escalated),
                    "hours_held": _round(hours),
                    "auto_escalated": automatic.get(tier, 0),
                    "open": sum(states.values()),
                    "at_risk": states.get("at_risk", 0),
                    "breached": states.get("breached", 0),
                }
            )
        labels = dict(self._fields["age_bucket"]._description_selection(self.env))
        return {
            "days": days,
            "l1_target": L1_RESOLUTION_TARGET,
            "totals": {
                **_figures(totals),
                "open": sum(ages.values()),
                **{
                    state: sum(states.get(state, 0) for states in open_states.values())
                    for state in ("at_risk", "breached")
                },
            },
            "tiers": tiers,
            "backlog": [
                {"key": key, "label": labels[key], "count": ages.get(key, 0)}
                for key, _label in AGE_BUCKETS
            ],
            "paths": [
                {
                    "from": origin.display_name,
                    "from_id": origin.id,
                    "to": target.display_name,
                    "to_id": target.id,
                    "count": count,
                }
                for origin, target, count in stays._read_group(
                    [*stay_period, ("outcome", "=", "escalated")],
                    ["tier_id", "next_tier_id"],
                    ["__count"],
                    order="__count desc",
                )
            ],
        }


def _figures(values):
    """The ticket measures of a read group row, by name (0 tickets: empty)."""
    figures = dict(zip(_TICKET_KEYS, values or (0,) + (None,) * 7, strict=True))
    return {key: _round(value) for key, value in figures.items()}


def _round(value):
    """One decimal for measures; None (JSON null) for an average of nothing."""
    if isinstance(value, bool) or value is None:
        return None
    return round(value, 1) if isinstance(value, float) else value
