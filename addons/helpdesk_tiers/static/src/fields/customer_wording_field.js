/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {TextField, textField} from "@web/views/fields/text/text_field";
import {markup, onWillStart, useState} from "@odoo/owl";
import {escape} from "@web/core/utils/strings";
import {registry} from "@web/core/registry";
import {useDebounced} from "@web/core/utils/timing";
import {useService} from "@web/core/utils/hooks";

/**
 * The customer's own words, with the glossary's technical terms proposed while
 * the agent types. Clicking a proposal adds the term to the technical
 * description (the field named by the `target_field` option).
 */
export class CustomerWordingField extends TextField {
    static template = "helpdesk_tiers.CustomerWordingField";
    static props = {
        ...TextField.props,
        targetField: {type: String, optional: true},
    };

    setup() {
        super.setup();
        this.orm = useService("orm");
        this.proposals = useState({terms: []});
        this.lastText = null;
        this.debouncedPropose = useDebounced((text) => this.propose(text), 250);
        onWillStart(() => this.propose(this.props.record.data[this.props.name] || ""));
    }

    async propose(text) {
        if (text === this.lastText) {
            return;
        }
        this.lastText = text;
        // The glossary's language: the record's "lang" field when it has one.
        const terms = text.trim()
            ? await this.orm.call("helpdesk.kb.term", "propose_terms", [
                  text,
                  ("lang" in this.props.record.data && this.props.record.data.lang) || false,
              ])
            : [];
        if (text === this.lastText) {
            this.proposals.terms = terms;
        }
    }

    onInput(ev) {
        this.debouncedPropose(ev.target.value);
    }

    get targetText() {
        const target = this.props.targetField;
        return String((target && this.props.record.data[target]) || "");
    }

    isUsed(term) {
        return this.targetText.toLowerCase().includes(term.technical_term.toLowerCase());
    }

    async addTerm(term) {
        const target = this.props.targetField;
        if (!target || this.props.readonly || this.isUsed(term)) {
            return;
        }
        const current = this.targetText.trimEnd();
        let value = current ? `${current}\n${term.technical_term}` : term.technical_term;
        if (this.props.record.fields[target].type === "html") {
            value = markup(`${current}<p>${escape(term.technical_term)}</p>`);
        }
        await this.props.record.update({[target]: value});
    }
}

export const customerWordingField = {
    ...textField,
    component: CustomerWordingField,
    supportedTypes: ["text"],
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...textField.extractProps(fieldInfo, dynamicInfo),
        targetField: fieldInfo.options?.target_field,
    }),
};

registry.category("fields").add("helpdesk_customer_wording", customerWordingField);
