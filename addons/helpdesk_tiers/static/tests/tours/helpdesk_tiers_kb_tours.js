/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("helpdesk_tiers_kb_portal_tour", {
    steps: () => [
        {
            content: "The customer describes the problem in their own words",
            trigger: "input#helpdesk_kb_query",
            run: "edit le truc qui clignote en rouge sur l'imprimante",
        },
        {
            content: "The right article comes first while typing",
            trigger:
                "#helpdesk_kb_results .o_helpdesk_kb_result:first-child a:contains('voyant d')",
            run: "click",
        },
        {
            content: "The article shows the solution",
            trigger: ".o_helpdesk_kb_body:contains('capot')",
        },
        {
            content: "It solved the problem",
            trigger: "button.o_helpdesk_kb_solved",
            run: "click",
        },
        {
            content: "No ticket needed",
            trigger: ".o_helpdesk_kb_feedback .alert-success:contains('No need to open a ticket')",
        },
    ],
});

registry.category("web_tour.tours").add("helpdesk_tiers_kb_ticket_tour", {
    steps: () => [
        {
            content: "The article matching the customer's words is suggested first",
            trigger:
                ".o_helpdesk_kb_suggestion:first-child .o_helpdesk_kb_result_title:contains('voyant d')",
        },
        {
            content: "Apply it",
            trigger: ".o_helpdesk_kb_suggestion:first-child button.o_helpdesk_kb_apply",
            run: "click",
        },
        {
            content: "The reply starts with the article's solution",
            trigger: ".modal .o_field_widget[name=body]:contains('capot')",
        },
        {
            content: "Send it",
            trigger: ".modal button.o_mail_send",
            run: "click",
        },
        {
            content: "The reply is in the chatter",
            trigger: "body:not(:has(.modal)) .o-mail-Message:contains('capot')",
        },
        {
            content: "The article is marked as applied",
            trigger: ".o_helpdesk_kb_suggestion:first-child .badge:contains('Applied')",
        },
    ],
});
