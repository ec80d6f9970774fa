# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .models.helpdesk_ticket import MOVE_CONTEXT_KEY


def post_init_hook(env):
    """Tickets that existed before the install start at the front line. (The
    column's default could not apply: the tiers are loaded after it is created.)"""
    front_line = env["helpdesk.tier"]._get_default_tier_id()
    tickets = (
        env["helpdesk.ticket"]
        .with_context(active_test=False)
        .search([("tier_id", "=", False)])
    )
    tickets.with_context(tracking_disable=True, **{MOVE_CONTEXT_KEY: True}).write(
        {"tier_id": front_line}
    )
