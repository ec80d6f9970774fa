"""The vendor mappers are pure: neutral shapes in, the vendor's shapes out (and
back), checked without any server."""

from helpdesk_tiers_sync.vendors.odoo.mapper import OdooMapper
from helpdesk_tiers_sync.vendors.rt.mapper import RTMapper
from helpdesk_tiers_sync.vendors.text import html_to_text, text_to_html
from helpdesk_tiers_sync.vendors.webhook.mapper import WebhookMapper

PAYLOAD = {
    "reference": "HT00042",
    "subject": "Receipts print garbage",
    "description": "Receipts print garbled accents since firmware 3.4.",
    "priority_category": "critical",
    "customer": {
        "name": "Boulangerie Dupont",
        "contact": "Claire Dupont",
        "email": "claire@example.com",
        "phone": "+33 1 23 45 67 89",
    },
    "product": {
        "name": "TP-80 printer",
        "serial_number": "TP-5510",
        "category": "Printers",
    },
    "note": "Rolled back to 3.3: fixed. We need a corrected 3.4.",
    "author": "Sofia Laurent",
    "external_id": False,
}
KEY = "hdt-1a2b3c4d-3-42"


def test_rt_ticket():
    mapper = RTMapper({"queue": "Vendor", "correlation_field": "ExternalRef"})
    request = mapper.ticket(PAYLOAD, KEY)
    assert request["Queue"] == "Vendor"
    assert request["Subject"] == "[HT00042] Receipts print garbage"
    assert request["CustomFields"] == {"ExternalRef": KEY}
    assert request["Priority"] == 70
    text = request["Content"]
    for expected in (
        "garbled accents",
        "Hand-off note from Sofia Laurent:",
        "We need a corrected 3.4.",
        "Serial number: TP-5510",
        "Customer: Boulangerie Dupont",
        "Our reference: HT00042",
    ):
        assert expected in text
    # The customer's contact data stays with us.
    assert "claire@example.com" not in text and "+33" not in text
    assert "Requestor" not in request
    mapper = RTMapper({"queue": "V", "correlation_field": "F", "requestor": "desk@x"})
    assert mapper.ticket(PAYLOAD, KEY)["Requestor"] == "desk@x"


def test_rt_comment_status_and_changes():
    mapper = RTMapper({"queue": "Vendor", "correlation_field": "ExternalRef"})
    comment = mapper.comment(
        {**PAYLOAD, "body": "Photos attached.", "author": "Lucie"}, "(m/e7)"
    )
    assert comment["Subject"].endswith("(m/e7)")
    assert comment["Content"] == "Photos attached.\n\n-- Lucie\n"
    reopen = mapper.comment(PAYLOAD, "(m/e8)")
    assert reopen["Content"].startswith("Escalated to you again:\nRolled back")
    assert mapper.status({"status": "closed"}) == "resolved"
    assert mapper.status({"status": "open"}) == "open"
    assert mapper.status({"status": "weird"}) is None
    items = [
        {
            "transaction": {
                "id": "40",
                "Type": "Correspond",
                "ObjectId": "7",
                "Creator": {"id": "bob"},
                "Created": "2026-11-23T10:00:00Z",
            },
            "content": "Send logs please",
            "correlation_key": KEY,
        },
        {
            "transaction": {
                "id": "41",
                "Type": "Status",
                "ObjectId": "7",
                "NewValue": "open",
            }
        },
        {
            "transaction": {
                "id": "42",
                "Type": "Status",
                "ObjectId": "7",
                "NewValue": "resolved",
            }
        },
        {
            "transaction": {
                "id": "43",
                "Type": "Status",
                "ObjectId": "8",
                "NewValue": "rejected",
            }
        },
    ]
    events = mapper.remote_events(items)
    assert [(e["remote_event_id"], e["kind"]) for e in events] == [
        ("rt-txn-40", "comment"),
        ("rt-txn-41", "status"),
        ("rt-txn-42", "resolved"),
        ("rt-txn-43", "closed"),
    ]
    assert (
        events[0].items()
        >= {
            "external_id": "7",
            "body": "Send logs please",
            "author": "bob",
            "correlation_key": KEY,
        }.items()
    )
    assert events[2]["status"] == "resolved"


def test_odoo_ticket_and_changes():
    mapper = OdooMapper({})
    vals = mapper.ticket(PAYLOAD, KEY)
    assert vals["name"] == f"[HT00042] Receipts print garbage ({KEY})"
    assert vals["priority"] == "2"
    assert (
        "<p>Receipts print garbled accents since firmware 3.4.</p>"
        in vals["description"]
    )
    assert mapper.correlation_key({"name": vals["name"]}) == KEY
    with_field = OdooMapper({"correlation_field": "x_ref", "team_id": 3})
    vals = with_field.ticket(PAYLOAD, KEY)
    assert (vals["name"], vals["x_ref"], vals["team_id"]) == (
        "[HT00042] Receipts print garbage",
        KEY,
        3,
    )
    ticket = {"id": 5, "name": f"x ({KEY})", "stage_id": [4, "Done"], "closed": True}
    events = mapper.remote_events(
        [
            {
                "message": {
                    "id": 90,
                    "message_type": "comment",
                    "body": "<p>Fixed in <b>3.5</b>.</p><p>Bye</p>",
                    "author_id": [9, "Vendor Bob"],
                    "date": "2026-11-23 10:00:00",
                },
                "ticket": ticket,
            },
            {
                "message": {
                    "id": 91,
                    "message_type": "notification",
                    "body": "",
                    "author_id": [9, "Vendor Bob"],
                },
                "ticket": ticket,
            },
            {
                "message": {
                    "id": 92,
                    "message_type": "notification",
                    "body": "",
                    "author_id": False,
                },
                "ticket": {**ticket, "closed": False, "stage_id": [2, "In Progress"]},
            },
        ]
    )
    assert [(e["kind"], e.get("status")) for e in events] == [
        ("comment", None),
        ("resolved", "Done"),
        ("status", "In Progress"),
    ]
    assert events[0]["body"] == "Fixed in 3.5.\n\nBye"
    assert events[0]["external_id"] == "5" and events[0]["correlation_key"] == KEY


def test_webhook_shapes():
    mapper = WebhookMapper({})
    request = mapper.ticket(PAYLOAD, KEY)
    assert request["event"] == "create" and request["correlation_key"] == KEY
    assert request["ticket"]["reference"] == "HT00042"
    assert "phone" not in str(request)
    comment = mapper.comment({**PAYLOAD, "body": "Hi"}, "(k/e1)")
    assert comment == {
        "event": "comment",
        "delivery": "(k/e1)",
        "body": "Hi\n\n-- Sofia Laurent\n",
        "author": "Sofia Laurent",
    }
    assert mapper.status({"status": "closed"}) == "closed"


def test_text_helpers():
    assert html_to_text("<p>a &amp; b</p><p>c<br>d</p>") == "a & b\n\nc\nd"
    assert text_to_html("<script>x</script>\n\nline1\nline2") == (
        "<p>&lt;script&gt;x&lt;/script&gt;</p><p>line1<br>line2</p>"
    )
