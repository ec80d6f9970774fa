# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext, is_html_empty

PROBLEM_STATES = [
    ("new", "Proposed"),
    ("investigating", "Investigating"),
    ("known_error", "Known error"),
    ("resolved", "Resolved"),
    ("dismissed", "Dismissed"),
]
# A problem in one of these states still collects the new tickets of its customer
# and category (or product).
OPEN_PROBLEM_STATES = ("new", "investigating", "known_error")


class HelpdeskProblem(models.Model):
    """The common cause behind recurring tickets (ITIL problem management): proposed
    by the recurrence check or opened by hand, investigated, documented as a known
    error with its workaround, then resolved for all its tickets at once."""

    _name = "helpdesk.problem"
    _description = "Helpdesk Problem"
    _inherit = ["mail.thread", "mail.activity.mixin", "helpdesk.state.mixin"]
    _order = "id desc"
    _rec_names_search = ["number", "name"]

    number = fields.Char(default="/", readonly=True, copy=False, index=True)
    name = fields.Char(string="Title", required=True, tracking=True)
    state = fields.Selection(
        PROBLEM_STATES,
        default="new",
        required=True,
        tracking=True,
        index=True,
        group_expand="_read_group_state",
    )
    detection = fields.Selection(
        [
            ("manual", "Opened by hand"),
            ("partner", "Same customer and category"),
            ("product", "Same product, several customers"),
        ],
        default="manual",
        required=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index="btree_not_null",
        tracking=True,
        domain="[('parent_id', '=', False)]",
        help="The company (or individual) whose tickets recur; empty for a problem "
        "that hits several customers.",
    )
    category_id = fields.Many2one(
        "helpdesk.ticket.category",
        string="Category",
        index="btree_not_null",
        tracking=True,
    )
    product_id = fields.Many2one(
        "product.product",
        string="Product",
        index="btree_not_null",
        tracking=True,
        help="For a fault of one product that several customers report.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    color = fields.Integer()
    ticket_ids = fields.One2many("helpdesk.ticket", "problem_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_ticket_counts")
    open_ticket_count = fields.Integer(compute="_compute_ticket_counts")
    root_cause = fields.Html(
        help="What causes the tickets, once known: shared with the other tiers."
    )
    workaround = fields.Html(
        help="How to get the customer working again until the cause is removed. "
        "A known error publishes it for the front line."
    )
    kb_article_id = fields.Many2one(
        "helpdesk.kb.article",
        string="Knowledge base article",
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
        help="The article with the workaround, for the front line: an internal "
        "one is written when the problem becomes a known error, unless one is "
        "linked.",
    )
    resolution = fields.Html(
        readonly=True,
        help="The fix, as posted on the open tickets when the problem was resolved.",
    )
    date_resolved = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        (
            "number_company_unique",
            "unique(number, company_id)",
            "Each problem needs its own number.",
        ),
    ]

    @api.model
    def _read_group_state(self, states, domain):
        return [key for key, _label in PROBLEM_STATES]

    def _compute_ticket_counts(self):
        groups = self.env["helpdesk.ticket"]._read_group(
            [("problem_id", "in", self.ids)], ["problem_id", "closed"], ["__count"]
        )
        total, still_open = {}, {}
        for problem, closed, count in groups:
            total[problem] = total.get(problem, 0) + count
            if not closed:
                still_open[problem] = still_open.get(problem, 0) + count
        for problem in self:
            problem.ticket_count = total.get(problem, 0)
            problem.open_ticket_count = still_open.get(problem, 0)

    @api.depends("number", "name")
    def _compute_display_name(self):
        for problem in self:
            problem.display_name = (
                f"{problem.number} - {problem.name}"
                if problem.number and problem.number != "/"
                else problem.name
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("number", "/") == "/":
                sequence = self.env["ir.sequence"].with_company(
                    vals.get("company_id") or self.env.company.id
                )
                vals["number"] = sequence.next_by_code("helpdesk.problem") or "/"
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # State changes
    # ------------------------------------------------------------------

    def action_investigate(self):
        """Confirm a proposed problem (or reopen a closed one) and take it on."""
        self._check_state(("new", "resolved", "dismissed"))
        self.filtered(lambda p: not p.user_id).write({"user_id": self.env.user.id})
        self.write({"state": "investigating", "date_resolved": False})
        return True

    def action_known_error(self):
        """The cause is understood and a workaround exists."""
        self._check_state(("new", "investigating"))
        missing = self.filtered(lambda p: is_html_empty(p.workaround))
        if missing:
            raise UserError(
                self.env._(
                    "Describe the workaround of problem %s before marking it a "
                    "known error: the front line applies it to new tickets.",
                    missing[0].display_name,
                )
            )
        self.write({"state": "known_error"})
        self.filtered(lambda p: not p.kb_article_id)._publish_workaround()
        return True

    def _publish_workaround(self):
        """Write each problem's workaround as an internal article for the front
        line: published at once by an approver (L3, managers), sent to review
        otherwise."""
        articles_model = self.env["helpdesk.kb.article"]
        kb_categories = self.env["helpdesk.kb.category"].search(
            [("ticket_category_ids", "in", self.category_id.ids)]
        )
        front_line = self.env["helpdesk.tier"]._get_default_tier_id()
        vals_list = []
        for problem in self:
            symptoms = "\n".join(
                dict.fromkeys(
                    ticket.customer_wording or ticket.name
                    for ticket in problem.ticket_ids[:10]
                )
            )
            body = problem.workaround
            if not is_html_empty(problem.root_cause):
                body = (
                    body
                    + Markup("<h4>%s</h4>") % self.env._("Cause")
                    + problem.root_cause
                )
            vals_list.append(
                {
                    "name": self.env._("Workaround: %s", problem.name),
                    "body": body,
                    "symptoms": symptoms or False,
                    "keywords": ", ".join(
                        filter(
                            None,
                            (
                                problem.number,
                                problem.category_id.name,
                                problem.product_id.name,
                            ),
                        )
                    ),
                    "lang": articles_model._guess_lang(
                        f"{problem.name} {html2plaintext(problem.workaround)}"
                    ),
                    "visibility": "internal",
                    "tier_id": front_line,
                    "category_id": kb_categories.filtered(
                        lambda c, p=problem: p.category_id in c.ticket_category_ids
                    )[:1].id,
                    "company_id": problem.company_id.id,
                    "problem_ids": [Command.link(problem.id)],
                }
            )
        articles = articles_model.create(vals_list)
        if articles_model._is_approver():
            articles.action_publish()
        else:
            articles.action_submit_review()
        return articles

    def action_view_kb_article(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.kb.article",
            "res_id": self.kb_article_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_dismiss(self):
        """Not a real problem: the tickets only looked alike. Its tickets no longer
        count towards a new recurrence."""
        self._check_state(("new", "investigating"))
        self.write({"state": "dismissed"})
        return True

    def action_open_resolve_wizard(self):
        self.ensure_one()
        self._check_state(OPEN_PROBLEM_STATES)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resolve problem"),
            "res_model": "helpdesk.problem.resolve",
            "view_mode": "form",
            "target": "new",
            "context": {"default_problem_id": self.id},
        }

    def action_view_tickets(self):
        self.ensure_one()
        return self.env["helpdesk.ticket"]._get_tickets_action(
            self.display_name,
            [("problem_id", "=", self.id)],
            {"default_problem_id": self.id},
        )

    def _resolve(self, resolution, close_stage=False):
        """Mark the problems resolved with ``resolution`` (the fix, HTML), post it on
        each of their open tickets for the customer and, with ``close_stage``, close
        those tickets in that stage. Returns the tickets informed."""
        self._check_state(OPEN_PROBLEM_STATES)
        if is_html_empty(resolution):
            raise UserError(
                self.env._(
                    "Describe the fix: it is posted on every open ticket of the "
                    "problem."
                )
            )
        if close_stage and not close_stage.closed:
            raise UserError(
                self.env._(
                    "Stage %s does not close tickets: choose a closing stage.",
                    close_stage.display_name,
                )
            )
        tickets = self.env["helpdesk.ticket"].search(
            [("problem_id", "in", self.ids), ("closed", "=", False)]
        )
        locked = tickets - tickets._filtered_access("write") if close_stage else None
        if locked:
            raise UserError(
                self.env._(
                    "You may not close tickets %(tickets)s (they are at a tier "
                    "above yours): ask a specialist to resolve this problem, or "
                    "resolve it without closing the tickets.",
                    tickets=", ".join(locked.mapped("number")),
                )
            )
        self.write(
            {
                "state": "resolved",
                "resolution": resolution,
                "date_resolved": fields.Datetime.now(),
            }
        )
        tickets._post_problem_resolution()
        if close_stage:
            tickets.write({"stage_id": close_stage.id})
        informed = tickets.grouped("problem_id")
        for problem in self:
            count = len(informed.get(problem, []))
            problem.message_post(
                body=self.env._(
                    "Resolved: the fix was posted on %s open tickets, which were "
                    "closed.",
                    count,
                )
                if close_stage
                else self.env._(
                    "Resolved: the fix was posted on %s open tickets.", count
                ),
            )
        return tickets
