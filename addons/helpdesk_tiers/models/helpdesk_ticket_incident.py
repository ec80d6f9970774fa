# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Major incidents and their affected tickets."""

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

from .helpdesk_sync_event import SYNC_CONTEXT_KEY
from .helpdesk_ticket import UPDATE_CONTEXT_KEY


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # ------------------------------------------------------------------
    # Major incidents
    # ------------------------------------------------------------------

    def link_to_incident(self, incident):
        """Link these customers' tickets to the major incident ``incident`` (a
        ticket record or id): its updates then reach their customers. Raises a
        UserError, and links nothing, for a ticket that is not an open major
        incident, a major incident linked to another, or tickets the user may not
        modify."""
        if not self:
            raise UserError(self.env._("Select the tickets to link."))
        incident = self._resolve_merge_target(incident)
        if not incident.is_major_incident or incident.closed:
            raise UserError(
                self.env._(
                    "Ticket %s is not an open major incident: mark it as a major "
                    "incident first.",
                    incident.number,
                )
            )
        self.check_access("write")
        self.write({"parent_id": incident.id})
        return True

    def post_incident_update(self, body, customer_status=None, close_stage=None):
        """Post ``body`` (HTML), written once on this major incident, to the
        customer of every open affected ticket, each in their language, as a
        public message of that ticket; their next status update is rescheduled
        from now. ``customer_status`` (optional) becomes the public status of the
        incident and of those tickets. With ``close_stage`` (a closing stage
        record or id) the update is the resolution: the affected tickets and the
        incident are closed in that stage. Raises a UserError, and changes
        nothing, on an empty update, a ticket that is no open major incident, a
        stage that does not close, or affected tickets the user may not close.
        Returns the affected tickets informed."""
        self.ensure_one()
        self.check_access("write")
        if not self.is_major_incident or self.closed:
            raise UserError(
                self.env._(
                    "Ticket %s is not an open major incident: its updates go to "
                    "nobody.",
                    self.number,
                )
            )
        if not body or is_html_empty(body):
            raise UserError(
                self.env._("Write the update: it is posted for every customer.")
            )
        stage = self.env["helpdesk.ticket.stage"]
        if close_stage:
            stage = stage.browse(getattr(close_stage, "id", close_stage)).exists()
            if not stage.closed:
                raise UserError(
                    self.env._("Choose a closing stage to close the incident.")
                )
        children = self.child_ids.filtered(lambda t: not t.closed)
        locked = children - children._filtered_access("write") if stage else None
        if locked:
            raise UserError(
                self.env._(
                    "You may not close tickets %s (they are at a tier above "
                    "yours): ask a specialist to close this incident.",
                    ", ".join(locked.mapped("number")),
                )
            )
        body = Markup(body)
        if customer_status:
            # sudo: the incident's public status is each affected ticket's too,
            # whichever tier holds them.
            (self | children).sudo().write({"customer_status": customer_status})
        self.message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        informed = children.filtered("partner_id")
        # For the customers only (the vendors of the tickets are not told), and
        # their schedules move below, in one write.
        informed.with_context(
            **{SYNC_CONTEXT_KEY: True, UPDATE_CONTEXT_KEY: True}
        )._post_customer_message(
            "helpdesk_tiers.message_incident_resolved"
            if stage
            else "helpdesk_tiers.message_incident_update",
            incident=self,
            update=body,
        )
        now = fields.Datetime.now()
        # sudo: bookkeeping of the conversation, as for any public reply.
        informed.sudo().write({"last_customer_update": now})
        informed.filtered(lambda t: not t.first_response_date).sudo().write(
            {"first_response_date": now}
        )
        if stage:
            (children | self).write({"stage_id": stage.id})
        return informed

    def _action_open_incident_update(self, close):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close with affected tickets")
            if close
            else self.env._("Post update to affected customers"),
            "res_model": "helpdesk.ticket.incident.update",
            "view_mode": "form",
            "target": "new",
            "context": {"default_incident_id": self.id, "default_close": close},
        }

    def action_post_incident_update(self):
        return self._action_open_incident_update(close=False)

    def action_close_incident(self):
        return self._action_open_incident_update(close=True)

    def action_link_to_incident(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link to major incident"),
            "res_model": "helpdesk.ticket.incident.link",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_ids": self.ids},
        }

    def action_view_affected_tickets(self):
        self.ensure_one()
        return self._get_tickets_action(
            self.env._("Affected by %s", self.number), [("parent_id", "=", self.id)]
        )
