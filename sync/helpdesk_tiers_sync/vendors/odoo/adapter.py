"""A vendor that runs Odoo with helpdesk_mgmt, reached through the same
gateway as our own Odoo (a user of the vendor's database, internal, with
helpdesk rights). Options of ``[vendors.<code>]``: ``database``, ``login``,
``password_env``, optionally ``correlation_field`` and ``team_id``. The vendor's
changes are read from its messages on our tickets; the cursor is a message id.
"""

from ...errors import OdooError, OdooUnavailable, PermanentSyncError, RetryableSyncError
from ...odoo_gateway import OdooConnection
from ..base import Adapter, Changes, RemoteTicket

PAGE = 100
TICKET = "helpdesk.ticket"
# Errors by which the vendor's Odoo refuses the request itself.
REFUSALS = (
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.AccessDenied",
    "odoo.exceptions.MissingError",
)


class OdooAdapter(Adapter):
    required_options = ("database", "login")
    required_secrets = ("password",)

    def __init__(self, config, daemon_config, stop_event):
        super().__init__(config, daemon_config, stop_event)
        self.odoo = OdooConnection(
            config.url,
            config.option("database"),
            config.option("login"),
            config.secret("password"),
            timeout=config.timeout,
        )
        self.field = config.option("correlation_field")
        self._partner_id = None

    @property
    def calls(self):
        return self.odoo.calls

    def close(self):
        """Nothing to release: each call is a request of its own."""

    def _call(self, model, method, *args, **kwargs):
        try:
            return self.odoo.execute(model, method, *args, **kwargs)
        except OdooUnavailable:
            raise
        except OdooError as error:
            if error.name in REFUSALS:
                raise PermanentSyncError(
                    f"the vendor's Odoo refused: {error}"
                ) from None
            raise RetryableSyncError(f"the vendor's Odoo failed: {error}") from None

    def _url(self, ticket_id):
        return f"{self.config.url}/odoo/helpdesk.ticket/{ticket_id}"

    def _ticket(self, record):
        stage = record.get("stage_id")
        return RemoteTicket(
            str(record["id"]), self._url(record["id"]), stage[1] if stage else None
        )

    def create(self, request, correlation_key):
        ticket_id = self._call(TICKET, "create", request)
        return RemoteTicket(str(ticket_id), self._url(ticket_id), "new")

    def find(self, correlation_key):
        if self.field:
            domain = [(self.field, "=", correlation_key)]
        else:
            domain = [("name", "like", f"({correlation_key})")]
        found = self._call(TICKET, "search_read", domain, fields=["stage_id"], limit=1)
        return self._ticket(found[0]) if found else None

    def comment(self, external_id, request):
        self._call(
            TICKET,
            "message_post",
            [int(external_id)],
            body=request["body"],
            subject=request["subject"],
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def has_comment(self, external_id, marker):
        return bool(
            self._call(
                "mail.message",
                "search_count",
                [
                    ("model", "=", TICKET),
                    ("res_id", "=", int(external_id)),
                    ("subject", "like", marker),
                ],
            )
        )

    def set_status(self, external_id, status):
        ticket_id = int(external_id)
        stages = self._call(
            "helpdesk.ticket.stage",
            "search_read",
            [("closed", "=", status == "closed")],
            fields=["name"],
            order="sequence, id",
            limit=1,
        )
        if not stages:
            raise PermanentSyncError(f"the vendor's Odoo has no stage for {status!r}")
        current = self._call(TICKET, "read", [ticket_id], ["stage_id", "closed"])
        if not current:
            raise PermanentSyncError(f"the vendor's ticket {ticket_id} is gone")
        if current[0]["closed"] != (status == "closed"):
            self._call(TICKET, "write", [ticket_id], {"stage_id": stages[0]["id"]})
            return RemoteTicket(str(ticket_id), self._url(ticket_id), stages[0]["name"])
        return self._ticket(current[0])

    @property
    def partner_id(self):
        if self._partner_id is None:
            user = self._call("res.users", "read", [self.odoo.uid], ["partner_id"])
            self._partner_id = user[0]["partner_id"][0]
        return self._partner_id

    def fetch_changes(self, cursor):
        after = int(cursor or 0)
        messages = self._call(
            "mail.message",
            "search_read",
            [
                ("model", "=", TICKET),
                ("id", ">", after),
                ("author_id", "!=", self.partner_id),
                "|",
                ("message_type", "=", "notification"),
                "&",
                ("message_type", "in", ["comment", "email"]),
                ("subtype_id.internal", "=", False),
            ],
            fields=["res_id", "body", "author_id", "date", "message_type"],
            order="id",
            limit=PAGE,
        )
        if not messages:
            return Changes([], cursor)
        fields = ["name", "stage_id", "closed"] + ([self.field] if self.field else [])
        # Only the tickets we opened at the vendor.
        tickets = self._call(
            TICKET,
            "search_read",
            [
                ("id", "in", sorted({m["res_id"] for m in messages})),
                ("create_uid", "=", self.odoo.uid),
            ],
            fields=fields,
        )
        by_id = {ticket["id"]: ticket for ticket in tickets}
        items = [
            {"message": message, "ticket": by_id[message["res_id"]]}
            for message in messages
            if message["res_id"] in by_id
        ]
        return Changes(items, str(messages[-1]["id"]), more=len(messages) == PAGE)

    def check(self):
        version = self.odoo.version().get("server_version", "?")
        self._call(TICKET, "search_count", [])
        return (
            f"Odoo {version} at {self.config.url}, database "
            f"{self.config.option('database')}, as {self.config.option('login')}"
        )
