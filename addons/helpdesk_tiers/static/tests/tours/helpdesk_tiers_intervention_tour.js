/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

const {DateTime} = luxon;

registry.category("web_tour.tours").add("helpdesk_tiers_intervention_tour", {
    steps: () => [
        {
            content: "The ticket is with the back office",
            trigger: ".o_form_view .o_field_widget[name=tier_id]:contains('L2 Back office')",
        },
        {
            content: "Plan an intervention",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name=action_plan_intervention]",
            run: "click",
        },
        {
            content: "Choose an on-site visit",
            trigger: ".o_form_view .o_field_widget[name=kind] select",
            run: 'select "onsite"',
        },
        {
            content: "The customer is asked to let the technician in",
            trigger:
                ".o_form_view .o_field_widget[name=customer_preparation] textarea:value(/let the technician in/)",
        },
        {
            content: "Pick a date",
            trigger: ".o_form_view .o_field_widget[name=scheduled_date] input",
            run: `edit ${DateTime.now()
                .plus({days: 3})
                .toFormat("MM/dd/yyyy")} 09:30:00 && press Escape`,
        },
        {
            content: "Say what to bring",
            trigger: ".o_form_view .o_field_widget[name=notes] textarea",
            run: "edit Bring a spare paper sensor and the dust cover.",
        },
        {
            content: "Plan it: books the calendar and tells the customer",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_plan]",
            run: "click",
        },
        {
            content: "The intervention is planned",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Planned')",
        },
        {
            content: "The technician's calendar is booked",
            trigger: ".o_form_view .oe_stat_button[name=action_open_calendar_event]",
        },
        {
            content: "Back to the ticket",
            trigger: ".o_breadcrumb .o_back_button",
            run: "click",
        },
        {
            content: "Open the interventions",
            trigger: ".o_notebook .nav-link[name=interventions]",
            run: "click",
        },
        {
            content: "The ticket shows the planned visit",
            trigger:
                ".o_field_widget[name=intervention_ids] .o_data_row:contains('On-site visit'):contains('Planned')",
        },
        {
            content: "The customer was told the date and what to prepare",
            trigger: ".o-mail-Message:contains('We have planned an on-site visit')",
        },
    ],
});
