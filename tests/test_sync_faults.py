"""The daemon under faults, against the real Odoo server and the real Request
Tracker: killed at random points, two at once, a vendor that fails on purpose
(through a loopback proxy), Odoo restarted under it. Exactly one vendor ticket
per escalation and one vendor comment per public message, always."""

import random
import signal
import time
from collections import Counter

from fault_server import FaultServer
from test_sync_e2e import rt_as_vendor, rt_history, rt_tickets

SYNC_USER = "helpdesk-sync"


def assert_one_vendor_ticket_each(env, count):
    bindings = env.bindings()
    assert len(bindings) == count
    tickets = rt_tickets(env)
    keys = Counter(ticket["key"] for ticket in tickets.values())
    duplicates = {key: n for key, n in keys.items() if n > 1}
    assert not duplicates, f"vendor tickets created twice: {duplicates}"
    assert len(tickets) == count
    assert {b["correlation_key"]: b["external_id"] for b in bindings} == {
        t["key"]: ticket_id for ticket_id, t in tickets.items()
    }


def our_corresponds(env, external_id):
    return [
        t
        for t in rt_history(env, external_id, types=("Correspond",))
        if t["Creator"]["id"] == SYNC_USER
    ]


def post_public_messages(env, ticket_ids, text="Customer update #{}"):
    for ticket_id in ticket_ids:
        env.admin(
            "helpdesk.ticket",
            "message_post",
            [ticket_id],
            body=text.format(ticket_id),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )


def done_count(env):
    return sum(1 for e in env.events(("state",)) if e["state"] == "done")


def test_sigkill_at_random_points_while_pushing_200_escalations(rt_env):
    rt_env.escalated_tickets(200)
    rng = random.Random(20261123)
    daemon_config = {"batch_size": 10, "lease_seconds": 5, "push_interval": 0.2}
    kills = 0
    deadline = time.monotonic() + 300
    while done_count(rt_env) < 200:
        assert time.monotonic() < deadline, rt_env.events()
        daemon = rt_env.start(name=f"daemon-{kills}", daemon=daemon_config)
        if kills == 6:  # enough: let the last one finish the work
            rt_env.wait_until_delivered(timeout=240, processes=[daemon])
            rt_env.stop(daemon)
            break
        # Once it is at work, kill it anywhere: before a create, between a
        # create and its acknowledgement, in the middle of an ack.
        before = done_count(rt_env)
        while done_count(rt_env) == before and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(rng.uniform(0, 2.0))
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(timeout=30)
        kills += 1
    assert kills == 6
    assert_one_vendor_ticket_each(rt_env, 200)
    attempts = Counter(e["attempts"] for e in rt_env.events(("attempts",)))
    assert set(attempts) - {1}, f"no kill interrupted a lease: {attempts}"


def test_two_daemons_at_once_process_each_event_once(rt_env):
    ids = rt_env.escalated_tickets(24)
    post_public_messages(rt_env, ids)
    config = {"batch_size": 5, "lease_seconds": 60, "push_interval": 0.2}
    daemons = [rt_env.start(name=f"twin-{n}", daemon=config) for n in (1, 2)]
    try:
        rt_env.wait_until_delivered(timeout=180, processes=daemons)
    finally:
        for daemon in daemons:
            assert rt_env.stop(daemon) == 0, "a clean stop on SIGTERM"
    events = rt_env.events(("state", "attempts", "kind"))
    assert Counter(e["kind"] for e in events) == {"create": 24, "comment": 24}
    assert {(e["state"], e["attempts"]) for e in events} == {
        ("done", 1)
    }, "no event was handed out twice"
    assert_one_vendor_ticket_each(rt_env, 24)
    for binding in rt_env.bindings():
        assert len(our_corresponds(rt_env, binding["external_id"])) == 1
    for log in rt_env.logs:
        assert "pushed" in log.read_text(), f"{log.name} did no work: not a race"


def test_two_daemons_pull_each_vendor_reply_once(rt_env):
    """Both daemons read the vendor's changes from the same cursor: each reply
    becomes one note, the cursor never goes back, both daemons are visible."""
    ids = rt_env.escalated_tickets(6)
    rt_env.once()
    bindings = {b["ticket_id"][0]: b["external_id"] for b in rt_env.bindings()}
    config = {"pull_interval": 0.2, "heartbeat_interval": 0.5}
    daemons = [rt_env.start(name=f"puller-{n}", daemon=config) for n in (1, 2)]
    cursors = []
    try:
        for round_ in range(3):
            for ticket_id in ids:
                rt_as_vendor(
                    rt_env,
                    "POST",
                    f"/ticket/{bindings[ticket_id]}/correspond",
                    json={
                        "Content": f"Vendor reply {round_} on {ticket_id}",
                        "ContentType": "text/plain",
                    },
                )
                cursors.append(backend_cursor(rt_env))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            cursors.append(backend_cursor(rt_env))
            notes = vendor_replies(rt_env, ids)
            if len(notes) >= 18:
                break
            time.sleep(0.3)
        time.sleep(2)  # both daemons pull again: nothing more may come
        status = rt_env.cli("status", rt_env.config(name="puller-1.toml"))
    finally:
        for daemon in daemons:
            assert rt_env.stop(daemon) == 0, "a clean stop on SIGTERM"
    notes = vendor_replies(rt_env, ids)
    assert sorted(notes) == sorted(
        f"Vendor reply {r} on {t}" for r in range(3) for t in ids
    ), "each vendor reply exactly once"
    seen = [int(c) for c in cursors if c]
    assert seen == sorted(seen), f"the cursor went back: {seen}"
    assert status.returncode == 0, status.stderr
    for name in (f"w-{rt_env.code}-puller-1", f"w-{rt_env.code}-puller-2"):
        assert f"daemon {name} (" in status.stdout, status.stdout
        assert "alive" in status.stdout


def backend_cursor(env):
    return env.admin("helpdesk.vendor.backend", "read", [env.backend_id], ["cursor"])[
        0
    ]["cursor"]


def vendor_replies(env, ticket_ids):
    return [
        text
        for ticket_id in ticket_ids
        for m in env.messages(ticket_id)
        for text in [f"Vendor reply {r} on {ticket_id}" for r in range(3)]
        if text in (m["body"] or "")
    ]


def test_injected_failures_are_retried_with_backoff(rt_env):
    with FaultServer(
        upstream=rt_env.rt.url, share=0.3, seed=7, retry_after=1, slow_seconds=2.5
    ) as proxy:
        ids = rt_env.escalated_tickets(20)
        post_public_messages(rt_env, ids[:10])
        daemon = rt_env.start(
            name="faulty",
            vendor={"url": proxy.url, "timeout": 1.5},
            daemon={"batch_size": 10},
        )
        try:
            rt_env.wait_until_delivered(timeout=240, processes=[daemon])
        finally:
            rt_env.stop(daemon)
        hits = list(proxy.hits)
    events = rt_env.events(("state", "attempts", "last_error"))
    assert {e["state"] for e in events} == {"done"}, events
    faults = Counter(hit.fault for hit in hits if hit.fault)
    assert set(faults) == {"500", "503", "429", "reset", "slow", "garbage"}, faults
    assert_one_vendor_ticket_each(rt_env, 20)
    bindings = {b["ticket_id"][0]: b["external_id"] for b in rt_env.bindings()}
    for ticket_id in ids[:10]:
        assert len(our_corresponds(rt_env, bindings[ticket_id])) == 1
    # After a 429, the same request comes back no sooner than Retry-After says.
    for index, hit in enumerate(hits):
        if hit.fault != "429":
            continue
        again = next(
            (
                later
                for later in hits[index + 1 :]
                if (later.method, later.path, later.body)
                == (hit.method, hit.path, hit.body)
            ),
            None,
        )
        if again is not None:
            assert again.time - hit.time >= 0.95, (hit, again)


def test_dead_letters_after_the_last_attempt_then_retry(rt_env):
    rt_env.admin(
        "helpdesk.vendor.backend", "write", [rt_env.backend_id], {"max_attempts": 3}
    )
    with FaultServer(upstream=rt_env.rt.url) as proxy:
        proxy.always = "500"
        rt_env.escalated_tickets(3)
        daemon = rt_env.start(name="dead", vendor={"url": proxy.url})
        try:
            rt_env.wait_until_delivered(timeout=60, processes=[daemon])
            events = rt_env.events()
            assert {(e["state"], e["attempts"]) for e in events} == {("dead", 3)}
            assert all("HTTP 500" in e["last_error"] for e in events)
            assert not rt_tickets(rt_env), "the vendor never got them"
            backend = rt_env.admin(
                "helpdesk.vendor.backend", "read", [rt_env.backend_id], ["dead_count"]
            )[0]
            assert backend["dead_count"] == 3
            # The vendor is back; someone presses the retry button.
            proxy.always = None
            rt_env.admin(
                "helpdesk.vendor.backend", "action_retry_dead", [rt_env.backend_id]
            )
            rt_env.wait_until_delivered(timeout=60, processes=[daemon])
        finally:
            rt_env.stop(daemon)
    assert {(e["state"], e["attempts"]) for e in rt_env.events()} == {("done", 4)}
    assert_one_vendor_ticket_each(rt_env, 3)


def test_odoo_restarted_mid_run(rt_env):
    rt_env.escalated_tickets(15)
    daemon = rt_env.start(
        name="restart", daemon={"batch_size": 5, "push_interval": 0.2}
    )
    try:
        deadline = time.monotonic() + 60
        while not any(e["state"] == "done" for e in rt_env.events(("state",))):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        rt_env.ours.stop()
        time.sleep(2)  # the daemon runs into a closed port
        rt_env.ours.start()
        rt_env.escalated_tickets(5)
        rt_env.wait_until_delivered(timeout=120, processes=[daemon])
    finally:
        assert rt_env.stop(daemon) == 0
    assert_one_vendor_ticket_each(rt_env, 20)
    assert "unreachable" in rt_env.logs[0].read_text()


def test_sigterm_releases_what_was_not_sent(rt_env):
    rt_env.escalated_tickets(40)
    daemon = rt_env.start(name="term", daemon={"batch_size": 40, "lease_seconds": 120})
    deadline = time.monotonic() + 60
    while not any(e["state"] == "in_progress" for e in rt_env.events(("state",))):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(1)
    started = time.monotonic()
    assert rt_env.stop(daemon) == 0
    assert time.monotonic() - started < 15, "stops without waiting for the lease"
    events = rt_env.events(("state", "attempts"))
    states = Counter(e["state"] for e in events)
    assert states["in_progress"] == 0, "nothing left leased to a dead worker"
    assert states["pending"] > 0 and states["done"] > 0, states
    assert {e["attempts"] for e in events if e["state"] == "pending"} == {0}
    rt_env.once()
    assert_one_vendor_ticket_each(rt_env, 40)
