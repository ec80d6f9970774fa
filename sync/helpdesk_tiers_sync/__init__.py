"""helpdesk_tiers_sync: mirrors L4 escalations into vendors' ticketing systems."""
