/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

// The customer's portal is in French: the steps find elements by their classes.
registry.category("web_tour.tours").add("helpdesk_tiers_portal_submit_tour", {
    steps: () => [
        {
            content: "A title",
            trigger: "form[action='/submitted/ticket'] input#subject",
            run: "edit Imprimante du comptoir en panne",
        },
        {
            content: "The problem in the customer's own words",
            trigger: "textarea#description",
            run: "edit le voyant de l'imprimante clignote en rouge et plus rien ne sort",
        },
        {
            content: "Articles are suggested while typing",
            trigger: "#helpdesk_tiers_kb_suggestions .o_helpdesk_kb_result a",
        },
        {
            content: "Serial number",
            trigger: "input#serial_number",
            run: "edit SN-TOUR-42",
        },
        {
            content: "The business is stopped",
            trigger: "label[for=business_stopped_yes]",
            run: "click",
        },
        {
            content: "Three people are affected",
            trigger: "input#affected_users",
            run: "edit 3",
        },
        {
            content: "Send",
            trigger: "form[action='/submitted/ticket'] button[type=submit]",
            run: "click",
        },
        {
            content: "The page tells who handles the ticket",
            trigger: ".o_helpdesk_tiers_handled_by:not(:empty)",
        },
        {
            content: "... and when the next update comes",
            trigger: ".o_helpdesk_tiers_next_update span:not(:empty)",
        },
        {
            content: "The customer replies in the chatter",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Voici une photo du voyant, il clignote toujours.",
        },
        {
            content: "Send the reply",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The reply is in the timeline",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(il clignote toujours)",
        },
        {
            content: "Close the ticket",
            trigger: "button.o_helpdesk_tiers_close",
            run: "click",
        },
        {
            content: "Rate it 5",
            trigger: ".o_helpdesk_tiers_rating_form label[for=helpdesk_tiers_rating_5]",
            run: "click",
        },
        {
            content: "A comment",
            trigger: "textarea#helpdesk_tiers_rating_comment",
            run: "edit Réparé en une heure, merci !",
        },
        {
            content: "Send the rating",
            trigger: "button.o_helpdesk_tiers_rate",
            run: "click",
        },
        {
            content: "The rating is recorded",
            trigger: ".o_helpdesk_tiers_rating_given:contains(Réparé en une heure)",
        },
    ],
});

registry.category("web_tour.tours").add("helpdesk_tiers_portal_manager_tour", {
    steps: () => [
        {
            content: "The support manager sees a colleague's ticket in the list",
            trigger: ".o_portal_my_doc_table a:contains(Colleague label printer jams)",
            run: "click",
        },
        {
            content: "... and opens it",
            trigger: "h3:contains(Colleague label printer jams)",
        },
        {
            content: "It says who handles it",
            trigger: ".o_helpdesk_tiers_handled_by:not(:empty)",
        },
    ],
});

registry.category("web_tour.tours").add("helpdesk_tiers_portal_other_company_tour", {
    steps: () => [
        {
            content: "The list of another company's customer",
            trigger: ".o_portal_my_doc_table, .alert-warning",
        },
        {
            content: "... does not show the other company's ticket",
            trigger: "body:not(:has(a:contains(Colleague label printer jams)))",
        },
        {
            content: "Its page is not found (404), not forbidden",
            trigger: "body",
            run: async () => {
                const ticketId = document.location.hash.slice(1);
                const response = await fetch(`/my/ticket/${ticketId}`);
                const text = await response.text();
                if (response.status !== 404) {
                    throw new Error(`expected 404, got ${response.status}`);
                }
                if (text.includes("label printer jams")) {
                    throw new Error("the 404 page shows the ticket");
                }
            },
        },
    ],
});
