"""End to end, with the real systems: our Odoo server, the daemon's CLI in a
subprocess, and a vendor that runs Request Tracker, Odoo with helpdesk_mgmt, or
a signed webhook."""

import json

import requests
from fault_server import FaultServer
from sync_env import HANDOFF_NOTE
from webhook_vendor import sign


def rt_tickets(env):
    """{RT ticket id: ticket with its correlation key} of the test's queue."""
    session = env.rt.session()
    tickets, page = {}, 1
    while True:
        found = session.get(
            f"{env.rt.api}/tickets",
            params={
                "query": f"Queue = '{env.queue}'",
                "fields": "Subject,Status,CustomFields",
                "per_page": 100,
                "page": page,
            },
            timeout=10,
        ).json()
        for item in found["items"]:
            values = [
                f["values"] for f in item["CustomFields"] if f["name"] == env.field
            ]
            key = values[0][0] if values and values[0] else None
            tickets[item["id"]] = {**item, "key": key}
        if page >= found["pages"]:
            return tickets
        page += 1


def rt_history(env, ticket_id, types=("Create", "Correspond")):
    session = env.rt.session()
    data = session.get(
        f"{env.rt.api}/ticket/{ticket_id}/history",
        params={"fields": "Type,Creator", "per_page": 100},
        timeout=10,
    ).json()
    return [t for t in data["items"] if t["Type"] in types]


def rt_as_vendor(env, method, path, **kwargs):
    """The vendor's agent (root) working in Request Tracker."""
    response = env.rt.session().request(
        method, f"{env.rt.api}{path}", timeout=10, **kwargs
    )
    assert response.status_code < 300, response.text
    return response


def test_rt_escalation_creates_exactly_one_vendor_ticket(rt_env):
    (ticket_id,) = rt_env.escalated_tickets(1, name="Receipts print garbage")
    rt_env.once()
    rt_env.once()  # nothing left to do: nothing more at the vendor
    (binding,) = rt_env.bindings()
    tickets = rt_tickets(rt_env)
    assert list(tickets) == [binding["external_id"]]
    vendor_ticket = tickets[binding["external_id"]]
    assert vendor_ticket["key"] == binding["correlation_key"]
    assert vendor_ticket["Subject"].endswith("Receipts print garbage")
    content = rt_as_vendor(
        rt_env,
        "GET",
        f"/ticket/{binding['external_id']}/history",
        params={"fields": "Type"},
    ).json()
    assert [t for t in content["items"] if t["Type"] == "Create"]
    assert [e["state"] for e in rt_env.events()] == ["done"]
    assert rt_env.ticket(ticket_id)["tier_id"][1] == "L4 Vendors"


def test_rt_round_trip(rt_env):
    (ticket_id,) = rt_env.escalated_tickets(1)
    rt_env.once()
    external_id = rt_env.bindings()[0]["external_id"]

    # A public reply to the customer is mirrored to the vendor...
    rt_env.admin(
        "helpdesk.ticket",
        "message_post",
        [ticket_id],
        body="The customer sent photos of the receipts.",
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )
    rt_env.once()
    ours = [
        t
        for t in rt_history(rt_env, external_id)
        if t["Creator"]["id"] == "helpdesk-sync"
    ]
    assert [t["Type"] for t in ours] == ["Create", "Correspond"]

    # ... the vendor's reply comes back as an internal note...
    rt_as_vendor(
        rt_env,
        "POST",
        f"/ticket/{external_id}/correspond",
        json={"Content": "Please send the firmware dump.", "ContentType": "text/plain"},
    )
    rt_env.once()
    notes = [
        m
        for m in rt_env.messages(ticket_id)
        if "Please send the firmware dump." in (m["body"] or "")
    ]
    assert len(notes) == 1
    assert notes[0]["subtype_id"][1] == "Note", "internal: never sent to the customer"
    assert rt_env.ticket(ticket_id)["tier_id"][1] == "L4 Vendors"

    # ... and the vendor's resolution hands the ticket back to L3.
    rt_as_vendor(rt_env, "PUT", f"/ticket/{external_id}", json={"Status": "resolved"})
    rt_env.once()
    ticket = rt_env.ticket(ticket_id)
    assert ticket["tier_id"][1] == "L3 Specialists"
    assert ticket["activity_ids"], "whoever escalated it has something to do"
    assert rt_env.bindings()[0]["external_status"] == "resolved"
    rt_env.once()  # the same changes are not applied twice
    assert (
        len(
            [
                m
                for m in rt_env.messages(ticket_id)
                if "firmware dump" in (m["body"] or "")
            ]
        )
        == 1
    )

    # Closing on our side closes the vendor's ticket too (it stays resolved).
    done = rt_env.admin.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
    rt_env.admin("helpdesk.ticket", "write", [ticket_id], {"stage_id": done})
    rt_env.once()
    assert [e["kind"] for e in rt_env.events()][-1] == "close"
    assert {e["state"] for e in rt_env.events()} == {"done"}


def test_odoo_vendor_round_trip(odoo_vendor_env):
    env = odoo_vendor_env
    (ticket_id,) = env.escalated_tickets(1, name="Label printer jams")
    env.once()
    env.once()
    (binding,) = env.bindings()
    vendor_admin = env.vendor.client()
    found = vendor_admin(
        "helpdesk.ticket",
        "search_read",
        [("name", "like", binding["correlation_key"])],
        fields=["name", "description"],
    )
    assert [str(t["id"]) for t in found] == [binding["external_id"]]
    assert "Label printer jams" in found[0]["name"]
    assert "Hand-off note" in found[0]["description"]

    vendor_ticket = int(binding["external_id"])
    vendor_admin(
        "helpdesk.ticket",
        "message_post",
        [vendor_ticket],
        body="A replacement roller is on its way.",
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )
    env.once()
    notes = [
        m for m in env.messages(ticket_id) if "replacement roller" in (m["body"] or "")
    ]
    assert len(notes) == 1 and notes[0]["subtype_id"][1] == "Note"

    done = vendor_admin.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
    vendor_admin("helpdesk.ticket", "write", [vendor_ticket], {"stage_id": done})
    env.once()
    assert env.ticket(ticket_id)["tier_id"][1] == "L3 Specialists"


def test_webhook_vendor_both_ways(webhook_env):
    env = webhook_env
    (ticket_id,) = env.escalated_tickets(1)
    env.once()
    (binding,) = env.bindings()
    receiver = env.receiver
    assert list(receiver.tickets) == [binding["external_id"]]
    assert (
        receiver.tickets[binding["external_id"]]["correlation_key"]
        == binding["correlation_key"]
    )
    assert receiver.rejected == 0, "every delivery was signed"

    event = {
        "remote_event_id": "hook-1",
        "external_id": binding["external_id"],
        "kind": "comment",
        "body": "We reproduced it.",
        "author": "Vendor support",
    }
    forged = receiver.send(env.ours.url, env.code, [event], secret="not-the-secret")
    assert forged.status_code == 401
    assert not [
        m for m in env.messages(ticket_id) if "We reproduced it." in (m["body"] or "")
    ]
    response = receiver.send(env.ours.url, env.code, [event])
    assert response.status_code == 200 and response.json()["applied"] == 1
    assert receiver.send(env.ours.url, env.code, [event]).json()["duplicates"] == 1
    resolved = {**event, "remote_event_id": "hook-2", "kind": "resolved", "body": ""}
    answer = receiver.send(env.ours.url, env.code, [resolved])
    assert answer.json() == {"applied": 1, "duplicates": 0, "unknown": 0}, answer.text
    assert env.ticket(ticket_id)["tier_id"][1] == "L3 Specialists"


def test_cli_check_and_status(rt_env):
    result = rt_env.cli("check")
    assert result.returncode == 0, result.stderr
    assert "Request Tracker 5" in result.stderr
    rt_env.escalated_tickets(2)
    result = rt_env.cli("status")
    assert result.returncode == 0, result.stderr
    line = next(
        line for line in result.stdout.splitlines() if line.startswith(rt_env.code)
    )
    assert line.split()[3] == "2", line  # two waiting
    rt_env.secrets["TEST_RT_TOKEN"] = "1-99-wrong"
    result = rt_env.cli("check")
    assert result.returncode == 1
    assert "HTTP 401" in result.stderr


def test_only_the_sync_user_gets_through(ours):
    """The daemon's API refuses other users, over the same JSON-RPC it uses."""
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [
                ours.database,
                2,
                "admin",
                "helpdesk.sync.api",
                "claim_events",
                ["w", 1, 60],
                {},
            ],
        },
    }
    answer = requests.post(f"{ours.url}/jsonrpc", json=payload, timeout=30).json()
    assert "Only the vendor sync daemon" in answer["error"]["data"]["message"]
    assert HANDOFF_NOTE


def update_messages(env, ticket_id):
    subtype = env.admin.ref("helpdesk_tiers.mt_customer_update")
    return [
        m
        for m in env.messages(ticket_id)
        if m["subtype_id"] and m["subtype_id"][0] == subtype
    ]


def make_update_due(env, ticket_id):
    env.admin(
        "helpdesk.ticket",
        "write",
        [ticket_id],
        {"next_customer_update": "2020-01-01 00:00:00"},
    )


def test_customer_update_due_is_sent_and_recorded(rt_env):
    partner = rt_env.admin(
        "res.partner",
        "create",
        {"name": "Claire Update", "email": "claire.update@example.com"},
    )
    (ticket_id,) = rt_env.escalated_tickets(1, partner_id=partner)
    rt_env.once()
    before = update_messages(rt_env, ticket_id)
    make_update_due(rt_env, ticket_id)
    result = rt_env.once()
    assert "customer_updates" not in result.stderr
    (message,) = (m for m in update_messages(rt_env, ticket_id) if m not in before)
    assert "the manufacturer" in message["body"]
    assert "Next update" in message["body"]
    due = rt_env.ticket(ticket_id, ("next_customer_update",))["next_customer_update"]
    assert due > "2026", "the next update is scheduled"
    rt_env.once()
    assert len(update_messages(rt_env, ticket_id)) == len(before) + 1, "sent once"


def test_customer_update_by_webhook(rt_env):
    with FaultServer() as customer_hook:
        partner = rt_env.admin(
            "res.partner",
            "create",
            {
                "name": "Northwind IT",
                "email": "it@northwind.example.com",
                "helpdesk_update_channel": "webhook",
                "helpdesk_update_webhook_url": f"{customer_hook.url}/helpdesk-updates",
            },
        )
        (ticket_id,) = rt_env.escalated_tickets(1, partner_id=partner)
        make_update_due(rt_env, ticket_id)
        rt_env.once()
        (hit,) = (h for h in customer_hook.hits if h.path == "/helpdesk-updates")
    assert hit.headers["X-Helpdesk-Signature"] == sign("updates-secret", hit.body)
    update = json.loads(hit.body)
    assert update["ticket_id"] == ticket_id
    assert "the manufacturer" in update["body"]
    assert len(update_messages(rt_env, ticket_id)) == 1, "recorded in the chatter"
