# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskTicketIncidentLink(models.TransientModel):
    """Link customers' tickets to the major incident they are cases of."""

    _name = "helpdesk.ticket.incident.link"
    _description = "Link Tickets to a Major Incident"

    ticket_ids = fields.Many2many("helpdesk.ticket", string="Tickets", required=True)
    incident_id = fields.Many2one(
        "helpdesk.ticket",
        string="Major incident",
        required=True,
        domain="[('is_major_incident', '=', True), ('closed', '=', False), "
        "('id', 'not in', ticket_ids)]",
    )

    def action_link(self):
        self.ensure_one()
        self.ticket_ids.link_to_incident(self.incident_id)
        return {"type": "ir.actions.act_window_close"}


class HelpdeskTicketIncidentUpdate(models.TransientModel):
    """Write one update on a major incident for the customers of all its
    affected tickets; or its resolution, closing them and the incident."""

    _name = "helpdesk.ticket.incident.update"
    _description = "Major Incident Update"

    incident_id = fields.Many2one("helpdesk.ticket", required=True, readonly=True)
    affected_ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        string="Affected tickets",
        compute="_compute_affected_ticket_ids",
        help="The open tickets linked to the incident: their customers get the "
        "update.",
    )
    close = fields.Boolean(help="The update is the resolution: close everything.")
    body = fields.Html(
        string="Update",
        help="Posted once on each affected ticket for its customer, in their "
        "language.",
    )
    customer_status = fields.Text(
        string="Status for the customer",
        compute="_compute_customer_status",
        store=True,
        readonly=False,
        help="The incident's short public status, shown to every affected "
        "customer; the next status updates send it.",
    )
    stage_id = fields.Many2one(
        "helpdesk.ticket.stage",
        string="Closing stage",
        domain="[('closed', '=', True)]",
        default=lambda self: self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done"),
    )

    @api.depends("incident_id")
    def _compute_affected_ticket_ids(self):
        for wizard in self:
            wizard.affected_ticket_ids = wizard.incident_id.child_ids.filtered(
                lambda t: not t.closed
            )

    @api.depends("incident_id")
    def _compute_customer_status(self):
        for wizard in self:
            wizard.customer_status = wizard.incident_id.customer_status

    def action_confirm(self):
        self.ensure_one()
        self.incident_id.post_incident_update(
            self.body,
            customer_status=self.customer_status,
            close_stage=self.stage_id if self.close else None,
        )
        return {"type": "ir.actions.act_window_close"}
