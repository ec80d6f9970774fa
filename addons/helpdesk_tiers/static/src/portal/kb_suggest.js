/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
 *
 * Knowledge base articles suggested while a customer types, on any portal page.
 * Mark the field and say where the suggestions go:
 *
 *   <textarea name="description" data-kb-suggest="#kb_suggestions"
 *             data-kb-origin="ticket_form" data-kb-limit="5"/>
 *   <div id="kb_suggestions" aria-live="polite"/>
 *
 * data-kb-origin: "ticket_form" (default) or "portal", so that "this solved my
 * problem" on the article counts where the customer came from.
 * The server side is the JSON-RPC route /helpdesk/kb/suggest.
 */

import {markup} from "@odoo/owl";
import {rpc} from "@web/core/network/rpc";
import {debounce} from "@web/core/utils/timing";
import {renderToElement} from "@web/core/utils/render";
import publicWidget from "@web/legacy/js/public/public_widget";

const MIN_LENGTH = 3;

publicWidget.registry.HelpdeskKbSuggest = publicWidget.Widget.extend({
    selector: "[data-kb-suggest]",
    events: {input: "_onInput"},

    start() {
        this.target = document.querySelector(this.el.dataset.kbSuggest);
        this.origin = this.el.dataset.kbOrigin || "ticket_form";
        this.limit = parseInt(this.el.dataset.kbLimit || "5", 10);
        this.sequence = 0;
        this.lastQuery = this.el.value;
        this._suggestSoon = debounce(() => this._suggest(), 250);
        return this._super(...arguments);
    },

    _onInput() {
        this._suggestSoon();
    },

    async _suggest() {
        const query = this.el.value;
        if (!this.target || query === this.lastQuery) {
            return;
        }
        this.lastQuery = query;
        const sequence = ++this.sequence;
        const results =
            query.trim().length < MIN_LENGTH
                ? null
                : await rpc("/helpdesk/kb/suggest", {
                      query,
                      limit: this.limit,
                      origin: this.origin,
                  });
        if (sequence !== this.sequence) {
            return; // an answer to an older query
        }
        this.target.replaceChildren();
        if (results) {
            this.target.append(
                renderToElement("helpdesk_tiers.KbSuggestions", {
                    results: results.map((result) => ({
                        ...result,
                        // escaped by the server, matched words in <mark>
                        snippet: markup(result.snippet),
                    })),
                    query,
                })
            );
        }
    },
});
