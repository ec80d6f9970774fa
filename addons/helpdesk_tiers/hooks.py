# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .models.helpdesk_ticket import MOVE_CONTEXT_KEY


def post_init_hook(env):
    """Tickets that existed before the install start at the front line and get
    their customer's service plan. (The columns were filled before the tiers and
    the default plan were loaded.)"""
    front_line = env["helpdesk.tier"]._get_default_tier_id()
    tickets = (
        env["helpdesk.ticket"]
        .with_context(active_test=False)
        .search([("tier_id", "=", False)])
    )
    tickets.with_context(tracking_disable=True, **{MOVE_CONTEXT_KEY: True}).write(
        {"tier_id": front_line}
    )
    without_plan = (
        env["helpdesk.ticket"]
        .with_context(active_test=False)
        .search([("service_plan_id", "=", False)])
    )
    env.add_to_compute(env["helpdesk.ticket"]._fields["service_plan_id"], without_plan)
