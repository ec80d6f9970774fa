/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {Component, markup} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {standardFieldProps} from "@web/views/fields/standard_field_props";

/** Articles suggested on a ticket (the Json field kb_suggestions), each with
 * its snippet and an Apply button that links it and opens a reply. */
export class KbSuggestionsField extends Component {
    static template = "helpdesk_tiers.KbSuggestionsField";
    static props = {...standardFieldProps};

    setup() {
        this.action = useService("action");
        this.orm = useService("orm");
    }

    get suggestions() {
        return (this.props.record.data[this.props.name] || []).map((suggestion) => ({
            ...suggestion,
            // escaped by the server, matched words in <mark>
            snippet: markup(suggestion.snippet || ""),
        }));
    }

    async apply(suggestion) {
        const record = this.props.record;
        if (!(await record.save())) {
            return;
        }
        const action = await this.orm.call(record.resModel, "action_apply_kb_article", [
            [record.resId],
            suggestion.id,
        ]);
        await this.action.doAction(action, {onClose: () => record.load()});
    }

    open(suggestion) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "helpdesk.kb.article",
            res_id: suggestion.id,
            views: [[false, "form"]],
            target: "new",
        });
    }
}

registry.category("fields").add("kb_suggestions", {
    component: KbSuggestionsField,
    supportedTypes: ["json"],
});
