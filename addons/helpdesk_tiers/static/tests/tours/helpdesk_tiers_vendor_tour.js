/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

const NOTE =
    "Firmware 3.4 ignores the code page command; reproduced on two units, " +
    "rolling back to 3.3 fixes it. We need a corrected firmware.";

registry.category("web_tour.tours").add("helpdesk_tiers_vendor_tour", {
    steps: () => [
        {
            content: "Escalate the ticket held by the specialists",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_escalate]",
            run: "click",
        },
        {
            content: "The wizard proposes the vendor system of the ticket's category",
            trigger: ".modal .o_field_widget[name=vendor_backend_id] input",
            run() {
                if (this.anchor.value !== "Tour printers RT") {
                    throw new Error(`expected Tour printers RT, got ${this.anchor.value}`);
                }
            },
        },
        {
            content: "Write the hand-off note",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: `edit ${NOTE}`,
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The ticket is at the vendor tier, with its vendor system",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=vendor_backend_id]:contains('Tour printers RT')",
        },
        {
            content: "Open the vendor tab",
            trigger: ".o_notebook .nav-link[name=vendor]",
            run: "click",
        },
        {
            content: "The vendor ticket waits for the sync daemon",
            trigger: ".o_field_widget[name=vendor_binding_ids] .o_data_row:contains('Tour printers RT')",
        },
    ],
});
