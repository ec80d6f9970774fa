"""Neutral shapes <-> a vendor's Odoo with helpdesk_mgmt."""

import re

from ..base import Mapper
from ..text import comment_text, html_to_text, text_to_html, ticket_text

PRIORITIES = {"business_failure": "3", "critical": "2", "regular": "1", "planned": "0"}
_KEY = re.compile(r"\((hdt-[\w-]+)\)")


class OdooMapper(Mapper):
    """Options: ``correlation_field`` (a char field of the vendor's tickets that
    holds the key; without it, the key goes at the end of the title),
    ``team_id`` (the vendor's helpdesk team)."""

    def subject(self, payload):
        return f"[{payload.get('reference')}] {payload.get('subject')}"

    def ticket(self, payload, correlation_key):
        field = self.options.get("correlation_field")
        vals = {
            "name": self.subject(payload) + ("" if field else f" ({correlation_key})"),
            "description": text_to_html(ticket_text(payload)),
        }
        if field:
            vals[field] = correlation_key
        if payload.get("priority_category") in PRIORITIES:
            vals["priority"] = PRIORITIES[payload["priority_category"]]
        if self.options.get("team_id"):
            vals["team_id"] = int(self.options["team_id"])
        return vals

    def comment(self, payload, marker):
        return {
            "body": comment_text(payload),
            "subject": f"{self.subject(payload)} {marker}",
        }

    def status(self, payload):
        return (
            payload.get("status")
            if payload.get("status") in ("open", "closed")
            else None
        )

    def correlation_key(self, ticket):
        field = self.options.get("correlation_field")
        if field:
            return ticket.get(field) or False
        found = _KEY.search(ticket.get("name") or "")
        return found.group(1) if found else False

    def remote_events(self, items):
        """``items``: {"message": a mail.message read, "ticket": its ticket read
        (name, stage_id, closed and the correlation field)}."""
        events = []
        for item in items:
            message, ticket = item["message"], item["ticket"]
            event = {
                "remote_event_id": f"odoo-msg-{message['id']}",
                "external_id": str(ticket["id"]),
                "correlation_key": self.correlation_key(ticket),
                "author": message["author_id"][1] if message.get("author_id") else "",
                "date": message.get("date") or False,
            }
            if message["message_type"] in ("comment", "email"):
                event.update(kind="comment", body=html_to_text(message.get("body")))
            else:
                stage = ticket["stage_id"][1] if ticket.get("stage_id") else ""
                event.update(
                    kind="resolved" if ticket.get("closed") else "status", status=stage
                )
            events.append(event)
        return events
