# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Recurring tickets proposed as problems."""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from .helpdesk_problem import OPEN_PROBLEM_STATES


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # ------------------------------------------------------------------
    # Recurrence
    # ------------------------------------------------------------------

    def _detect_recurrence(self):
        """Flag the tickets that recur and link them to their problem, with the
        company's settings N (threshold) and D (window in days):

        - customer rule: the ticket's company (commercial partner) has at least N
          tickets in the ticket's category within D days, the ticket included;
        - product rule: at least N customers reported the ticket's product within
          D days.

        A ticket joins the open problem of its customer and category, else the
        open problem of its product, however old the earlier tickets are; else a
        rule that holds proposes a problem (state ``new``) for L2/L3 to confirm or
        dismiss, which the earlier tickets of the series join too. Tickets of a
        resolved or dismissed problem no longer count."""
        to_link, proposals = self._find_recurrences()
        if proposals:
            problems = self._propose_problems(proposals)
            series = self._recurrence_series(proposals)
            for problem, (key, new_ids) in zip(
                problems, proposals.items(), strict=True
            ):
                to_link[problem.id] = new_ids
                # The earlier tickets of the series join the proposed problem
                # (without the flag: they were not recurring when they came in).
                earlier = series.get(key, self.browse()) - self.browse(new_ids)
                earlier.sudo().write({"problem_id": problem.id})
        for problem_id, ticket_ids in to_link.items():
            # Detection acts for the system, whoever creates the ticket (portal,
            # mail gateway, an L1 agent): only these two fields are written.
            self.browse(ticket_ids).sudo().write(
                {"problem_id": problem_id, "is_recurring": True}
            )

    def _find_recurrences(self):
        """The check itself, one query for the whole batch, without writing:
        ``({problem id: [ticket ids to link and flag]}, {proposal key: [ticket
        ids]})``, a proposal key being ``("partner", customer id, category id,
        company id)`` or ``("product", product id, None, company id)``.

        Each rule reads the newest tickets of its index only until it knows: N
        tickets of the customer and category, or N distinct customers of the
        product (one index probe per customer found), so its cost depends on N,
        not on the size of the ticket table or of the customer's history."""
        to_link = defaultdict(list)
        proposals = defaultdict(list)
        if not self:
            return to_link, proposals
        self.flush_model(
            [
                "commercial_partner_id",
                "category_id",
                "product_id",
                "company_id",
                "problem_id",
                "active",
            ]
        )
        self.env["helpdesk.problem"].flush_model(
            ["state", "partner_id", "category_id", "product_id", "company_id"]
        )
        window = SQL(
            "t.create_date >= new.create_date"
            " - make_interval(days => company.helpdesk_recurrence_days)"
            " AND t.company_id = new.company_id AND t.active"
            " AND (t.problem_id IS NULL OR NOT EXISTS ("
            "     SELECT 1 FROM helpdesk_problem closed"
            "      WHERE closed.id = t.problem_id AND closed.state NOT IN %s))",
            OPEN_PROBLEM_STATES,
        )
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT new.id AS ticket_id,
                   new.commercial_partner_id AS partner_id,
                   new.category_id,
                   new.product_id,
                   new.company_id,
                   company.helpdesk_recurrence_threshold AS threshold,
                   by_customer.ticket_count,
                   customer_problem.id AS customer_problem_id,
                   by_product.customer_count,
                   product_problem.id AS product_problem_id
              FROM helpdesk_ticket new
              JOIN res_company company ON company.id = new.company_id
              LEFT JOIN LATERAL (
                   SELECT count(*) AS ticket_count
                     FROM (
                           SELECT 1
                             FROM helpdesk_ticket t
                            WHERE t.commercial_partner_id = new.commercial_partner_id
                              AND t.category_id = new.category_id
                              AND %(window)s
                            ORDER BY t.create_date DESC
                            LIMIT company.helpdesk_recurrence_threshold
                          ) enough
                  ) by_customer ON new.category_id IS NOT NULL
              LEFT JOIN LATERAL (
                   SELECT p.id
                     FROM helpdesk_problem p
                    WHERE p.partner_id = new.commercial_partner_id
                      AND p.category_id = new.category_id
                      AND p.company_id = new.company_id
                      AND p.state IN %(open)s
                    ORDER BY p.id DESC
                    LIMIT 1
                  ) customer_problem ON new.category_id IS NOT NULL
              LEFT JOIN LATERAL (
                   -- Distinct customers, newest first: each step probes the index
                   -- for the newest ticket of a customer not seen yet.
                   WITH RECURSIVE seen(customers) AS (
                        SELECT ARRAY[]::integer[]
                         UNION ALL
                        SELECT seen.customers || next.commercial_partner_id
                          FROM seen
                         CROSS JOIN LATERAL (
                               SELECT t.commercial_partner_id
                                 FROM helpdesk_ticket t
                                WHERE t.product_id = new.product_id
                                  AND t.commercial_partner_id IS NOT NULL
                                  AND t.commercial_partner_id <> ALL (seen.customers)
                                  AND %(window)s
                                ORDER BY t.create_date DESC
                                LIMIT 1
                               ) next
                         WHERE cardinality(seen.customers)
                               < company.helpdesk_recurrence_threshold
                   )
                   SELECT max(cardinality(customers)) AS customer_count FROM seen
                  ) by_product ON new.product_id IS NOT NULL
              LEFT JOIN LATERAL (
                   SELECT p.id
                     FROM helpdesk_problem p
                    WHERE p.product_id = new.product_id
                      AND p.partner_id IS NULL
                      AND p.company_id = new.company_id
                      AND p.state IN %(open)s
                    ORDER BY p.id DESC
                    LIMIT 1
                  ) product_problem ON new.product_id IS NOT NULL
             WHERE new.id = ANY(%(ids)s)
               AND new.problem_id IS NULL
               AND (new.category_id IS NOT NULL AND new.commercial_partner_id
                    IS NOT NULL OR new.product_id IS NOT NULL)
                """,
                window=window,
                open=OPEN_PROBLEM_STATES,
                ids=self.ids,
            )
        )
        for row in rows:
            threshold = row["threshold"]
            problem_id = row["customer_problem_id"] or row["product_problem_id"]
            if problem_id:
                to_link[problem_id].append(row["ticket_id"])
            elif row["partner_id"] and (row["ticket_count"] or 0) >= threshold:
                key = ("partner", row["partner_id"], row["category_id"])
                proposals[(*key, row["company_id"])].append(row["ticket_id"])
            elif (row["customer_count"] or 0) >= threshold:
                key = ("product", row["product_id"], None)
                proposals[(*key, row["company_id"])].append(row["ticket_id"])
        return to_link, proposals

    @api.model
    def _recurrence_series(self, proposals):
        """{proposal key: the tickets of its window without a problem}, in one
        search: the series a proposed problem starts with."""
        companies = self.env["res.company"].browse({key[3] for key in proposals})
        now = fields.Datetime.now()
        since = {
            company.id: now - timedelta(days=company.helpdesk_recurrence_days)
            for company in companies
        }
        domains = [
            [
                ("commercial_partner_id", "=", record_id)
                if kind == "partner"
                else ("product_id", "=", record_id),
                ("category_id", "=", category_id)
                if kind == "partner"
                else ("product_id", "!=", False),
                ("company_id", "=", company_id),
                ("create_date", ">=", since[company_id]),
                ("problem_id", "=", False),
            ]
            for kind, record_id, category_id, company_id in proposals
        ]
        series = defaultdict(list)
        for ticket in self.sudo().search(expression.OR(domains)):
            company_id = ticket.company_id.id
            for key in (
                (
                    "partner",
                    ticket.commercial_partner_id.id,
                    ticket.category_id.id,
                    company_id,
                ),
                ("product", ticket.product_id.id, None, company_id),
            ):
                if key in proposals:
                    series[key].append(ticket.id)
        return {key: self.browse(ids) for key, ids in series.items()}

    @api.model
    def _propose_problems(self, proposals):
        """Create one proposed problem per key of ``proposals``, in the same order:
        ``("partner", customer id, category id, company id)`` or
        ``("product", product id, None, company id)``."""
        keys = list(proposals)
        customers = self.env["res.partner"].browse(
            {key[1] for key in keys if key[0] == "partner"}
        )
        categories = self.env["helpdesk.ticket.category"].browse(
            {key[2] for key in keys if key[0] == "partner"}
        )
        products = self.env["product.product"].browse(
            {key[1] for key in keys if key[0] == "product"}
        )
        names = {
            **{("partner", p.id): p.display_name for p in customers},
            **{("category", c.id): c.name for c in categories},
            **{("product", p.id): p.display_name for p in products},
        }
        vals_list = []
        for kind, record_id, category_id, company_id in keys:
            if kind == "partner":
                vals_list.append(
                    {
                        "name": self.env._(
                            "Recurring %(category)s tickets from %(customer)s",
                            category=names["category", category_id],
                            customer=names["partner", record_id],
                        ),
                        "partner_id": record_id,
                        "category_id": category_id,
                        "company_id": company_id,
                        "detection": "partner",
                    }
                )
            else:
                vals_list.append(
                    {
                        "name": self.env._(
                            "Same fault on %(product)s at several customers",
                            product=names["product", record_id],
                        ),
                        "product_id": record_id,
                        "company_id": company_id,
                        "detection": "product",
                    }
                )
        # Tickets may come from the portal or the mail gateway, whose users may not
        # create problems: the check proposes them on the system's behalf.
        problems = self.env["helpdesk.problem"].sudo().create(vals_list)
        for problem in problems:
            threshold = problem.company_id.helpdesk_recurrence_threshold
            days = problem.company_id.helpdesk_recurrence_days
            problem.message_post(
                body=self.env._(
                    "Proposed by the recurrence check: %(customer)s opened at least "
                    "%(count)s tickets in %(category)s within %(days)s days. Confirm "
                    "it (Investigate) or dismiss it.",
                    count=threshold,
                    customer=problem.partner_id.display_name,
                    category=problem.category_id.name,
                    days=days,
                )
                if problem.detection == "partner"
                else self.env._(
                    "Proposed by the recurrence check: at least %(count)s customers "
                    "reported %(product)s within %(days)s days. Confirm it "
                    "(Investigate) or dismiss it.",
                    count=threshold,
                    product=problem.product_id.display_name,
                    days=days,
                ),
            )
        return problems
