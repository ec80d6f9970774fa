# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

import pytz

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form

from .common import HANDOFF_NOTE, HelpdeskTiersCommon


class TestIntervention(HelpdeskTiersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write(
            {
                "email": "shop@customer.example.com",
                "street": "12 rue des Fours",
                "city": "Lyon",
                "tz": "Europe/Paris",
            }
        )
        cls.ticket = cls._create_ticket()
        cls.ticket.escalate("L2", HANDOFF_NOTE)
        cls.tomorrow = (fields.Datetime.now() + timedelta(days=1)).replace(
            hour=8, minute=0, second=0, microsecond=0
        )

    def _intervention(self, **vals):
        return (
            self.env["helpdesk.intervention"]
            .with_user(self.agent_l2)
            .create(
                {
                    "ticket_id": self.ticket.id,
                    "kind": "onsite",
                    "scheduled_date": self.tomorrow,
                    "duration": 2.0,
                    "notes": "Bring a spare paper sensor.",
                    **vals,
                }
            )
        )

    def test_l2_plans_an_onsite_visit(self):
        form = Form(
            self.env["helpdesk.intervention"]
            .with_user(self.agent_l2)
            .with_context(**self.ticket.action_plan_intervention()["context"])
        )
        form.kind = "onsite"
        form.scheduled_date = self.tomorrow
        form.duration = 2.0
        self.assertIn("let the technician in", form.customer_preparation)
        self.assertEqual(form.user_id, self.agent_l2, "the planner by default")
        intervention = form.save()
        self.assertEqual(intervention.address, "12 rue des Fours, Lyon")

        intervention.action_plan()
        self.assertEqual(intervention.state, "planned")
        event = intervention.calendar_event_id
        self.assertRecordValues(
            event,
            [
                {
                    "start": self.tomorrow,
                    "stop": self.tomorrow + timedelta(hours=2),
                    "user_id": self.agent_l2.id,
                    "res_model": "helpdesk.intervention",
                    "res_id": intervention.id,
                }
            ],
        )
        self.assertEqual(event.partner_ids, self.agent_l2.partner_id)
        self.assertIn("12 rue des Fours", event.location)

        told = self.ticket.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_comment")
        )[:1]
        self.assertEqual(told.partner_ids, self.customer)
        self.assertIn("on-site visit", told.body)
        self.assertIn("let the technician in", told.body)
        self.assertIn("Europe/Paris", told.body)
        paris = pytz.utc.localize(self.tomorrow).astimezone(
            pytz.timezone("Europe/Paris")
        )
        self.assertIn(
            paris.strftime("%H:%M"), told.body, "given in the customer's time zone"
        )
        self.assertNotIn("spare paper sensor", told.body, "internal notes stay inside")

        self.assertEqual(self.ticket.intervention_count, 1)
        self.assertEqual(self.ticket.intervention_ids, intervention)

    def test_done(self):
        intervention = self._intervention(kind="remote")
        intervention.action_plan()
        intervention.outcome = "Reinstalled the driver remotely."
        intervention.action_done()
        self.assertEqual(intervention.state, "done")
        self.assertIn("Reinstalled the driver", self.ticket.message_ids[0].body)

    def test_cancel_frees_the_calendar_and_tells_the_customer(self):
        intervention = self._intervention(kind="replacement")
        intervention.action_plan()
        event = intervention.calendar_event_id
        intervention.action_cancel()
        self.assertEqual(intervention.state, "cancelled")
        self.assertFalse(event.exists())
        self.assertIn("is cancelled", self.ticket.message_ids[0].body)
        intervention.action_reset()
        self.assertEqual(intervention.state, "draft")

    def test_reschedule(self):
        intervention = self._intervention()
        intervention.action_plan()
        intervention.action_reset()
        self.assertFalse(intervention.calendar_event_id)
        intervention.scheduled_date = self.tomorrow + timedelta(days=1)
        intervention.action_plan()
        self.assertEqual(
            intervention.calendar_event_id.start, self.tomorrow + timedelta(days=1)
        )

    def test_bad_plans_are_refused(self):
        past = fields.Datetime.now() - timedelta(hours=1)
        for vals, message in (
            ({"scheduled_date": False}, "Set the date"),
            ({"user_id": False}, "Set the date and the technician"),
            ({"scheduled_date": past}, "in the past"),
        ):
            with self.subTest(message=message):
                intervention = self._intervention(**vals)
                with self.assertRaisesRegex(UserError, message):
                    intervention.action_plan()
                self.assertEqual(intervention.state, "draft")
                self.assertFalse(intervention.calendar_event_id)

    def test_steps_from_the_wrong_state_are_refused(self):
        intervention = self._intervention()
        with self.assertRaisesRegex(UserError, "Planned"):
            intervention.action_done()
        intervention.action_plan()
        with self.assertRaisesRegex(UserError, "Draft"):
            intervention.action_plan()
        intervention.action_done()
        with self.assertRaises(UserError):
            intervention.action_cancel()

    def test_closed_ticket_gets_no_new_intervention(self):
        self.ticket.stage_id = self.stage_done
        with self.assertRaisesRegex(ValidationError, "closed"):
            self._intervention()

    def test_duration_must_be_positive(self):
        with self.assertRaisesRegex(ValidationError, "more than zero hours"):
            self._intervention(duration=0)

    def test_other_company_interventions_are_hidden(self):
        mine = self._intervention()
        other = self.env["res.company"].create({"name": "Other helpdesk"})
        desk = self.env["helpdesk.ticket.team"].create(
            {"name": "Other desk", "company_id": other.id}
        )
        ticket = self._create_ticket(team_id=desk.id)
        self.assertEqual(ticket.company_id, other)
        hidden = self.env["helpdesk.intervention"].create({"ticket_id": ticket.id})
        visible = self.env["helpdesk.intervention"].with_user(self.agent_l2).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(hidden, visible)

    def test_access(self):
        intervention = self._intervention()
        self.assertEqual(
            intervention.with_user(self.agent_l1).kind, "onsite", "L1 reads them"
        )
        with self.assertRaises(AccessError):
            intervention.with_user(self.agent_l1).action_plan()
        with self.assertRaises(AccessError):
            self.env["helpdesk.intervention"].with_user(self.agent_l1).create(
                {"ticket_id": self.ticket.id}
            )
        with self.assertRaises(AccessError):
            intervention.unlink()
        intervention.with_user(self.manager).unlink()
