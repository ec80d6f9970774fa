# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common_sync import VENDOR_NOTE, HelpdeskSyncCommon

CODES = ["acme_rt_test", "generic_test"]


class TestSyncApiAccess(HelpdeskSyncCommon):
    def test_only_the_daemon_group_may_call(self):
        calls = [
            ("claim_events", ("w",)),
            ("ack_events", ([],)),
            ("backends", ()),
            ("apply_remote_events", ("acme_rt_test", [])),
            ("heartbeat", ("w",)),
        ]
        for user in (self.agent_l1, self.specialist, self.manager):
            api = self.env["helpdesk.sync.api"].with_user(user)
            for method, args in calls:
                with self.subTest(user=user.login, method=method):
                    with self.assertRaisesRegex(AccessError, "sync daemon"):
                        getattr(api, method)(*args)
        self.assertIsInstance(self.api.backends(), list)

    def test_daemon_has_no_rights_of_its_own(self):
        ticket = self._ticket_at_l3()
        with self.assertRaises(AccessError):
            self.env["helpdesk.sync.event"].with_user(self.daemon).search([])
        with self.assertRaises(AccessError):
            ticket.with_user(self.daemon).write({"name": "hijacked"})

    def test_model_access_per_group(self):
        ticket = self._ticket_at_l3()
        self._escalate_to_vendor(ticket)
        event = self._events(ticket)
        binding = ticket.vendor_binding_ids
        portal = new_test_user(
            self.env, login="tiers-sync-portal", groups="base.group_portal"
        )
        # Agents see where their tickets went, only managers configure it.
        for user in (self.agent_l1, self.specialist):
            with self.subTest(user=user.login):
                self.assertEqual(binding.with_user(user).external_status, False)
                self.assertTrue(self.printers_rt.with_user(user).name)
                with self.assertRaises(AccessError):
                    self.printers_rt.with_user(user).write({"max_attempts": 1})
                with self.assertRaises(AccessError):
                    binding.with_user(user).write({"external_id": "x"})
        self.printers_rt.with_user(self.manager).write({"max_attempts": 5})
        # The outbox: L3 (the vendor desk) and managers; never L1/L2 or portal.
        self.assertEqual(event.with_user(self.specialist).kind, "create")
        for user in (self.agent_l1, self.agent_l2, portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                event.with_user(user).read(["kind"])
        for user in (self.specialist, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                event.with_user(user).create({})
        with self.assertRaises(AccessError):
            binding.with_user(portal).read(["external_id"])
        with self.assertRaises(AccessError):
            self.printers_rt.with_user(portal).read(["name"])
        with self.assertRaises(AccessError):
            self.env["helpdesk.sync.inbox"].with_user(self.specialist).search([])


class TestSyncApiClaim(HelpdeskSyncCommon):
    def _claim(self, worker="w1", limit=100, lease=120):
        return self.api.claim_events(worker, limit, lease, backend_codes=CODES)

    def test_claim_shape_and_lease(self):
        ticket = self._ticket_at_l3(
            category_id=self.cat_printers.id, partner_id=self.customer.id
        )
        self._escalate_to_vendor(ticket)
        claimed = self._claim()
        self.assertEqual(len(claimed), 1)
        event = claimed[0]
        self.assertEqual(
            set(event),
            {
                "id",
                "backend_code",
                "kind",
                "ticket_id",
                "correlation_key",
                "attempts",
                "payload",
            },
        )
        self.assertEqual(event["backend_code"], "acme_rt_test")
        self.assertEqual(event["kind"], "create")
        self.assertEqual(event["ticket_id"], ticket.id)
        self.assertEqual(event["attempts"], 1)
        payload = event["payload"]
        self.assertEqual(payload["reference"], ticket.number)
        self.assertEqual(payload["subject"], ticket.name)
        self.assertEqual(payload["description"], "The counter printer blinks red.")
        self.assertEqual(payload["note"], VENDOR_NOTE)
        self.assertEqual(payload["customer"]["name"], "Customer Company")
        self.assertEqual(payload["product"]["category"], "Printers")
        self.assertIn(payload["priority_category"], ("planned", "regular"))
        self.assertFalse(payload["external_id"])
        record = self.env["helpdesk.sync.event"].browse(event["id"])
        self.assertEqual(record.state, "in_progress")
        self.assertEqual(record.lease_owner, "w1")
        self.assertFalse(self._claim("w2"), "a leased event is not handed out twice")

    def test_expired_lease_returns_the_event(self):
        ticket = self._ticket_at_l3()
        self._escalate_to_vendor(ticket)
        self._claim("w1", lease=30)
        with freeze_time(fields.Datetime.now() + timedelta(seconds=31)):
            claimed = self._claim("w2")
        self.assertEqual([e["attempts"] for e in claimed], [2])
        self.assertEqual(self._events(ticket).lease_owner, "w2")

    def test_events_of_a_vendor_ticket_go_in_order(self):
        first, second = self._ticket_at_l3(), self._ticket_at_l3()
        self._escalate_to_vendor(first)
        claimed = self._claim("w1")
        first.message_post(
            body="More details", subtype_xmlid="mail.mt_comment", message_type="comment"
        )
        self._escalate_to_vendor(second)
        # The comment waits while the create of its vendor ticket is out.
        claimed = self._claim("w2")
        self.assertEqual(
            [(e["ticket_id"], e["kind"]) for e in claimed], [(second.id, "create")]
        )
        self.api.ack_events(
            [
                {
                    "id": self._events(first, kind="create").id,
                    "ok": True,
                    "external_id": "7",
                }
            ]
        )
        claimed = self._claim("w2")
        self.assertEqual(
            [(e["kind"], e["payload"]["external_id"]) for e in claimed],
            [("comment", "7")],
        )
        self.assertEqual(claimed[0]["payload"]["body"], "More details")

    def test_one_claim_takes_a_whole_chain_in_order(self):
        ticket = self._ticket_at_l3()
        self._escalate_to_vendor(ticket)
        ticket.message_post(
            body="One", subtype_xmlid="mail.mt_comment", message_type="comment"
        )
        ticket.message_post(
            body="Two", subtype_xmlid="mail.mt_comment", message_type="comment"
        )
        claimed = self._claim()
        self.assertEqual([e["kind"] for e in claimed], ["create", "comment", "comment"])
        self.assertEqual(
            [e["payload"].get("body") for e in claimed[1:]], ["One", "Two"]
        )

    def test_limit_and_backend_filter(self):
        tickets = [self._ticket_at_l3() for _i in range(3)]
        for ticket in tickets:
            self._escalate_to_vendor(ticket)
        self.assertEqual(len(self._claim(limit=2)), 2)
        self.assertFalse(
            self.api.claim_events("w", 10, 60, backend_codes=["acme_rt_test"])
        )
        self.assertEqual(
            len(self.api.claim_events("w", 10, 60, backend_codes=["generic_test"])), 1
        )

    def test_bad_claims_are_refused(self):
        for args in (("", 10, 60), ("w", 0, 60), ("w", 5000, 60), ("w", 10, 1)):
            with self.subTest(args=args), self.assertRaises(UserError):
                self.api.claim_events(*args)


class TestSyncApiAck(HelpdeskSyncCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._ticket_at_l3(category_id=cls.cat_printers.id)
        cls._escalate_to_vendor(cls.ticket)
        cls.event = cls.env["helpdesk.sync.event"].search(
            [("ticket_id", "=", cls.ticket.id)]
        )

    def _claim(self, worker="w1"):
        return self.api.claim_events(worker, 10, 60, backend_codes=CODES)

    def test_success_binds_the_vendor_ticket(self):
        self._claim()
        counts = self.api.ack_events(
            [
                {
                    "id": self.event.id,
                    "ok": True,
                    "external_id": 42,
                    "external_url": "http://rt.example/Ticket/Display.html?id=42",
                    "external_status": "new",
                }
            ],
            worker="w1",
        )
        self.assertEqual(counts["done"], 1)
        self.assertRecordValues(
            self.event, [{"state": "done", "lease_owner": False, "last_error": False}]
        )
        self.assertRecordValues(
            self.ticket.vendor_binding_ids,
            [
                {
                    "external_id": "42",
                    "external_status": "new",
                    "external_url": "http://rt.example/Ticket/Display.html?id=42",
                }
            ],
        )
        self.assertTrue(self.event.done_at)

    def test_failure_is_retried_with_backoff(self):
        self._claim()
        before = fields.Datetime.now()
        counts = self.api.ack_events(
            [{"id": self.event.id, "ok": False, "error": "HTTP 500", "retryable": True}]
        )
        self.assertEqual(counts["retried"], 1)
        self.assertEqual(self.event.state, "failed")
        self.assertEqual(self.event.last_error, "HTTP 500")
        delay = (self.event.next_attempt_at - before).total_seconds()
        self.assertTrue(59 <= delay <= 60 * 1.25 + 1, delay)
        self.assertFalse(self._claim(), "not before its retry time")
        with freeze_time(self.event.next_attempt_at + timedelta(seconds=1)):
            self.assertEqual([e["attempts"] for e in self._claim()], [2])
            self.api.ack_events(
                [
                    {
                        "id": self.event.id,
                        "ok": False,
                        "error": "HTTP 500",
                        "retryable": True,
                    }
                ]
            )
        delay = (self.event.next_attempt_at - before).total_seconds()
        self.assertTrue(120 <= delay, "the delay doubles")

    def test_retry_after_is_honoured(self):
        self._claim()
        before = fields.Datetime.now()
        self.api.ack_events(
            [
                {
                    "id": self.event.id,
                    "ok": False,
                    "error": "HTTP 429",
                    "retryable": True,
                    "retry_after": 900,
                }
            ]
        )
        self.assertGreaterEqual(
            (self.event.next_attempt_at - before).total_seconds(), 899
        )

    def test_permanent_failure_is_dead_at_once(self):
        self._claim()
        counts = self.api.ack_events(
            [
                {
                    "id": self.event.id,
                    "ok": False,
                    "error": "HTTP 403 queue",
                    "retryable": False,
                }
            ]
        )
        self.assertEqual(counts["dead"], 1)
        self.assertEqual(self.event.state, "dead")
        self.assertEqual(self.printers_rt.dead_count, 1)

    def test_dead_after_max_attempts_then_retry_button(self):
        failure = {
            "id": self.event.id,
            "ok": False,
            "error": "timeout",
            "retryable": True,
        }
        for attempt in range(1, 4):
            with freeze_time(fields.Datetime.now() + timedelta(days=attempt)):
                self.assertEqual([e["attempts"] for e in self._claim()], [attempt])
                self.api.ack_events([failure])
        self.assertEqual(self.event.state, "dead")
        self.assertEqual(self.event.attempts, 3)
        self.printers_rt.with_user(self.manager).action_retry_dead()
        self.assertRecordValues(
            self.event,
            [{"state": "pending", "attempts": 3, "dead_after": 6, "last_error": False}],
        )
        claimed = self._claim()
        self.assertEqual(
            [e["attempts"] for e in claimed], [4], "attempts never go back"
        )

    def test_l3_retries_from_the_event_list(self):
        self._claim()
        self.api.ack_events(
            [{"id": self.event.id, "ok": False, "error": "x", "retryable": False}]
        )
        self.event.with_user(self.specialist).action_retry()
        self.assertEqual(self.event.state, "pending")
        with self.assertRaises(AccessError):
            self.event.with_user(self.agent_l2).action_retry()

    def test_release_gives_the_attempt_back(self):
        self._claim()
        counts = self.api.ack_events(
            [{"id": self.event.id, "ok": False, "released": True}], worker="w1"
        )
        self.assertEqual(counts["released"], 1)
        self.assertRecordValues(
            self.event, [{"state": "pending", "attempts": 0, "lease_owner": False}]
        )

    def test_stale_failure_reports_are_ignored(self):
        self._claim("w1")
        with freeze_time(fields.Datetime.now() + timedelta(seconds=61)):
            self._claim("w2")
        counts = self.api.ack_events(
            [{"id": self.event.id, "ok": False, "error": "late", "retryable": True}],
            worker="w1",
        )
        self.assertEqual(counts["ignored"], 1)
        self.assertEqual(self.event.lease_owner, "w2")
        # A late success still counts: the vendor ticket exists.
        counts = self.api.ack_events(
            [{"id": self.event.id, "ok": True, "external_id": "9"}], worker="w1"
        )
        self.assertEqual(counts["done"], 1)
        counts = self.api.ack_events(
            [{"id": self.event.id, "ok": True, "external_id": "9"}], worker="w2"
        )
        self.assertEqual(counts["ignored"], 1)

    def test_bad_results_are_refused(self):
        for results in ("x", [{"ok": True}], [1]):
            with self.subTest(results=results), self.assertRaises(UserError):
                self.api.ack_events(results)


class TestSyncApiBackends(HelpdeskSyncCommon):
    def test_backends_report_backlog(self):
        ticket = self._ticket_at_l3(category_id=self.cat_printers.id)
        self._escalate_to_vendor(ticket)
        rows = {row["code"]: row for row in self.api.backends()}
        self.assertEqual(set(rows), set(CODES))
        rt = rows["acme_rt_test"]
        self.assertEqual(
            (rt["kind"], rt["pending"], rt["failed"], rt["dead"]), ("rt", 1, 0, 0)
        )
        self.assertTrue(rt["oldest_pending"])
        self.assertEqual(rt["state"], "new")
        self.assertFalse(rt["cursor"])

    def test_heartbeat(self):
        self.api.heartbeat(
            "sync-1",
            {
                "version": "1.0",
                "host": "box pid 7",
                "backends": {
                    "acme_rt_test": {"ok": False, "error": "connection refused"}
                },
            },
        )
        self.assertRecordValues(
            self.printers_rt | self.catch_all,
            [
                {"state": "error", "last_error": "connection refused"},
                # Served by no daemon: not shown as connected.
                {"state": "new", "last_error": False},
            ],
        )
        self.assertEqual(self.printers_rt.worker_ids.name, "sync-1")
        self.assertFalse(self.catch_all.worker_ids)
        self.api.heartbeat("sync-2", {"backends": {"acme_rt_test": {"ok": True}}})
        # Two instances, each with its own heartbeat; sync-1 still reports the
        # error, so sync-2's good news does not hide it.
        workers = self.printers_rt.worker_ids
        self.assertEqual(sorted(workers.mapped("name")), ["sync-1", "sync-2"])
        self.assertRecordValues(
            workers.sorted("name"),
            [
                {
                    "state": "alive",
                    "host": "box pid 7",
                    "version": "1.0",
                    "failing_backend_ids": self.printers_rt.ids,
                    "last_error": "acme_rt_test: connection refused",
                },
                {
                    "state": "alive",
                    "host": False,
                    "version": False,
                    "failing_backend_ids": [],
                    "last_error": False,
                },
            ],
        )
        self.assertEqual(self.printers_rt.state, "error")
        row = next(r for r in self.api.backends() if r["code"] == "acme_rt_test")
        self.assertEqual(
            {(w["name"], w["state"], w["failing"]) for w in row["workers"]},
            {("sync-1", "alive", True), ("sync-2", "alive", False)},
        )
        # Once sync-1 recovers, the vendor system is connected again.
        self.api.heartbeat("sync-1", {"backends": {"acme_rt_test": {"ok": True}}})
        self.assertRecordValues(
            self.printers_rt, [{"state": "ok", "last_error": False}]
        )
        with freeze_time(fields.Datetime.now() + timedelta(minutes=10)):
            self.api.heartbeat("sync-2", {"backends": {"acme_rt_test": {"ok": True}}})
            self.env.invalidate_all()
            self.assertEqual(
                {w.name: w.state for w in self.printers_rt.worker_ids},
                {"sync-1": "silent", "sync-2": "alive"},
                "a silent instance shows, even while another one beats",
            )
            self.assertEqual(self.printers_rt.state, "ok")
        with freeze_time(fields.Datetime.now() + timedelta(minutes=20)):
            self.printers_rt.invalidate_recordset(["state"])
            self.assertEqual(self.printers_rt.state, "down")
        with freeze_time(fields.Datetime.now() + timedelta(days=8)):
            self.api.heartbeat("sync-3", {})
            self.assertEqual(
                self.env["helpdesk.sync.worker"].search([]).mapped("name"),
                ["sync-3"],
                "instances silent for a week are forgotten",
            )

    def test_bad_heartbeats_are_refused(self):
        for info in ("x", {"backends": ["acme_rt_test"]}, {"backends": {"a": 1}}):
            with self.subTest(info=info), self.assertRaises(UserError):
                self.api.heartbeat("sync-1", info)
        with self.assertRaises(UserError):
            self.api.heartbeat(" ", {})
        self.assertFalse(self.env["helpdesk.sync.worker"].search([]))


class TestSyncApiApply(HelpdeskSyncCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._ticket_at_l3(category_id=cls.cat_printers.id)
        cls._escalate_to_vendor(cls.ticket)
        cls.binding = cls.ticket.vendor_binding_ids
        cls.binding.external_id = "101"
        cls.env["helpdesk.sync.event"].search([]).write({"state": "done"})

    def _apply(self, *events, cursor=None):
        return self.api.apply_remote_events("acme_rt_test", list(events), cursor)

    def _vendor_messages(self):
        return self.ticket.message_ids.filtered(
            lambda m: m.author_id == self.vendor_partner
        )

    def test_reply_becomes_an_internal_note_once(self):
        reply = {
            "remote_event_id": "txn-1",
            "external_id": "101",
            "kind": "comment",
            "body": "Please send the <firmware> logs.",
            "author": "bob",
            "date": "2026-11-23 10:00:00",
        }
        self.assertEqual(
            self._apply(reply, cursor="1"),
            {"applied": 1, "duplicates": 0, "unknown": 0},
        )
        self.assertEqual(
            self._apply(reply, cursor="1"),
            {"applied": 0, "duplicates": 1, "unknown": 0},
        )
        message = self._vendor_messages()
        self.assertEqual(len(message), 1)
        self.assertTrue(message.subtype_id.internal, "never shown to the customer")
        self.assertIn("Please send the &lt;firmware&gt; logs.", message.body)
        self.assertIn("bob", message.body)
        self.assertEqual(self.printers_rt.cursor, "1")
        self.assertFalse(
            self._events(self.ticket).filtered(lambda e: e.state != "done"), "no echo"
        )

    def test_cursor_is_a_compare_and_set(self):
        """Two daemons read the same cursor and the same vendor changes; the
        first one to apply them moves the cursor on, the second one's apply is
        refused whole, and the cursor never goes back."""

        def reply(txn):
            return {
                "remote_event_id": txn,
                "external_id": "101",
                "kind": "comment",
                "body": f"Vendor says {txn}",
            }

        self.printers_rt.cursor = "100"
        # Daemon A: changes 101-110, cursor 100 -> 110.
        self.assertEqual(
            self.api.apply_remote_events(
                "acme_rt_test", [reply("101")], "110", read_cursor="100"
            ),
            {"applied": 1, "duplicates": 0, "unknown": 0},
        )
        # Daemon A again: 111-120, cursor 110 -> 120.
        self.api.apply_remote_events(
            "acme_rt_test", [reply("115")], "120", read_cursor="110"
        )
        # Daemon B, slower, read cursor 100 and fetched 101-105.
        self.assertEqual(
            self.api.apply_remote_events(
                "acme_rt_test", [reply("101"), reply("104")], "105", read_cursor="100"
            ),
            {
                "applied": 0,
                "duplicates": 0,
                "unknown": 0,
                "conflict": True,
                "cursor": "120",
            },
        )
        self.assertEqual(self.printers_rt.cursor, "120", "never backwards")
        bodies = self._vendor_messages().mapped("body")
        self.assertEqual(
            [txn for txn in ("101", "104", "115") for b in bodies if txn in b],
            ["101", "115"],
            "B's events are not applied: 104 comes with A's next pull",
        )
        # A first pull (no cursor yet) is a compare-and-set against "none".
        self.catch_all.cursor = False
        result = self.api.apply_remote_events(
            "generic_test", [], "7", read_cursor=False
        )
        self.assertNotIn("conflict", result)
        self.assertEqual(self.catch_all.cursor, "7")
        result = self.api.apply_remote_events(
            "generic_test", [], "3", read_cursor=False
        )
        self.assertTrue(result["conflict"])
        self.assertEqual(self.catch_all.cursor, "7")

    def test_unknown_and_malformed_events(self):
        result = self._apply(
            {"remote_event_id": 5, "external_id": "999", "kind": "comment", "body": "x"}
        )
        self.assertEqual(result, {"applied": 0, "duplicates": 0, "unknown": 1})
        for event in (
            {"external_id": "101", "kind": "comment"},
            {"remote_event_id": 1, "external_id": "101", "kind": "merged"},
            "x",
        ):
            with self.subTest(event=event), self.assertRaises(UserError):
                self._apply(
                    {
                        "remote_event_id": "ok-1",
                        "external_id": "101",
                        "kind": "comment",
                        "body": "fine",
                    },
                    event,
                )
        self.assertFalse(
            self._vendor_messages(), "nothing applied from a batch with a bad event"
        )
        with self.assertRaises(UserError):
            self.api.apply_remote_events("no_such_vendor", [])

    def test_correlation_key_binds_an_unacknowledged_ticket(self):
        self.binding.external_id = False
        result = self._apply(
            {
                "remote_event_id": "txn-2",
                "external_id": "202",
                "correlation_key": self.binding.correlation_key,
                "kind": "status",
                "status": "open",
            }
        )
        self.assertEqual(result["applied"], 1)
        self.assertRecordValues(
            self.binding, [{"external_id": "202", "external_status": "open"}]
        )

    def test_vendor_resolution_hands_the_ticket_back(self):
        self._apply(
            {
                "remote_event_id": "txn-3",
                "external_id": "101",
                "kind": "status",
                "status": "open",
            },
            {
                "remote_event_id": "txn-4",
                "external_id": "101",
                "kind": "resolved",
                "status": "resolved",
                "body": "Fixed in firmware 3.5, attached.",
                "author": "bob",
            },
        )
        self.assertEqual(self.binding.external_status, "resolved")
        self.assertEqual(self.ticket.tier_id, self.tier_l3)
        handback = self.ticket.escalation_ids.filtered(lambda e: e.direction == "down")
        self.assertEqual(handback.reason, "handback")
        self.assertIn("Acme RT resolved the ticket", handback.note)
        activity = self.ticket.activity_ids
        self.assertEqual(activity.user_id, self.specialist, "whoever escalated it")
        self.assertEqual(activity.summary, "Vendor resolved: answer the customer")
        self.assertIn("Fixed in firmware 3.5", self._vendor_messages().body)
        self.assertFalse(
            self._events(self.ticket).filtered(lambda e: e.state != "done"), "no echo"
        )
        # Resolved again (say, a replayed event with another id): nothing moves.
        self._apply(
            {"remote_event_id": "txn-5", "external_id": "101", "kind": "closed"}
        )
        self.assertEqual(self.ticket.tier_id, self.tier_l3)
        self.assertEqual(
            len(self.ticket.escalation_ids.filtered(lambda e: e.direction == "down")), 1
        )
