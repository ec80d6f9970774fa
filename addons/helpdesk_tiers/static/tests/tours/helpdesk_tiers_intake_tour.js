/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

function problemSteps(title, words, term) {
    return [
        {
            content: "Add a problem",
            trigger: ".o_field_widget[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Title",
            trigger: ".modal .o_field_widget[name=name] input",
            run: `edit ${title}`,
        },
        {
            content: "Type the customer's words",
            trigger: ".modal .o_field_widget[name=customer_wording] textarea",
            run: `edit ${words}`,
        },
        {
            content: `The glossary proposes "${term}"`,
            trigger: `.modal .o_helpdesk_term_proposal[data-term='${term}']`,
            run: "click",
        },
        {
            content: "The term is in the technical description",
            trigger: `.modal .o_field_widget[name=description] textarea:value(${term})`,
        },
        {
            content: "The expected priority is explained",
            trigger: ".modal .o_field_widget[name=priority_preview]:contains('Tour Gold')",
        },
        {
            content: "Save the problem",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The problem is listed",
            trigger: `body:not(:has(.modal)) .o_field_widget[name=line_ids] .o_data_row:contains('${title}')`,
        },
    ];
}

registry.category("web_tour.tours").add("helpdesk_tiers_intake_tour", {
    steps: () => [
        {
            content: "Find the caller by phone number",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit 06 55 44 33 22",
        },
        {
            content: "Pick her",
            trigger: ".o-autocomplete--dropdown-item:contains('Tina Tour')",
            run: "click",
        },
        {
            content: "Her history shows at once",
            trigger: ".o_field_widget[name=history_summary]:contains('1 open tickets')",
        },
        {
            trigger: ".o_field_widget[name=open_ticket_ids] .o_data_row:contains('Earlier open issue')",
        },
        {
            content: "And her plan",
            trigger: ".o_field_widget[name=service_plan_id]:contains('Tour Gold')",
        },
        {
            trigger: ".o_field_widget[name=service_plan_description]:contains('Hotline around the clock')",
        },
        ...problemSteps("Receipt printer blinks", "the thing that blinks is red", "status LED"),
        ...problemSteps("Cannot log in", "I forgot my password again", "password reset"),
        {
            content: "Create both tickets",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_create_tickets]",
            run: "click",
        },
        {
            content: "Both tickets are shown together, under the contact reference",
            trigger: ".o_breadcrumb .active:contains('Contact CT')",
        },
        {
            trigger:
                "body:not(:has(.o_form_view)) .o_list_view .o_data_row:contains('Receipt printer blinks')",
        },
        {
            trigger:
                "body:not(:has(.o_form_view)) .o_list_view .o_data_row:contains('Cannot log in')",
        },
        {
            content: "Open the first ticket",
            trigger: ".o_list_view .o_data_row:contains('Receipt printer blinks') td[name=name]",
            run: "click",
        },
        {
            content: "It says its priority and why",
            trigger:
                ".o_form_view .o_field_widget[name=priority_explanation]:contains('no priority rule matched'):contains('Tour Gold')",
        },
        {
            content: "The other ticket of the call is listed with it",
            trigger: ".o_notebook .nav-link[name=intake_tickets]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=intake_ticket_ids] .o_data_row:contains('Cannot log in')",
        },
    ],
});
