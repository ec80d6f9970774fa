# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer portal of tickets, on top of helpdesk_mgmt's.

- ``/my/tickets``: filters (open, waiting for the customer, closed, the contact's
  own for a company's support manager), search in serial numbers too, grouping by
  who handles the ticket and by contact; one query per page whatever its size.
- ``/my/ticket/<id>``: who handles it in the customer's words, the targets, the
  next update; close (``POST /ticket/close``), reopen and rate. A ticket the
  user may not read answers 404, never 403, so nothing tells it exists.
- ``/new/ticket`` and ``POST /submitted/ticket``: the customer's words, product,
  serial or licence, "is your business stopped?", "how many people are affected?"
  and attachments; an invalid field re-displays the form with its message and
  the values typed; nothing is created then.
"""

from operator import itemgetter

from werkzeug.exceptions import NotFound
from werkzeug.urls import url_encode

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import groupby as groupbyelem

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk
from odoo.addons.portal.controllers.portal import pager as portal_pager

MAX_SUBJECT = 200
MAX_DESCRIPTION = 20000
MAX_REFERENCE = 100
MAX_AFFECTED_USERS = 100000
MAX_PORTAL_PRODUCTS = 500


def _portal_ticket(ticket_id):
    """The ticket ``ticket_id`` if the logged-in user may read it; else 404."""
    try:
        ticket = request.env["helpdesk.ticket"].browse(int(ticket_id)).exists()
    except (TypeError, ValueError):
        raise NotFound() from None
    if not ticket or not ticket.has_access("read"):
        raise NotFound()
    return ticket


def _is_support_manager():
    return request.env.user.partner_id.helpdesk_support_manager


class HelpdeskTiersTicketController(HelpdeskTicketController):
    # ------------------------------------------------------------------
    # Close: helpdesk_mgmt's route closes any ticket by its id (GET, sudo);
    # here only a ticket the user may read, by POST with the CSRF token.
    # ------------------------------------------------------------------

    @http.route(
        "/ticket/close", type="http", auth="user", methods=["POST"], website=True
    )
    def support_ticket_close(self, ticket_id=None, stage_id=None, **kw):
        ticket = _portal_ticket(ticket_id)
        stage = request.env["helpdesk.ticket.stage"].browse(
            int(stage_id) if (stage_id or "").isdigit() else 0
        )
        try:
            # sudo: the user may read the ticket (checked above); the stage is
            # checked against the team's stages that the portal may close in.
            ticket.sudo()._portal_close(stage.sudo(), request.env.user.partner_id)
        except UserError:
            return request.redirect(f"{ticket.access_url}?{_message_query('refused')}")
        return request.redirect(f"{ticket.access_url}?{_message_query('closed')}")

    # ------------------------------------------------------------------
    # Submit
    # ------------------------------------------------------------------

    def _get_portal_products(self):
        # sudo: customers pick the product of their request among those for sale,
        # whose names they may not read otherwise.
        return (
            request.env["product.product"]
            .sudo()
            .search([("sale_ok", "=", True)], limit=MAX_PORTAL_PRODUCTS)
        )

    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        values.update(
            {
                "products": self._get_portal_products(),
                "form_values": kw,
                "errors": {},
                "max_subject": MAX_SUBJECT,
                "max_reference": MAX_REFERENCE,
                "max_affected_users": MAX_AFFECTED_USERS,
            }
        )
        return values

    def _validate_submit_ticket(self, kw):
        """{field name: message} for every invalid field of the form."""
        _ = request.env._
        errors = {}
        subject = (kw.get("subject") or "").strip()
        if not subject:
            errors["subject"] = _("Give your request a short title.")
        elif len(subject) > MAX_SUBJECT:
            errors["subject"] = _(
                "The title is too long: at most %s characters.", MAX_SUBJECT
            )
        description = (kw.get("description") or "").strip()
        if not description:
            errors["description"] = _("Describe the problem in your own words.")
        elif len(description) > MAX_DESCRIPTION:
            errors["description"] = _(
                "The description is too long: at most %s characters.",
                MAX_DESCRIPTION,
            )
        company = request.env.company
        for name, records, required in (
            (
                "category",
                self._get_categories(),
                company.helpdesk_mgmt_portal_category_id_required,
            ),
            ("team", self._get_teams(), company.helpdesk_mgmt_portal_team_id_required),
            ("product_id", self._get_portal_products(), False),
        ):
            value = kw.get(name) or ""
            if not records:
                continue  # not offered on the form: submit_ticket ignores it
            if not value:
                if required:
                    errors[name] = _("Choose one in the list.")
            elif not value.isdigit() or int(value) not in records.ids:
                errors[name] = _("Choose one in the list.")
        for name in ("serial_number", "license_ref"):
            if len((kw.get(name) or "").strip()) > MAX_REFERENCE:
                errors[name] = _("Too long: at most %s characters.", MAX_REFERENCE)
        if kw.get("business_stopped") not in ("yes", "no"):
            errors["business_stopped"] = _(
                "Tell us whether your business is stopped: yes or no."
            )
        affected = (kw.get("affected_users") or "").strip()
        if not affected.isdigit() or not 1 <= int(affected) <= MAX_AFFECTED_USERS:
            errors["affected_users"] = _(
                "Give the number of people affected: a whole number from 1 to %s.",
                MAX_AFFECTED_USERS,
            )
        return errors

    def _prepare_submit_ticket_vals(self, **kw):
        vals = super()._prepare_submit_ticket_vals(**kw)
        vals.update(
            {
                "name": kw["subject"].strip(),
                "customer_wording": kw["description"].strip(),
                "product_id": int(kw["product_id"]) if kw.get("product_id") else False,
                "serial_number": (kw.get("serial_number") or "").strip() or False,
                "license_ref": (kw.get("license_ref") or "").strip() or False,
                "business_stopped": kw["business_stopped"] == "yes",
                "affected_users": int(kw["affected_users"]),
            }
        )
        return vals

    @http.route("/submitted/ticket", type="http", auth="user", website=True, csrf=True)
    def submit_ticket(self, **kw):
        for name, offered in (
            ("category", self._get_categories()),
            ("team", self._get_teams()),
        ):
            if not offered:
                # the company does not let customers choose: never from the request
                kw.pop(name, None)
        errors = self._validate_submit_ticket(kw)
        if errors:
            values = self._get_create_new_ticket_values(**kw)
            values["errors"] = errors
            return request.render(
                "helpdesk_mgmt.portal_create_ticket", values, status=400
            )
        return super().submit_ticket(**kw)


def _message_query(kind):
    """The query string that shows the outcome of a portal action on the ticket
    page: a known code, never free text taken from the URL."""
    return url_encode({"portal_message": kind})


class HelpdeskTiersCustomerPortal(CustomerPortalHelpdesk):
    # ------------------------------------------------------------------
    # List
    # ------------------------------------------------------------------

    def _ticket_get_searchbar_filters(self):
        _ = request.env._
        filters = {
            "all": {"label": _("All"), "domain": []},
            "open": {"label": _("Open"), "domain": [("stage_id.closed", "=", False)]},
            "waiting": {
                "label": _("Waiting for your answer"),
                "domain": [
                    ("stage_id.closed", "=", False),
                    ("waiting_on", "=", "customer"),
                ],
            },
            "closed": {
                "label": _("Closed"),
                "domain": [("stage_id.closed", "=", True)],
            },
        }
        if _is_support_manager():
            filters["mine"] = {
                "label": _("My own tickets"),
                "domain": [("partner_id", "=", request.env.user.partner_id.id)],
            }
        return filters

    def _ticket_get_searchbar_sortings(self):
        sortings = super()._ticket_get_searchbar_sortings()
        sortings["next_update"] = {
            "label": request.env._("Next update"),
            "order": "next_customer_update asc",
            "sequence": 5,
        }
        return sortings

    def _ticket_get_searchbar_inputs(self):
        inputs = super()._ticket_get_searchbar_inputs()
        inputs["serial"] = {
            "input": "serial",
            "label": request.env._("Search in Serial or licence"),
            "order": 4,
        }
        return inputs

    def _ticket_get_search_domain(self, search_in, search):
        domain = super()._ticket_get_search_domain(search_in, search)
        if search_in in ("serial", "all"):
            domain = expression.OR(
                [
                    domain,
                    [
                        "|",
                        ("serial_number", "ilike", search),
                        ("license_ref", "ilike", search),
                    ],
                ]
            )
        return domain

    def _ticket_get_searchbar_groupby(self):
        groupby = super()._ticket_get_searchbar_groupby()
        groupby["tier"] = {
            "input": "tier",
            "label": request.env._("Handled by"),
            "order": 4,
        }
        if _is_support_manager():
            groupby["partner"] = {
                "input": "partner",
                "label": request.env._("Contact"),
                "order": 5,
            }
        return groupby

    def _ticket_get_groupby_mapping(self):
        mapping = super()._ticket_get_groupby_mapping()
        mapping["tier"] = "tier_id"
        if _is_support_manager():
            mapping["partner"] = "partner_id"
        return mapping

    @http.route(
        ["/my/tickets", "/my/tickets/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_tickets(
        self,
        page=1,
        date_begin=None,
        date_end=None,
        sortby=None,
        filterby=None,
        search=None,
        search_in="all",
        groupby="none",
        **kw,
    ):
        """helpdesk_mgmt's list with our filters; the record rules restrict the
        search once (helpdesk_mgmt adds them a second time by hand)."""
        tickets_model = request.env["helpdesk.ticket"]
        if not tickets_model.has_access("read"):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        sortings = dict(
            sorted(
                self._ticket_get_searchbar_sortings().items(),
                key=lambda item: item[1]["sequence"],
            )
        )
        filters = self._ticket_get_searchbar_filters()
        inputs = self._ticket_get_searchbar_inputs()
        groupbys = self._ticket_get_searchbar_groupby()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        groupby = groupby if groupby in groupbys else "none"
        search_in = search_in if search_in in inputs else "all"
        domain = list(filters[filterby]["domain"])
        if date_begin and date_end:
            domain += [
                ("create_date", ">", date_begin),
                ("create_date", "<=", date_end),
            ]
        if search:
            domain = expression.AND(
                [domain, self._ticket_get_search_domain(search_in, search)]
            )
        pager = portal_pager(
            url="/my/tickets",
            url_args={
                "date_begin": date_begin,
                "date_end": date_end,
                "sortby": sortby,
                "filterby": filterby,
                "groupby": groupby,
                "search": search,
                "search_in": search_in,
            },
            total=tickets_model.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        tickets = tickets_model.search(
            domain,
            order=self._ticket_get_order(sortings[sortby]["order"], groupby),
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_tickets_history"] = tickets.ids[:100]
        group = self._ticket_get_groupby_mapping().get(groupby)
        if group:
            grouped_tickets = [
                tickets_model.concat(*records)
                for __, records in groupbyelem(tickets, itemgetter(group))
            ]
        else:
            grouped_tickets = [tickets] if tickets else []
        values.update(
            {
                "date": date_begin,
                "date_end": date_end,
                "grouped_tickets": grouped_tickets,
                "page_name": "ticket",
                "default_url": "/my/tickets",
                "pager": pager,
                "searchbar_sortings": sortings,
                "searchbar_groupby": groupbys,
                "searchbar_inputs": inputs,
                "search_in": search_in,
                "search": search,
                "sortby": sortby,
                "groupby": groupby,
                "searchbar_filters": filters,
                "filterby": filterby,
                "is_support_manager": _is_support_manager(),
            }
        )
        return request.render("helpdesk_mgmt.portal_my_tickets", values)

    # ------------------------------------------------------------------
    # Ticket page: 404 for a ticket the user may not read
    # ------------------------------------------------------------------

    @http.route(
        ["/my/ticket/<int:ticket_id>"], type="http", auth="public", website=True
    )
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        try:
            self._document_check_access(
                "helpdesk.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            if request.env.user._is_public() and not access_token:
                # signed out (a link from an e-mail): sign in first, whatever the id
                return request.redirect(
                    f"/web/login?{url_encode({'redirect': f'/my/ticket/{ticket_id}'})}"
                )
            raise NotFound() from None
        return super().portal_my_ticket(ticket_id, access_token=access_token, **kw)

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        _ = request.env._
        messages = {
            "closed": _("Your ticket is closed. Tell us how we did below."),
            "reopened": _("Your ticket is open again; we will come back to you."),
            "rated": _("Thank you for your rating."),
            "refused": _("This action is not possible on the ticket in its state."),
        }
        values.update(
            {
                "closed_stages": ticket._portal_closing_stages(),
                # sudo'ed with the ticket by _document_check_access
                "rating": ticket.satisfaction_ids[:1],
                "portal_message": messages.get(kwargs.get("portal_message")),
                "portal_error": kwargs.get("portal_error"),
                "portal_form": kwargs.get("portal_form") or {},
            }
        )
        return values

    # ------------------------------------------------------------------
    # Reopen and rate
    # ------------------------------------------------------------------

    def _ticket_action(self, ticket_id, method, message, **args):
        """Run ``method`` on the ticket as its reader; re-display the page with
        the error and the values typed when it refuses."""
        ticket = _portal_ticket(ticket_id)
        try:
            # sudo: the user may read the ticket (checked above); the method
            # checks the ticket's state and the values.
            getattr(ticket.sudo(), method)(request.env.user.partner_id, **args)
        except UserError as error:
            return self.portal_my_ticket(
                ticket.id, portal_error=str(error), portal_form=args
            )
        return request.redirect(f"{ticket.access_url}?{_message_query(message)}")

    @http.route(
        "/my/ticket/<int:ticket_id>/reopen",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_ticket_reopen(self, ticket_id, reason="", **kw):
        return self._ticket_action(
            ticket_id, "_portal_reopen", "reopened", reason=reason
        )

    @http.route(
        "/my/ticket/<int:ticket_id>/rate",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_ticket_rate(self, ticket_id, rating="", comment="", **kw):
        return self._ticket_action(
            ticket_id,
            "_portal_rate",
            "rated",
            rating=int(rating) if rating.isdigit() else 0,
            comment=comment,
        )
