/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {Component, markup, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useAutofocus, useService} from "@web/core/utils/hooks";
import {useDebounced} from "@web/core/utils/timing";

/** Knowledge base search for agents: results as they type, best first. */
export class KbSearchAction extends Component {
    static template = "helpdesk_tiers.KbSearchAction";
    static props = ["*"];

    setup() {
        this.action = useService("action");
        this.orm = useService("orm");
        this.state = useState({query: "", lang: "", visibility: "", results: null});
        this.filters = {
            lang: [
                ["", _t("All languages")],
                ["fr", _t("French")],
                ["en", _t("English")],
            ],
            visibility: [
                ["", _t("All articles")],
                ["internal", _t("Internal")],
                ["portal", _t("Portal")],
            ],
        };
        this.sequence = 0;
        this.searchSoon = useDebounced(() => this.search(), 200);
        useAutofocus();
    }

    onInput(ev) {
        this.state.query = ev.target.value;
        this.searchSoon();
    }

    setFilter(name, value) {
        this.state[name] = value;
        this.search();
    }

    async search() {
        const query = this.state.query;
        const sequence = ++this.sequence;
        if (query.trim().length < 2) {
            this.state.results = null;
            return;
        }
        const results = await this.orm.call("helpdesk.kb.article", "search_articles", [query], {
            limit: 20,
            lang: this.state.lang || null,
            visibility: this.state.visibility || null,
        });
        if (sequence === this.sequence) {
            this.state.results = results.map((result) => ({
                ...result,
                snippet: markup(result.snippet || ""),
            }));
        }
    }

    open(result) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "helpdesk.kb.article",
            res_id: result.id,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("helpdesk_tiers.kb_search", KbSearchAction);
