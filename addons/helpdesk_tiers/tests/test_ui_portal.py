# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .test_portal import PortalCommon


@tagged("post_install", "-at_install")
class TestPortalTours(HttpCase, PortalCommon):
    def test_a_customer_submits_follows_and_rates_a_ticket_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_tiers"], ["fr_FR"], overwrite=True
        )
        self.alice.partner_id.lang = "fr_FR"
        self.start_tour(
            "/new/ticket", "helpdesk_tiers_portal_submit_tour", login="portal-alice"
        )
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_id", "=", self.alice.partner_id.id)], order="id desc", limit=1
        )
        self.assertEqual(ticket.name, "Imprimante du comptoir en panne")
        self.assertEqual(ticket.serial_number, "SN-TOUR-42")
        self.assertTrue(ticket.business_stopped)
        self.assertEqual(ticket.affected_users, 3)
        self.assertTrue(ticket.closed)
        self.assertTrue(
            ticket.message_ids.filtered(
                lambda m: "il clignote toujours" in m.body
                and m.author_id == self.alice.partner_id
            )
        )
        self.assertEqual(ticket.satisfaction_ids.rating, 5)
        self.assertEqual(
            ticket.satisfaction_ids.comment, "Réparé en une heure, merci !"
        )

    def test_a_support_manager_opens_a_colleagues_ticket(self):
        self._create_ticket(
            name="Colleague label printer jams", partner_id=self.bob.partner_id.id
        )
        self.start_tour(
            "/my/tickets", "helpdesk_tiers_portal_manager_tour", login="portal-carol"
        )

    def test_a_customer_of_another_company_gets_404(self):
        ticket = self._create_ticket(
            name="Colleague label printer jams", partner_id=self.bob.partner_id.id
        )
        self.start_tour(
            f"/my/tickets#{ticket.id}",
            "helpdesk_tiers_portal_other_company_tour",
            login="portal-dave",
        )
