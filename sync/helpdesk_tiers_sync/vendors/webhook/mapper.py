"""Neutral shapes <-> the generic webhook protocol (JSON, see the README)."""

from ..base import Mapper
from ..text import comment_text, ticket_text


class WebhookMapper(Mapper):
    def ticket(self, payload, correlation_key):
        return {
            "event": "create",
            "correlation_key": correlation_key,
            "ticket": {
                "reference": payload.get("reference"),
                "subject": payload.get("subject"),
                "description": payload.get("description"),
                "text": ticket_text(payload),
                "priority_category": payload.get("priority_category"),
                "product": payload.get("product"),
                "customer": (payload.get("customer") or {}).get("name"),
                "note": payload.get("note"),
            },
        }

    def comment(self, payload, marker):
        return {
            "event": "comment",
            "delivery": marker,
            "body": comment_text(payload),
            "author": payload.get("author"),
        }

    def status(self, payload):
        return (
            payload.get("status")
            if payload.get("status") in ("open", "closed")
            else None
        )

    def remote_events(self, items):
        # Webhook vendors send their events to Odoo's endpoint: nothing to read.
        return list(items)
