# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestIncidentPortal(HttpCase):
    """A customer whose request is linked to a major incident sees it on the
    portal, with the incident's public status; and where a merged request went."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Pia Portal", "email": "pia@portal.example", "lang": "en_US"}
        )
        cls.portal = new_test_user(
            cls.env,
            login="incident-portal-pia",
            password="incident-portal-pia",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )
        cls.incident = cls.env["helpdesk.ticket"].create(
            {
                "name": "Internal: provider data centre lost power",
                "description": "<p>Internal notes on the outage.</p>",
                "is_major_incident": True,
                "customer_status": "Card payments fail; the provider expects a fix "
                "by noon.",
            }
        )
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "My card terminal fails",
                "description": "<p>Every card is refused.</p>",
                "partner_id": cls.customer.id,
                "parent_id": cls.incident.id,
            }
        )

    def _page(self, ticket):
        self.authenticate(self.portal.login, self.portal.login)
        response = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_linked_request_shows_the_incident_status(self):
        page = self._page(self.ticket)
        self.assertIn("Your request is linked to a known incident", page)
        self.assertIn("the provider expects a fix by noon", page)
        self.assertNotIn("data centre lost power", page, "the incident stays inside")

        self.incident.stage_id = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_done"
        )
        self.assertIn("Your request is resolved.", self._page(self.ticket))

    def test_request_without_incident_shows_nothing(self):
        self.ticket.parent_id = False
        self.assertNotIn("known incident", self._page(self.ticket))

    def test_merged_request_points_to_the_one_kept(self):
        kept = self.env["helpdesk.ticket"].create(
            {
                "name": "Card terminal, again",
                "description": "<p>Same.</p>",
                "partner_id": self.customer.id,
            }
        )
        self.ticket.merge_into(kept)
        page = self._page(self.ticket)
        self.assertIn("This request was merged into", page)
        self.assertIn(f'href="/my/ticket/{kept.id}"', page)
