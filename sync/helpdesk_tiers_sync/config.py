"""The daemon's configuration: a TOML file, with secrets read from environment
variables named in it (``password_env = "VAR"``), never from the file itself."""

import os
import socket
import tomllib
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urlsplit

from .errors import ConfigError
from .vendors import KINDS

ENV_VAR = "HELPDESK_SYNC_CONFIG"
# Keys that hold secrets: only their ``<key>_env`` form is accepted.
SECRET_KEYS = ("password", "token", "secret", "api_key")


@dataclass(frozen=True)
class OdooConfig:
    url: str
    database: str
    login: str
    password: str = field(repr=False)
    timeout: float = 30.0


@dataclass(frozen=True)
class DaemonConfig:
    worker_id: str
    push_interval: float = 15.0
    pull_interval: float = 60.0
    updates_interval: float = 60.0
    heartbeat_interval: float = 60.0
    batch_size: int = 100
    lease_seconds: int = 120
    # Retries within one call to a vendor (connection refused, 429, 503...);
    # longer outages are retried by Odoo's backoff.
    http_retries: int = 2
    max_retry_wait: float = 30.0


@dataclass(frozen=True)
class VendorConfig:
    code: str
    kind: str
    url: str
    timeout: float = 20.0
    options: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    secrets: MappingProxyType = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    def option(self, name, default=None):
        return self.options.get(name, default)

    def secret(self, name):
        try:
            return self.secrets[name]
        except KeyError:
            raise ConfigError(
                f"vendors.{self.code}: set {name}_env to the name of the "
                f"environment variable that holds the {name}"
            ) from None


@dataclass(frozen=True)
class UpdatesConfig:
    """Customer status updates sent by webhook."""

    webhook_secret: str | None = field(default=None, repr=False)
    timeout: float = 20.0


@dataclass(frozen=True)
class Config:
    odoo: OdooConfig
    daemon: DaemonConfig
    vendors: tuple[VendorConfig, ...]
    updates: UpdatesConfig
    path: str | None = None

    def vendor(self, code):
        return next((v for v in self.vendors if v.code == code), None)


def default_path(environ=None):
    environ = os.environ if environ is None else environ
    return environ.get(ENV_VAR) or "helpdesk-sync.toml"


def load(path=None, environ=None):
    """Read and check the configuration; raise ConfigError saying what is wrong."""
    environ = os.environ if environ is None else environ
    path = path or default_path(environ)
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        raise ConfigError(
            f"no configuration file at {path} (give --config or set {ENV_VAR})"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    return parse(data, environ, path=str(path))


def parse(data, environ, path=None):
    unknown = set(data) - {"odoo", "daemon", "vendors", "customer_updates"}
    if unknown:
        raise ConfigError(f"unknown sections: {', '.join(sorted(unknown))}")
    odoo = _section(data, "odoo")
    values, secrets = _split_secrets(odoo, "odoo", environ)
    _expect(
        values, "odoo", required=("url", "database", "login"), optional=("timeout",)
    )
    if "password" not in secrets:
        raise ConfigError(
            "odoo: set password_env to the name of the environment "
            "variable that holds the password or API key"
        )
    odoo_config = OdooConfig(
        url=_url(values["url"], "odoo.url"),
        database=_str(values["database"], "odoo.database"),
        login=_str(values["login"], "odoo.login"),
        password=secrets["password"],
        timeout=_positive(values.get("timeout", 30.0), "odoo.timeout"),
    )

    daemon = _section(data, "daemon")
    defaults = DaemonConfig(worker_id="")
    numbers = {
        name: _positive(daemon[name], f"daemon.{name}")
        for name in (
            "push_interval",
            "pull_interval",
            "updates_interval",
            "heartbeat_interval",
            "max_retry_wait",
        )
        if name in daemon
    }
    integers = {
        name: _integer(daemon[name], f"daemon.{name}", minimum)
        for name, minimum in (
            ("batch_size", 1),
            ("lease_seconds", 5),
            ("http_retries", 0),
        )
        if name in daemon
    }
    unknown = set(daemon) - set(numbers) - set(integers) - {"worker_id"}
    if unknown:
        raise ConfigError(f"daemon: unknown keys {', '.join(sorted(unknown))}")
    if integers.get("batch_size", defaults.batch_size) > 1000:
        raise ConfigError("daemon.batch_size: at most 1000")
    worker_id = daemon.get("worker_id") or f"{socket.gethostname()}-{os.getpid()}"
    daemon_config = DaemonConfig(
        worker_id=_str(worker_id, "daemon.worker_id"), **numbers, **integers
    )

    vendors = []
    for code, vendor in _section(data, "vendors").items():
        where = f"vendors.{code}"
        if not isinstance(vendor, dict):
            raise ConfigError(f"{where} must be a table")
        values, secrets = _split_secrets(vendor, where, environ)
        kind = values.pop("kind", None)
        if kind not in KINDS:
            raise ConfigError(
                f"{where}.kind must be one of {', '.join(sorted(KINDS))}, not {kind!r}"
            )
        if "url" not in values:
            raise ConfigError(f"{where}.url is required")
        url = _url(values.pop("url"), f"{where}.url")
        timeout = _positive(values.pop("timeout", 20.0), f"{where}.timeout")
        config = VendorConfig(
            code=code,
            kind=kind,
            url=url,
            timeout=timeout,
            options=MappingProxyType(values),
            secrets=MappingProxyType(secrets),
        )
        KINDS[kind].check_config(config)
        vendors.append(config)

    updates = _section(data, "customer_updates")
    values, secrets = _split_secrets(updates, "customer_updates", environ)
    _expect(values, "customer_updates", required=(), optional=("timeout",))
    updates_config = UpdatesConfig(
        webhook_secret=secrets.get("secret"),
        timeout=_positive(values.get("timeout", 20.0), "customer_updates.timeout"),
    )
    return Config(
        odoo=odoo_config,
        daemon=daemon_config,
        vendors=tuple(vendors),
        updates=updates_config,
        path=path,
    )


def _section(data, name):
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise ConfigError(f"[{name}] must be a table")
    return section


def _split_secrets(section, where, environ):
    """Plain values, and the secrets named by ``<key>_env`` resolved."""
    values, secrets = {}, {}
    for key, value in section.items():
        if key in SECRET_KEYS:
            raise ConfigError(
                f"{where}.{key}: secrets are not written in the file; set "
                f"{key}_env to the name of an environment variable instead"
            )
        if key.endswith("_env"):
            name = key[: -len("_env")]
            if name not in SECRET_KEYS:
                raise ConfigError(f"{where}.{key}: unknown secret {name!r}")
            variable = _str(value, f"{where}.{key}")
            if not environ.get(variable):
                raise ConfigError(
                    f"{where}.{key}: the environment variable {variable} is not set"
                )
            secrets[name] = environ[variable]
        else:
            values[key] = value
    return values, secrets


def _expect(values, where, required, optional):
    missing = [key for key in required if key not in values]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}")
    unknown = set(values) - set(required) - set(optional)
    if unknown:
        raise ConfigError(f"{where}: unknown keys {', '.join(sorted(unknown))}")


def _str(value, where):
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} must be a non-empty string")
    return value.strip()


def _url(value, where):
    value = _str(value, where)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where} must be an http(s) URL, not {value!r}")
    return value.rstrip("/")


def _positive(value, where):
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{where} must be a positive number")
    return float(value)


def _integer(value, where, minimum):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{where} must be an integer of at least {minimum}")
    return value
