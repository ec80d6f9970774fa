# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import new_test_user

from .common import HANDOFF_NOTE, HelpdeskTiersCommon

VENDOR_NOTE = (
    "Firmware 3.4 ignores the code page command and prints garbage. Reproduced "
    "on two units; rolling back to 3.3 fixes it. We need a fixed firmware."
)


class HelpdeskSyncCommon(HelpdeskTiersCommon):
    """Two vendor systems of our own (the demo's are archived): one for printers,
    one catch-all; a daemon user; tickets ready to go to L4."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        backends = cls.env["helpdesk.vendor.backend"]
        backends.search([]).action_archive()
        category = cls.env["helpdesk.ticket.category"]
        cls.cat_printers = category.create({"name": "Printers"})
        cls.cat_thermal = category.create(
            {"name": "Thermal", "parent_id": cls.cat_printers.id}
        )
        cls.cat_software = category.create({"name": "Software"})
        cls.vendor_partner = cls.env["res.partner"].create(
            {"name": "Acme Printers", "is_company": True}
        )
        cls.printers_rt = backends.create(
            {
                "name": "Acme RT",
                "code": "acme_rt_test",
                "kind": "rt",
                "sequence": 1,
                "partner_id": cls.vendor_partner.id,
                "category_ids": [cls.cat_printers.id],
                "retry_delay": 60,
                "max_attempts": 3,
            }
        )
        cls.catch_all = backends.create(
            {"name": "Generic vendor", "code": "generic_test", "kind": "webhook"}
        )
        cls.daemon = new_test_user(
            cls.env,
            login="tiers-sync-daemon",
            password="tiers-sync-daemon-password",
            groups="base.group_user,helpdesk_tiers.group_sync_daemon",
        )
        cls.api = cls.env["helpdesk.sync.api"].with_user(cls.daemon)

    @classmethod
    def _ticket_at_l3(cls, **vals):
        return cls._create_ticket(tier_id=cls.tier_l3.id, **vals)

    @classmethod
    def _escalate_to_vendor(cls, ticket, **kwargs):
        return ticket.with_user(cls.specialist).escalate("L4", VENDOR_NOTE, **kwargs)

    def _events(self, tickets, **domain):
        return self.env["helpdesk.sync.event"].search(
            [("ticket_id", "in", tickets.ids)]
            + [(field, "=", value) for field, value in domain.items()],
            order="id",
        )


__all__ = ["HANDOFF_NOTE", "VENDOR_NOTE", "HelpdeskSyncCommon"]
