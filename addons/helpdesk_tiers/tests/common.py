# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
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
