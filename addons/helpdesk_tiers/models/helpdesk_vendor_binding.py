# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskVendorBinding(models.Model):
    """A ticket mirrored in a vendor's system. Created with its correlation key
    when the ticket is first escalated to that vendor; the sync daemon fills in
    the vendor's ticket id once it exists. The correlation key is stored on the
    vendor's side too, so a crash between create and ack never makes a second
    vendor ticket."""

    _name = "helpdesk.vendor.binding"
    _description = "Vendor Ticket"
    _order = "id desc"
    _rec_name = "correlation_key"

    backend_id = fields.Many2one(
        "helpdesk.vendor.backend",
        string="Vendor system",
        required=True,
        ondelete="restrict",
        index=True,
    )
    backend_kind = fields.Selection(related="backend_id.kind")
    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    external_id = fields.Char(string="Vendor ticket", readonly=True, copy=False)
    external_url = fields.Char(string="Link", readonly=True, copy=False)
    external_status = fields.Char(string="Vendor status", readonly=True, copy=False)
    correlation_key = fields.Char(required=True, readonly=True, copy=False)
    sync_date = fields.Datetime(string="Last synchronised", readonly=True, copy=False)

    _sql_constraints = [
        (
            "external_id_unique",
            "unique(backend_id, external_id)",
            "A vendor ticket is bound to one ticket only.",
        ),
        (
            "ticket_unique",
            "unique(backend_id, ticket_id)",
            "A ticket has one ticket per vendor system.",
        ),
        (
            "correlation_key_unique",
            "unique(correlation_key)",
            "Correlation keys are unique.",
        ),
    ]

    @api.depends("backend_id", "external_id", "correlation_key")
    def _compute_display_name(self):
        for binding in self:
            binding.display_name = (
                f"{binding.backend_id.name or ''} "
                f"#{binding.external_id or binding.correlation_key or ''}"
            )

    @api.model
    def _correlation_key(self, backend, ticket):
        """The key stored on the vendor's side: unique across databases, stable
        for the binding's life."""
        # sudo: the database's uuid is no secret, only a system parameter.
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return f"hdt-{uuid[:8]}-{backend.id}-{ticket.id}"

    @api.model
    def _ensure(self, pairs):
        """The bindings of (backend, ticket) pairs, created when missing; returns
        them as {pair: binding} and the set of pairs just bound."""
        existing = self.search(
            [
                ("backend_id", "in", [backend.id for backend, _ticket in pairs]),
                ("ticket_id", "in", [ticket.id for _backend, ticket in pairs]),
            ]
        )
        by_pair = {(b.backend_id, b.ticket_id): b for b in existing}
        missing = [pair for pair in dict.fromkeys(pairs) if pair not in by_pair]
        created = self.create(
            [
                {
                    "backend_id": backend.id,
                    "ticket_id": ticket.id,
                    "correlation_key": self._correlation_key(backend, ticket),
                }
                for backend, ticket in missing
            ]
        )
        by_pair.update({(b.backend_id, b.ticket_id): b for b in created})
        return by_pair, set(missing)

    def action_open_external(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.external_url, "target": "new"}
