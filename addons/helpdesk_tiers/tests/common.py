# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

HANDOFF_NOTE = (
    "Printer at the counter shows a blinking red light. Restarted it and "
    "reseated the toner with the customer: still blinking. Needs a remote check."
)


class HelpdeskTiersCommon(BaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.tier_l1, cls.tier_l2, cls.tier_l3, cls.tier_l4 = (
            ref(f"helpdesk_tiers.tier_l{level}") for level in range(1, 5)
        )
        cls.team_l1 = ref("helpdesk_tiers.team_l1_hotline")
        cls.team_l2 = ref("helpdesk_tiers.team_l2_back_office")
        cls.team_l3 = ref("helpdesk_tiers.team_l3_specialists")
        cls.team_l4 = ref("helpdesk_tiers.team_l4_vendor_desk")
        cls.stage_new = ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_done = ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.agent_l1 = cls._new_user("tiers-l1", "helpdesk_tiers.group_l1_agent")
        cls.agent_l2 = cls._new_user("tiers-l2", "helpdesk_tiers.group_l2_agent")
        cls.specialist = cls._new_user("tiers-l3", "helpdesk_tiers.group_l3_specialist")
        cls.manager = cls._new_user(
            "tiers-manager", "helpdesk_tiers.group_helpdesk_tiers_manager"
        )
        cls.team_l1.user_ids = [Command.link(cls.agent_l1.id)]
        cls.team_l2.user_ids = [Command.link(cls.agent_l2.id)]
        cls.team_l3.user_ids = [Command.link(cls.specialist.id)]
        cls.customer = cls.env["res.partner"].create(
            {"name": "Customer Company", "is_company": True}
        )

    @classmethod
    def _new_user(cls, login, groups):
        return new_test_user(
            cls.env, login=login, groups=groups, password=f"{login}-password"
        )

    @classmethod
    def _create_ticket(cls, **vals):
        return cls.env["helpdesk.ticket"].create(
            {
                "name": "Counter printer blinks red",
                "description": "<p>The counter printer blinks red.</p>",
                "partner_id": cls.customer.id,
                "user_id": False,
                **vals,
            }
        )

    @classmethod
    def _escalations(cls, tickets):
        return cls.env["helpdesk.ticket.escalation"].search(
            [("ticket_id", "in", tickets.ids)]
        )


class HelpdeskKbCommon(HelpdeskTiersCommon):
    """Published articles with vocabulary of their own (so that the demo articles
    never compete with them), and a portal customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, login="kb-portal", groups="base.group_portal"
        )
        cls.public_user = cls.env.ref("base.public_user")
        cls.category = cls.env["helpdesk.kb.category"].create(
            {"name": "Coffee machines", "reviewer_id": cls.specialist.id}
        )
        cls.article_fr = cls._create_article(
            name="Cafetière Zorbaline : le témoin détartrage clignote en orange",
            symptoms="Le petit bidule orange clignote sur la cafetière et le café "
            "coule tout doucement.",
            keywords="détartrage, témoin, zorbaline",
            body="<p>Lancez un cycle de détartrage avec le produit Zorbaclean.</p>",
            lang="fr",
            visibility="portal",
            is_public=True,
        )
        cls.article_en = cls._create_article(
            name="Zorbaline coffee machine: descaling light flashing orange",
            symptoms="The orange thing keeps flashing on the coffee machine and the "
            "coffee drips very slowly.",
            keywords="descaling, indicator, zorbaline",
            body="<p>Run a descaling cycle with Zorbaclean.</p>",
            lang="en",
            visibility="portal",
        )
        cls.article_internal = cls._create_article(
            name="Zorbaline: resetting the descaling counter in service mode",
            symptoms="The descaling light stays on after descaling.",
            keywords="service mode, zorbaline, counter",
            body="<p>Hold both cup buttons for ten seconds to enter service mode.</p>",
            lang="en",
            visibility="internal",
        )

    @classmethod
    def _create_article(cls, state="published", **vals):
        return cls.env["helpdesk.kb.article"].create(
            {"category_id": cls.category.id, "state": state, **vals}
        )

    def _search_ids(self, query, user=None, **kwargs):
        articles = self.env["helpdesk.kb.article"]
        if user:
            articles = articles.with_user(user)
        return [result["id"] for result in articles.search_articles(query, **kwargs)]


class HelpdeskSlaCommon(HelpdeskTiersCommon):
    """A plan on office hours in Paris (Monday to Friday, 8:00-12:00 and
    13:00-17:00, 1 May off) with customer and tier targets, and a customer on it.
    Times in tests are UTC: Paris is UTC+2 in spring."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Paris office hours",
                "tz": "Europe/Paris",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for period, hour_from, hour_to in (
                        ("morning", 8, 12),
                        ("afternoon", 13, 17),
                    )
                ],
            }
        )
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Labour Day",
                "calendar_id": cls.calendar.id,
                "date_from": "2026-04-30 22:00:00",
                "date_to": "2026-05-01 21:59:59",
            }
        )
        cls.plan = cls.env["helpdesk.service.plan"].create(
            {
                "name": "Office hours",
                "calendar_id": cls.calendar.id,
                "target_ids": [
                    Command.create(
                        {
                            "priority_category": "regular",
                            "response_hours": 2,
                            "resolve_hours": 16,
                            "update_interval_hours": 8,
                        }
                    ),
                    Command.create(
                        {
                            "priority_category": "regular",
                            "tier_id": cls.tier_l1.id,
                            "response_hours": 2,
                            "resolve_hours": 4,
                        }
                    ),
                    Command.create(
                        {
                            "priority_category": "critical",
                            "response_hours": 1,
                            "resolve_hours": 8,
                        }
                    ),
                ],
            }
        )
        cls.customer.write(
            {"helpdesk_service_plan_id": cls.plan.id, "email": "it@customer.example"}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Claire Contact",
                "parent_id": cls.customer.id,
                "email": "claire@customer.example",
                "lang": "en_US",
            }
        )
        cls.team_l1.user_id = cls.manager
        cls.team_l2.user_id = cls.manager

    @classmethod
    def _create_sla_ticket(cls, **vals):
        ticket = cls._create_ticket(
            **{"partner_id": cls.contact.id, "priority_category": "regular", **vals}
        )
        # The clocks compute now, at the (frozen) time of the opening.
        cls.env.flush_all()
        return ticket

    @classmethod
    def _reply(cls, ticket, body="We are on it.", user=None):
        """A public reply to the customer, by ``user`` (an L1 agent by default)."""
        ticket.with_user(user or cls.agent_l1).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    @classmethod
    def _customer_writes(cls, ticket, body="Here is what you asked for."):
        ticket.message_post(
            body=body,
            author_id=cls.contact.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    @contextmanager
    def _at(self, when):
        """Freeze the time at ``when`` (UTC) for what runs inside, and compute
        what it changed before the time moves on (stored computes are lazy)."""
        with freeze_time(when):
            yield
            self.env.flush_all()
