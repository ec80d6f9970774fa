/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

const NOTE =
    "Printer blinks red; restarted it and reseated the toner with the customer. " +
    "Still blinking, needs a remote check of the firmware.";

registry.category("web_tour.tours").add("helpdesk_tiers_escalation_tour", {
    steps: () => [
        {
            content: "The ticket starts at the front line",
            trigger: ".o_form_view .o_field_widget[name=tier_id]:contains('L1 Hotline')",
        },
        {
            content: "Escalate it",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_escalate]",
            run: "click",
        },
        {
            content: "The wizard proposes L2 and shows its hand-off checklist",
            trigger:
                ".modal .o_field_widget[name=handoff_checklist]:contains('What was tried at L1')",
        },
        {
            trigger: ".modal .o_field_widget[name=tier_id] input",
            run() {
                if (this.anchor.value !== "L2 Back office") {
                    throw new Error(`expected L2 Back office, got ${this.anchor.value}`);
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
            content: "The ticket is now at L2",
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name=tier_id]:contains('L2 Back office')",
        },
        {
            content: "Open the escalation history",
            trigger: ".o_notebook .nav-link[name=escalations]",
            run: "click",
        },
        {
            content: "The history shows the move and the note",
            trigger:
                ".o_field_widget[name=escalation_ids] .o_data_row:contains('L1 Hotline'):contains('L2 Back office'):contains('needs a remote check')",
        },
        {
            content: "The hand-off note is in the chatter",
            trigger: ".o-mail-Message:contains('Escalated from L1 Hotline to L2 Back office')",
        },
    ],
});
