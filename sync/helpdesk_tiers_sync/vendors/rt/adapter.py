"""Request Tracker 5 over REST2, with a token.

The correlation key lives in a free-form custom field of the vendor's queue;
transaction ids are the cursor of the vendor's changes. Options of
``[vendors.<code>]``: ``queue``, ``correlation_field``, ``user`` (the RT user
that owns the token: its own transactions are not read back), ``token_env``,
optionally ``requestor``.
"""

import re

from ...errors import PermanentSyncError
from ..base import Adapter, Changes, RemoteTicket

PAGE = 100
_SAFE = re.compile(r"^[\w .@()/#:-]+$")


def _quote(value, what):
    # TicketSQL has no bind parameters: accept only values that need no escaping.
    value = str(value)
    if not _SAFE.match(value):
        raise PermanentSyncError(
            f"{what} {value!r} cannot be used in a TicketSQL query"
        )
    return value


class RTAdapter(Adapter):
    required_options = ("queue", "correlation_field", "user")
    required_secrets = ("token",)

    def __init__(self, config, daemon_config, stop_event):
        super().__init__(config, daemon_config, stop_event)
        self.queue = _quote(config.option("queue"), "queue")
        self.field = _quote(config.option("correlation_field"), "custom field")
        self.user = _quote(config.option("user"), "user")
        self.http = self._http_client(
            f"{config.url}/REST/2.0",
            {"Authorization": f"token {config.secret('token')}"},
        )

    def _ticket(self, external_id, status=None):
        return RemoteTicket(
            str(external_id),
            f"{self.config.url}/Ticket/Display.html?id={external_id}",
            status,
        )

    def create(self, request, correlation_key):
        data = self.http.json("POST", "/ticket", json=request, idempotent=False)
        if not isinstance(data, dict) or not data.get("id"):
            raise PermanentSyncError(f"Request Tracker created no ticket: {data!r}")
        return self._ticket(data["id"], "new")

    def find(self, correlation_key):
        key = _quote(correlation_key, "correlation key")
        data = self.http.json(
            "GET",
            "/tickets",
            params={
                "query": f"Queue = '{self.queue}' AND CF.{{{self.field}}} = '{key}'",
                "fields": "Status",
            },
        )
        items = data.get("items") or []
        if not items:
            return None
        return self._ticket(items[0]["id"], items[0].get("Status"))

    def comment(self, external_id, request):
        ticket = int(external_id)
        self.http.request(
            "POST", f"/ticket/{ticket}/correspond", json=request, idempotent=False
        )

    def has_comment(self, external_id, marker):
        query = (
            f"ObjectType = 'RT::Ticket' AND ObjectId = {int(external_id)} AND "
            f"Type = 'Correspond' AND Subject LIKE '{_quote(marker, 'marker')}'"
        )
        data = self.http.json("GET", "/transactions", params={"query": query})
        return bool(data.get("count"))

    def set_status(self, external_id, status):
        ticket = int(external_id)
        messages = self.http.json("PUT", f"/ticket/{ticket}", json={"Status": status})
        # RT answers 200 even when it refuses a status; it says so in words.
        refused = [m for m in messages or [] if "isn't a valid status" in str(m)]
        if refused:
            raise PermanentSyncError(
                f"Request Tracker refused the status: {refused[0]}"
            )
        return self._ticket(ticket, status)

    def fetch_changes(self, cursor):
        after = int(cursor or 0)
        query = (
            f"ObjectType = 'RT::Ticket' AND TicketQueue = '{self.queue}' AND "
            f"id > {after} AND Creator != '{self.user}' AND "
            "(Type = 'Correspond' OR Type = 'Status')"
        )
        page = self.http.json(
            "GET",
            "/transactions",
            params={
                "query": query,
                "orderby": "id",
                "order": "ASC",
                "per_page": PAGE,
                "fields": "Type,ObjectId,Creator,Created,NewValue",
            },
        )
        transactions = page.get("items") or []
        if not transactions:
            return Changes([], cursor)
        keys = self._correlation_keys({t["ObjectId"] for t in transactions})
        items = [
            {
                "transaction": txn,
                "content": self._content(txn["id"])
                if txn["Type"] == "Correspond"
                else None,
                "correlation_key": keys.get(str(txn["ObjectId"])),
            }
            for txn in transactions
        ]
        return Changes(
            items, str(transactions[-1]["id"]), more=len(transactions) == PAGE
        )

    def _content(self, transaction_id):
        data = self.http.json(
            "GET",
            f"/transaction/{int(transaction_id)}/attachments",
            params={"fields": "Content,ContentType"},
        )
        parts = [a for a in data.get("items") or [] if a.get("Content")]
        plain = [a for a in parts if a.get("ContentType") == "text/plain"]
        chosen = (plain or parts)[:1]
        return chosen[0]["Content"] if chosen else ""

    def _correlation_keys(self, ticket_ids):
        """{RT ticket id: correlation key} in one search."""
        query = " OR ".join(f"id = {int(t)}" for t in sorted(ticket_ids, key=int))
        data = self.http.json(
            "GET",
            "/tickets",
            params={"query": query, "fields": "CustomFields", "per_page": PAGE},
        )
        keys = {}
        for item in data.get("items") or []:
            for field in item.get("CustomFields") or []:
                if field.get("name") == self.config.option("correlation_field"):
                    values = field.get("values") or []
                    if values:
                        keys[str(item["id"])] = values[0]
        return keys

    def check(self):
        version = self.http.json("GET", "/rt").get("Version", "?")
        try:
            queue = self.http.json("GET", f"/queue/{self.queue}")
        except PermanentSyncError:
            raise PermanentSyncError(
                f"Request Tracker has no queue {self.queue!r} (or the token's user "
                "may not see it)"
            ) from None
        fields = {f.get("name") for f in queue.get("TicketCustomFields") or []}
        if self.field not in fields:
            raise PermanentSyncError(
                f"the queue {self.queue!r} has no custom field {self.field!r}: create "
                "it (free-form, one value) and apply it to the queue, or Request "
                "Tracker silently drops the correlation key"
            )
        return f"Request Tracker {version} at {self.config.url}, queue {self.queue}"
