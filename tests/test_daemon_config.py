"""The daemon's configuration: TOML, secrets only from the environment, clear
errors for everything else."""

import pathlib
import subprocess
import sys

import pytest
from helpdesk_tiers_sync.config import ENV_VAR, default_path, load
from helpdesk_tiers_sync.errors import ConfigError

DESIGN_EXAMPLE = """
[odoo]
url = "http://127.0.0.1:8069"
database = "helpdesk_demo"
login = "sync-daemon"
password_env = "HELPDESK_SYNC_ODOO_PASSWORD"   # a password or an API key

[daemon]                     # all optional
worker_id = "sync-1"         # default: host name and pid
push_interval = 15           # seconds
pull_interval = 60
updates_interval = 60
batch_size = 100
lease_seconds = 120

[vendors.acme_rt]            # the key is the helpdesk.vendor.backend code
kind = "rt"
url = "http://127.0.0.1:8080"
token_env = "ACME_RT_TOKEN"
queue = "Vendor"
correlation_field = "ExternalRef"
user = "helpdesk-sync"
"""
ENV = {"HELPDESK_SYNC_ODOO_PASSWORD": "pw", "ACME_RT_TOKEN": "1-14-abc"}


def write(tmp_path, text):
    path = tmp_path / "sync.toml"
    path.write_text(text)
    return path


def test_the_design_example_loads(tmp_path):
    config = load(write(tmp_path, DESIGN_EXAMPLE), environ=ENV)
    assert config.odoo.url == "http://127.0.0.1:8069"
    assert config.odoo.password == "pw"
    assert "pw" not in repr(config), "secrets stay out of logs"
    assert config.daemon.worker_id == "sync-1"
    assert config.daemon.batch_size == 100
    (vendor,) = config.vendors
    assert (vendor.code, vendor.kind, vendor.option("queue")) == (
        "acme_rt",
        "rt",
        "Vendor",
    )
    assert vendor.secret("token") == "1-14-abc"
    assert "1-14-abc" not in repr(vendor)


def test_defaults(tmp_path):
    text = DESIGN_EXAMPLE.split("[daemon]")[0]
    config = load(write(tmp_path, text), environ=ENV)
    assert config.daemon.push_interval == 15
    assert config.daemon.lease_seconds == 120
    assert config.daemon.worker_id, "host name and pid"
    assert config.vendors == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('password_env = "HELPDESK_SYNC_ODOO_PASSWORD"', 'password = "pw"'),
            "secrets are not written in the file",
        ),
        (
            ('token_env = "ACME_RT_TOKEN"', 'token_env = "UNSET_VARIABLE"'),
            "UNSET_VARIABLE is not set",
        ),
        (('token_env = "ACME_RT_TOKEN"', ""), "set token_env"),
        (('kind = "rt"', 'kind = "jira"'), "kind must be one of odoo, rt, webhook"),
        (('queue = "Vendor"', ""), "missing queue"),
        (
            ('url = "http://127.0.0.1:8080"', 'url = "127.0.0.1:8080"'),
            "must be an http(s) URL",
        ),
        (
            ("batch_size = 100", "batch_size = 0"),
            "batch_size must be an integer of at least 1",
        ),
        (("batch_size = 100", "batch_size = 5000"), "at most 1000"),
        (
            ("push_interval = 15", "push_interval = -1"),
            "push_interval must be a positive number",
        ),
        (("lease_seconds = 120", "lease_seconds = 1"), "lease_seconds"),
        (("pull_interval = 60", "pull_intreval = 60"), "unknown keys pull_intreval"),
        (('database = "helpdesk_demo"', ""), "missing database"),
        (("[daemon]", "[deamon]"), "unknown sections: deamon"),
    ],
)
def test_mistakes_are_explained(tmp_path, change, message):
    old, new = change
    assert old in DESIGN_EXAMPLE
    with pytest.raises(
        ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        load(write(tmp_path, DESIGN_EXAMPLE.replace(old, new)), environ=ENV)


def test_missing_or_broken_file(tmp_path):
    with pytest.raises(ConfigError, match="no configuration file"):
        load(tmp_path / "nope.toml", environ={})
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(write(tmp_path, "[odoo\n"), environ={})


def test_path_from_the_environment():
    assert (
        default_path({ENV_VAR: "/etc/helpdesk-sync.toml"}) == "/etc/helpdesk-sync.toml"
    )
    assert default_path({}) == "helpdesk-sync.toml"


def test_cli_exits_2_on_a_bad_configuration(tmp_path):
    path = write(tmp_path, DESIGN_EXAMPLE)
    result = subprocess.run(
        [sys.executable, "-m", "helpdesk_tiers_sync", "--config", str(path), "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert "HELPDESK_SYNC_ODOO_PASSWORD is not set" in result.stderr
    assert result.stdout == ""


def test_the_shipped_examples_load():
    root = pathlib.Path(__file__).resolve().parent.parent
    environ = {
        name: "x"
        for name in (
            "HELPDESK_SYNC_ODOO_PASSWORD",
            "ACME_RT_TOKEN",
            "SOFTWISE_PASSWORD",
            "CASHDESK_WEBHOOK_SECRET",
            "CUSTOMER_WEBHOOK_SECRET",
        )
    }
    full = load(root / "sync" / "examples" / "helpdesk-sync.toml", environ=environ)
    assert [v.kind for v in full.vendors] == ["rt", "odoo", "webhook"]
    assert full.updates.webhook_secret == "x"
    compose = load(root / "docker" / "helpdesk-sync.toml", environ=environ)
    assert compose.odoo.url == "http://odoo:8069"
