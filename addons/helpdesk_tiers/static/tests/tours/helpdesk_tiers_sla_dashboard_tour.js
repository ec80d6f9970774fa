/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("helpdesk_tiers_sla_dashboard_tour", {
    steps: () => [
        {
            content: "The overview shows the share resolved at L1 against its target",
            trigger: ".o_helpdesk_tiers_l1_card:contains('Resolved at L1'):contains('target 80 %')",
        },
        {
            content: "and the SLA compliance",
            trigger: ".o_helpdesk_tiers_sla_card .o_helpdesk_tiers_sla_compliance:contains('%')",
        },
        {
            content: "One line per tier, with its SLA compliance",
            trigger: ".o_helpdesk_tiers_tier_table tr[data-tier='L1'] .o_helpdesk_tiers_tier_sla",
        },
        {
            trigger: ".o_helpdesk_tiers_tier_table tr[data-tier='L4']",
        },
        {
            content: "Look at the whole history",
            trigger: ".o_helpdesk_tiers_periods button:contains('All')",
            run: "click",
        },
        {
            trigger: ".o_helpdesk_tiers_periods button.btn-primary:contains('All')",
        },
        {
            content: "Open the analysis behind the SLA compliance",
            trigger: ".o_helpdesk_tiers_sla_card",
            run: "click",
        },
        {
            content: "The pivot of the ticket analysis, per tier",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains('L1 Hotline'), .o_pivot th:contains('L1 Hotline')",
        },
    ],
});
