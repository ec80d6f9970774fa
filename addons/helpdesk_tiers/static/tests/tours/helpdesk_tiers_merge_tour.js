/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("helpdesk_tiers_merge_tour", {
    steps: () => [
        {
            content: "Look for the reports of the jammed cash drawer",
            trigger: ".o_searchview_input",
            run: "edit Cash drawer jams && press Enter",
        },
        {
            content: "Both reports are listed",
            trigger:
                ".o_list_renderer:has(.o_data_row:contains('jams at till 1')):has(.o_data_row:contains('jams again'))",
        },
        {
            content: "Select them",
            trigger: "thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the actions",
            trigger: ".o_cp_action_menus button",
            run: "click",
        },
        {
            content: "Merge",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Merge')",
            run: "click",
        },
        {
            content: "Keep the first report",
            trigger:
                ".modal .o_field_widget[name=target_id] .o_radio_item:contains('jams at till 1') input",
            run: "click",
        },
        {
            content: "Merge them",
            trigger: ".modal button[name=action_merge]",
            run: "click",
        },
        {
            content: "The ticket kept lists the merged one",
            trigger:
                ".o_form_view .oe_stat_button[name=action_view_merged_tickets]:contains('1')",
        },
        {
            content: "Its title is the first report's",
            trigger: ".o_form_view .o_field_widget[name=name]:has(input:value(/jams at till 1/))",
        },
        {
            content: "The customer's message came along",
            trigger: ".o-mail-Message:contains('Photo of the drawer attached.')",
        },
        {
            content: "The merge is recorded",
            trigger: ".o-mail-Message:contains('Merged into this ticket by')",
        },
    ],
});
