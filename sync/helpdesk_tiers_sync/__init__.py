"""helpdesk_tiers_sync: mirrors L4 escalations into vendors' ticketing systems."""

__version__ = "18.0.1.0.0"
