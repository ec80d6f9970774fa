/** @odoo-module **/
/* Copyright 2026 helpdesk_tiers contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {Component, onWillStart, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/**
 * The manager's overview: service-level compliance, the front line's share of
 * resolutions against its target, and one line per tier, for a period. Every
 * figure opens the analysis (pivot, graph, list) it comes from.
 */
export class SlaDashboard extends Component {
    static template = "helpdesk_tiers.SlaDashboard";
    static props = {"*": true};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.periods = [
            {days: 7, label: _t("7 days")},
            {days: 30, label: _t("30 days")},
            {days: 90, label: _t("90 days")},
            {days: 365, label: _t("1 year")},
            {days: 0, label: _t("All")},
        ];
        this.state = useState({days: 30, data: null});
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("helpdesk.ticket.report", "get_overview", [], {
            days: this.state.days,
        });
    }

    get data() {
        return this.state.data;
    }

    async setPeriod(days) {
        this.state.days = days;
        await this.load();
    }

    percent(value) {
        return value === null || value === undefined ? "–" : `${value} %`;
    }

    hours(value) {
        return value === null || value === undefined ? "–" : `${value} h`;
    }

    /** The badge colour of a tier, as on the tickets' tier badges. */
    levelClass(level) {
        return ["text-bg-info", "text-bg-success", "text-bg-warning", "text-bg-danger"][
            Math.min(Math.max(level, 1), 4) - 1
        ];
    }

    /** Width of a bar in % of the largest value shown beside it. */
    share(value, values) {
        const max = Math.max(...values, 1);
        return `${Math.round((100 * value) / max)}%`;
    }

    get l1Reached() {
        const rate = this.data.totals.resolved_l1_rate;
        return rate !== null && rate >= this.data.l1_target;
    }

    /** Since when the period runs, as the server stores datetimes (UTC). */
    get since() {
        if (!this.state.days) {
            return false;
        }
        return luxon.DateTime.now()
            .minus({days: this.state.days})
            .toUTC()
            .toFormat("yyyy-MM-dd HH:mm:ss");
    }

    openAnalysis(model, dateField, name, {domain = [], context = {}, views = null} = {}) {
        const period = this.since ? [[dateField, ">=", this.since]] : [];
        return this.action.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: model,
            views: views || [
                [false, "pivot"],
                [false, "graph"],
                [false, "list"],
            ],
            domain: [...period, ...domain],
            context,
        });
    }

    openTicketAnalysis(options = {}) {
        return this.openAnalysis("helpdesk.ticket.report", "date", _t("Ticket analysis"), options);
    }

    openTierAnalysis(options = {}) {
        return this.openAnalysis(
            "helpdesk.tier.stay.report",
            "date_start",
            _t("Tier analysis"),
            options
        );
    }

    openBacklog() {
        return this.action.doAction("helpdesk_tiers.helpdesk_ticket_report_action_backlog");
    }

    openPaths() {
        return this.openTierAnalysis({
            domain: [["outcome", "=", "escalated"]],
            context: {pivot_row_groupby: ["tier_id"], pivot_column_groupby: ["next_tier_id"]},
        });
    }

    openTickets(tier, slaState) {
        const domain = [
            ["tier_id", "=", tier.id],
            ["stage_id.closed", "=", false],
        ];
        if (slaState) {
            domain.push(["sla_state", "=", slaState]);
        }
        return this.action.doAction({
            type: "ir.actions.act_window",
            name: tier.name,
            res_model: "helpdesk.ticket",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain,
        });
    }
}

registry.category("actions").add("helpdesk_tiers.sla_dashboard", SlaDashboard);
