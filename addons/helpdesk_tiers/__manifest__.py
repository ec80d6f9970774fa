# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Helpdesk Tiers",
    "summary": "Tiered support (L1 hotline, L2 back office, L3 specialists, "
    "L4 vendors) with hand-off notes and escalation history",
    "version": "18.0.1.0.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "helpdesk_tiers contributors",
    "website": "https://github.com/helpdesk-tiers/helpdesk_tiers",
    "depends": ["helpdesk_mgmt", "mail", "portal", "product", "resource"],
    "data": [
        "security/helpdesk_tiers_security.xml",
        "security/ir.model.access.csv",
        "data/mail_message_subtype_data.xml",
        "data/helpdesk_tier_data.xml",
        "data/helpdesk_ticket_team_data.xml",
        "data/helpdesk_ticket_channel_data.xml",
        "data/helpdesk_service_plan_data.xml",
        "data/helpdesk_kb_term_data.xml",
        "wizards/helpdesk_ticket_escalate_views.xml",
        "wizards/helpdesk_ticket_priority_override_views.xml",
        "views/helpdesk_tier_views.xml",
        "views/helpdesk_service_plan_views.xml",
        "views/helpdesk_kb_term_views.xml",
        "views/helpdesk_priority_rule_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/helpdesk_ticket_escalation_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/helpdesk_tiers_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/helpdesk_service_plan_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/helpdesk_priority_rule_demo.xml",
        "demo/helpdesk_ticket_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "helpdesk_tiers/static/src/scss/helpdesk_tiers.scss",
        ],
        "web.assets_tests": [
            "helpdesk_tiers/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "development_status": "Beta",
    "application": False,
    "installable": True,
}
