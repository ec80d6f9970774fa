"""What the end-to-end sync tests share: a vendor system of their own in Odoo
and at the vendor (so tests never see each other's events), a daemon
configuration for it, and the daemon run as its users run it (the real CLI, in
a subprocess)."""

import os
import signal
import subprocess
import sys
import time
import uuid

HANDOFF_NOTE = (
    "Firmware 3.4 ignores the code page command and prints garbage on both "
    "tills; rolling back to 3.3 fixes it. We need a corrected firmware."
)
DAEMON_LOGIN = "e2e-sync-daemon"
DAEMON_PASSWORD = "sync-daemon-pw"
VENDOR_LOGIN = "customer-sync"
VENDOR_PASSWORD = "customer-sync-pw"


class SyncEnv:
    """One vendor system (``kind``) wired end to end for one test."""

    def __init__(
        self, ours, tmp_path, kind, vendor_section, secrets, backend_vals=None
    ):
        self.ours = ours
        self.admin = ours.client()
        self.tmp_path = tmp_path
        self.code = f"{kind}_{uuid.uuid4().hex[:8]}"
        self.kind = kind
        self.secrets = dict(secrets)
        self.backend_id = self.admin(
            "helpdesk.vendor.backend",
            "create",
            {
                "name": f"Vendor {self.code}",
                "code": self.code,
                "kind": kind,
                "retry_delay": 1,
                "max_attempts": 8,
                "sequence": 100,
                **(backend_vals or {}),
            },
        )
        self.tier_l3 = self.admin.ref("helpdesk_tiers.tier_l3")
        self.daemon_section = {
            "worker_id": f"w-{self.code}",
            "push_interval": 0.5,
            "pull_interval": 0.5,
            "updates_interval": 1,
            "heartbeat_interval": 1,
            "lease_seconds": 30,
            "max_retry_wait": 5,
        }
        self.vendor_section = dict(vendor_section)
        self.logs = []

    # --- configuration and daemon -------------------------------------------------
    def config(self, daemon=None, vendor=None, name="sync.toml"):
        lines = [
            "[odoo]",
            f'url = "{self.ours.url}"',
            f'database = "{self.ours.database}"',
            f'login = "{DAEMON_LOGIN}"',
            'password_env = "TEST_SYNC_ODOO_PASSWORD"',
            "timeout = 20",
            "",
            "[daemon]",
            *_toml({**self.daemon_section, **(daemon or {})}),
            "",
            f"[vendors.{self.code}]",
            f'kind = "{self.kind}"',
            *_toml({**self.vendor_section, **(vendor or {})}),
            "",
            "[customer_updates]",
            'secret_env = "TEST_SYNC_UPDATES_SECRET"',
        ]
        path = self.tmp_path / name
        path.write_text("\n".join(lines) + "\n")
        return path

    def env(self):
        return {
            **os.environ,
            "TEST_SYNC_ODOO_PASSWORD": DAEMON_PASSWORD,
            "TEST_SYNC_UPDATES_SECRET": "updates-secret",
            **self.secrets,
        }

    def cli(self, command, config=None, timeout=180):
        config = config or self.config()
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "helpdesk_tiers_sync",
                "--config",
                str(config),
                command,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.env(),
        )

    def once(self, expect_ok=True, **config):
        result = self.cli("once", self.config(**config) if config else None)
        if expect_ok:
            assert result.returncode == 0, result.stderr[-3000:]
        return result

    def start(self, name="daemon", **config):
        """The daemon in the background, as ``run``, as an instance of its own
        (worker ``w-<code>-<name>``); returns its process."""
        config["daemon"] = {"worker_id": f"w-{self.code}-{name}"} | (
            config.get("daemon") or {}
        )
        log = open(self.tmp_path / f"{name}.log", "ab")  # noqa: SIM115 (kept by the child)
        self.logs.append(self.tmp_path / f"{name}.log")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "helpdesk_tiers_sync",
                "--config",
                str(self.config(name=f"{name}.toml", **config)),
                "run",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
            env=self.env(),
        )
        log.close()
        return process

    @staticmethod
    def stop(process, sig=signal.SIGTERM, timeout=60):
        if process.poll() is None:
            process.send_signal(sig)
        return process.wait(timeout=timeout)

    # --- tickets and the outbox ---------------------------------------------------
    def tickets_at_l3(self, count=1, **vals):
        return self.admin(
            "helpdesk.ticket",
            "create",
            [
                {
                    "name": vals.get("name", f"Receipts garbled #{index}"),
                    "description": "<p>Receipts print garbled accents since 3.4.</p>",
                    "tier_id": self.tier_l3,
                    **{k: v for k, v in vals.items() if k != "name"},
                }
                for index in range(count)
            ],
        )

    def escalate(self, ticket_ids, note=HANDOFF_NOTE):
        return self.admin(
            "helpdesk.ticket", "escalate", ticket_ids, "L4", note, vendor=self.code
        )

    def escalated_tickets(self, count=1, **vals):
        ids = self.tickets_at_l3(count, **vals)
        self.escalate(ids)
        return ids

    def events(self, fields=("state", "kind", "attempts", "ticket_id", "last_error")):
        return self.admin(
            "helpdesk.sync.event",
            "search_read",
            [("backend_id", "=", self.backend_id)],
            fields=list(fields),
            order="id",
        )

    def bindings(self):
        return self.admin(
            "helpdesk.vendor.binding",
            "search_read",
            [("backend_id", "=", self.backend_id)],
            fields=["ticket_id", "external_id", "external_status", "correlation_key"],
            order="id",
        )

    def wait_until_delivered(self, timeout=180, processes=()):
        """Wait until every event of this vendor system is done (or dead)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            states = {e["state"] for e in self.events(("state",))}
            if states <= {"done", "dead"}:
                return
            for process in processes:
                assert process.poll() is None, "the daemon died"
            time.sleep(0.5)
        raise AssertionError(f"events still open after {timeout} s: {self.events()}")

    def messages(self, ticket_id):
        return self.admin(
            "mail.message",
            "search_read",
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket_id)],
            fields=["body", "author_id", "subtype_id", "message_type", "is_internal"],
            order="id",
        )

    def ticket(self, ticket_id, fields=("tier_id", "stage_id", "activity_ids")):
        return self.admin("helpdesk.ticket", "read", [ticket_id], list(fields))[0]


def _toml(values):
    lines = []
    for key, value in values.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int | float):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f'{key} = "{value}"')
    return lines
