"""Neutral shapes <-> Request Tracker 5 REST2 bodies."""

from ..base import Mapper
from ..text import comment_text, ticket_text

PRIORITIES = {"business_failure": 90, "critical": 70, "regular": 50, "planned": 20}
# Our neutral statuses -> RT's.
STATUSES = {"open": "open", "closed": "resolved"}
# RT statuses that end the vendor's work.
ENDINGS = {"resolved": "resolved", "rejected": "closed", "deleted": "closed"}


class RTMapper(Mapper):
    def subject(self, payload):
        return f"[{payload.get('reference')}] {payload.get('subject')}"

    def ticket(self, payload, correlation_key):
        request = {
            "Queue": self.options["queue"],
            "Subject": self.subject(payload),
            "Content": ticket_text(payload),
            "ContentType": "text/plain",
            "CustomFields": {self.options["correlation_field"]: correlation_key},
        }
        if payload.get("priority_category") in PRIORITIES:
            request["Priority"] = PRIORITIES[payload["priority_category"]]
        if self.options.get("requestor"):
            request["Requestor"] = self.options["requestor"]
        return request

    def comment(self, payload, marker):
        # The marker rides in the subject: RT searches subjects, not contents
        # (full-text search is off by default).
        return {
            "Subject": f"{self.subject(payload)} {marker}",
            "Content": comment_text(payload),
            "ContentType": "text/plain",
        }

    def status(self, payload):
        return STATUSES.get(payload.get("status"))

    def remote_events(self, items):
        """``items``: {"transaction": REST2 transaction, "content": text of a
        Correspond, "correlation_key": of its ticket}."""
        events = []
        for item in items:
            txn = item["transaction"]
            event = {
                "remote_event_id": f"rt-txn-{txn['id']}",
                "external_id": str(txn["ObjectId"]),
                "correlation_key": item.get("correlation_key") or False,
                "author": _name(txn.get("Creator")),
                "date": txn.get("Created") or False,
            }
            if txn["Type"] == "Correspond":
                event.update(kind="comment", body=item.get("content") or "")
            else:
                status = txn.get("NewValue") or ""
                event.update(kind=ENDINGS.get(status, "status"), status=status)
            events.append(event)
        return events


def _name(creator):
    if isinstance(creator, dict):
        return creator.get("id") or ""
    return creator or ""
