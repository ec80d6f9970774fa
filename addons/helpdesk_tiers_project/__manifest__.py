# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Helpdesk Tiers - Project",
    "summary": "Development requests of L3 specialists become project tasks",
    "version": "18.0.1.0.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "helpdesk_tiers contributors",
    "website": "https://github.com/helpdesk-tiers/helpdesk_tiers",
    "depends": ["helpdesk_tiers", "project"],
    "data": [
        "data/project_project_data.xml",
        "views/helpdesk_ticket_views.xml",
        "views/project_task_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "development_status": "Beta",
    "auto_install": True,
    "installable": True,
}
