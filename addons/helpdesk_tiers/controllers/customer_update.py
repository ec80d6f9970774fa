# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.http import request
from odoo.tools import consteq


class CustomerUpdateController(http.Controller):
    """The link at the bottom of every status update: a contact stops the
    scheduled updates of their tickets. The signed token in the link stands for
    the contact (no login: the link is read in a mailbox). Opening the link only
    asks; the button confirms (so a link checker that opens it changes nothing)."""

    # csrf off: the signed token authenticates the request, as for /mail/unfollow.
    @http.route(
        "/helpdesk/updates/stop/<int:partner_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
    )
    def stop_updates(self, partner_id, token, **kwargs):
        # sudo: the token, checked below, stands for the contact.
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        if not partner or not consteq(
            partner._helpdesk_update_opt_out_token(), token or ""
        ):
            return request.not_found()
        if request.httprequest.method == "POST":
            partner.helpdesk_update_opt_out = True
        return request.render(
            "helpdesk_tiers.customer_update_opt_out_page",
            {
                "partner": partner,
                "done": partner.helpdesk_update_opt_out,
                "action": request.httprequest.path,
            },
        )
