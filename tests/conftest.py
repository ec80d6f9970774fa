"""Fixtures of the end-to-end sync tests: one real Odoo server for our database,
one for a vendor's Odoo database (helpdesk_mgmt), one throwaway Request Tracker,
all started once per session; each test gets a vendor system of its own.

The databases are ``$TEST_DB`` + ``_sync`` / ``_vendor`` (TEST_DB defaults to
helpdesk_tiers_test), recreated each session; HDT_SYNC_REUSE=1 keeps them
between runs while working on the tests (not on the addon)."""

import os
import pathlib
import uuid

import pytest
from odoo_server import (
    ROOT,
    OdooServer,
    copy_database,
    drop_database,
    free_port,
    installed,
    start_install,
    wait_install,
)
from rt_instance import SYNC_USER, RTInstance, require_rt
from sync_env import (
    DAEMON_LOGIN,
    DAEMON_PASSWORD,
    VENDOR_LOGIN,
    VENDOR_PASSWORD,
    SyncEnv,
)
from webhook_vendor import WebhookVendor

BASE_DB = os.environ.get("TEST_DB", "helpdesk_tiers_test")
WEBHOOK_SECRET = "vendor-shared-secret"


def pytest_configure(config):
    # Our own temporary directory: other checkouts on this machine run pytest
    # too, and the servers of a session keep their files there.
    if not config.option.basetemp:
        config.option.basetemp = str(ROOT / ".state" / "pytest-tmp")


@pytest.fixture(scope="session")
def logs_dir():
    path = ROOT / ".state" / "logs" / "pytest-sync"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def odoo_servers(logs_dir):
    ours = OdooServer(f"{BASE_DB}_sync", logs_dir)
    vendor = OdooServer(f"{BASE_DB}_vendor", logs_dir)
    reuse = (
        os.environ.get("HDT_SYNC_REUSE") == "1"
        and _installed(ours)
        and _installed(vendor)
    )
    if not reuse:
        _create_databases(ours, vendor, logs_dir)
    ours.start()
    vendor.start()
    try:
        if not reuse:
            _setup_ours(ours)
            _setup_vendor(vendor)
        yield ours, vendor
    finally:
        ours.stop()
        vendor.stop()


def _create_databases(ours, vendor, logs_dir):
    """The vendor's database installed, ours copied from the database of the
    Odoo tests when ``make test`` names it (HDT_SYNC_TEMPLATE_DB) and installed
    otherwise; side by side."""
    template = os.environ.get("HDT_SYNC_TEMPLATE_DB")
    databases = {vendor.database: "helpdesk_mgmt"}
    copy = bool(template) and installed(template, "helpdesk_tiers")
    if not copy:
        databases[ours.database] = "helpdesk_tiers"
    installing = start_install(databases, logs_dir)
    if copy:
        drop_database(ours.database)
        copy_database(template, ours.database)
    wait_install(installing)


def _installed(server):
    marker = pathlib.Path(
        ROOT / ".state" / "logs" / "pytest-sync" / f"ready-{server.database}"
    )
    return marker.exists()


def _setup_ours(server):
    admin = server.client()
    admin(
        "res.users",
        "create",
        {
            "name": "Vendor sync daemon",
            "login": DAEMON_LOGIN,
            "password": DAEMON_PASSWORD,
            "groups_id": [
                (
                    6,
                    0,
                    [
                        admin.ref("base.group_user"),
                        admin.ref("helpdesk_tiers.group_sync_daemon"),
                    ],
                )
            ],
        },
    )
    (ROOT / ".state" / "logs" / "pytest-sync" / f"ready-{server.database}").touch()


def _setup_vendor(server):
    """Our account at the vendor: an internal helpdesk user."""
    admin = server.client()
    admin(
        "res.users",
        "create",
        {
            "name": "Helpdesk Tiers (customer)",
            "login": VENDOR_LOGIN,
            "password": VENDOR_PASSWORD,
            "groups_id": [
                (
                    6,
                    0,
                    [
                        admin.ref("base.group_user"),
                        admin.ref("helpdesk_mgmt.group_helpdesk_user"),
                    ],
                )
            ],
        },
    )
    (ROOT / ".state" / "logs" / "pytest-sync" / f"ready-{server.database}").touch()


@pytest.fixture(scope="session")
def ours(odoo_servers):
    return odoo_servers[0]


@pytest.fixture(scope="session")
def vendor_odoo(odoo_servers):
    return odoo_servers[1]


@pytest.fixture(scope="session")
def rt(tmp_path_factory):
    require_rt()
    instance = RTInstance(tmp_path_factory.mktemp("rt"), free_port())
    instance.init()
    instance.start()
    yield instance
    instance.stop()


@pytest.fixture
def rt_env(ours, rt, tmp_path):
    """A Request Tracker queue (with its correlation field) of its own."""
    suffix = uuid.uuid4().hex[:8]
    queue, field = f"Vendor_{suffix}", f"Ref_{suffix}"
    rt.ensure_queue(queue, field)
    env = SyncEnv(
        ours,
        tmp_path,
        "rt",
        {
            "url": rt.url,
            "token_env": "TEST_RT_TOKEN",
            "queue": queue,
            "correlation_field": field,
            "user": SYNC_USER,
            "timeout": 10,
        },
        {"TEST_RT_TOKEN": rt.sync_token},
    )
    env.rt = rt
    env.queue, env.field = queue, field
    return env


@pytest.fixture
def odoo_vendor_env(ours, vendor_odoo, tmp_path):
    env = SyncEnv(
        ours,
        tmp_path,
        "odoo",
        {
            "url": vendor_odoo.url,
            "database": vendor_odoo.database,
            "login": VENDOR_LOGIN,
            "password_env": "TEST_VENDOR_PASSWORD",
        },
        {"TEST_VENDOR_PASSWORD": VENDOR_PASSWORD},
    )
    env.vendor = vendor_odoo
    return env


@pytest.fixture
def webhook_env(ours, tmp_path):
    with WebhookVendor(WEBHOOK_SECRET) as receiver:
        env = SyncEnv(
            ours,
            tmp_path,
            "webhook",
            {"url": receiver.url, "secret_env": "TEST_WEBHOOK_SECRET"},
            {"TEST_WEBHOOK_SECRET": WEBHOOK_SECRET},
            backend_vals={"webhook_secret": WEBHOOK_SECRET},
        )
        env.receiver = receiver
        yield env
