"""helpdesk-tiers-sync [--config PATH] run | once | status | check

  run     sync until SIGTERM: push the outbox, pull vendor changes, send due
          customer updates, report health (intervals in [daemon])
  once    one pass of each; exit status 0 only when everything went through
  status  backlog, failures and lag per vendor system, as Odoo sees them
  check   the configuration, Odoo and every configured vendor system

The configuration file comes from --config or HELPDESK_SYNC_CONFIG; logs go to
stderr. Exit status: 0 success, 1 failure, 2 unusable configuration.
"""

import argparse
import json
import logging
import sys
from datetime import UTC, datetime

from . import __version__
from . import vendors as vendor_kinds
from .config import ENV_VAR, default_path, load
from .errors import ConfigError, OdooError, OdooUnavailable, SyncError
from .odoo_gateway import OdooGateway
from .service import SyncService

_logger = logging.getLogger("helpdesk_tiers_sync")
LINE = "{:<20} {:<8} {:<6} {:>7} {:>5} {:>5} {:>8}  {}"


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="helpdesk-tiers-sync",
        description="Mirror L4 escalations into vendors' ticketing systems.",
        epilog=f"The configuration path may also come from {ENV_VAR}.",
    )
    parser.add_argument(
        "--config", help=f"TOML file (default: ${ENV_VAR} or ./helpdesk-sync.toml)"
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="sync until stopped (SIGTERM)")
    commands.add_parser("once", help="one pass; exit 0 when everything went through")
    status = commands.add_parser("status", help="backlog, failures and lag per vendor")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    commands.add_parser("check", help="check the configuration and connectivity")
    args = parser.parse_args(argv)

    logging.basicConfig(
        stream=sys.stderr,
        level=args.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.log_level != "DEBUG":
        # APScheduler logs every run of every job at INFO.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        config = load(args.config or default_path())
    except ConfigError as error:
        _logger.error("configuration: %s", error)
        return 2
    try:
        return COMMANDS[args.command](config, args)
    except ConfigError as error:
        _logger.error("configuration: %s", error)
        return 2
    except (OdooUnavailable, OdooError) as error:
        _logger.error("%s", error)
        return 1


def run(config, _args):
    SyncService(config).run()
    return 0


def once(config, _args):
    report = SyncService(config).once()
    counts = ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items()) if v)
    _logger.info("pass done: %s", counts or "nothing to do")
    for error in report.errors:
        _logger.error("%s", error)
    return 0 if report.ok else 1


def status(config, args):
    gateway = _gateway(config)
    rows = gateway.backends()
    now = datetime.now(UTC).replace(tzinfo=None)
    for row in rows:
        oldest = _parse(row.get("oldest_pending"))
        row["lag_seconds"] = round((now - oldest).total_seconds()) if oldest else 0
        row["configured"] = config.vendor(row["code"]) is not None
    if args.json:
        sys.stdout.write(json.dumps(rows, indent=2, default=str) + "\n")
        return 0
    columns = ("vendor", "kind", "state", "waiting", "retry", "dead", "lag")
    lines = [LINE.format(*columns, "last heartbeat")]
    for row in rows:
        line = LINE.format(
            row["code"],
            row["kind"],
            row["state"],
            row["pending"],
            row["failed"],
            row["dead"],
            _duration(row["lag_seconds"]),
            row.get("last_seen") or "never",
        )
        if not row["configured"]:
            line += "  (not in this configuration)"
        lines.append(line)
        if row.get("last_error"):
            lines.append(f"    last error: {row['last_error']}")
        for worker in row.get("workers") or ():
            host = f" ({worker['host']})" if worker.get("host") else ""
            failing = ", failing" if worker.get("failing") else ""
            lines.append(
                f"    daemon {worker['name']}{host}: {worker['state']}, "
                f"last heartbeat {worker['last_heartbeat']}{failing}"
            )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def check(config, _args):
    failures = 0
    _logger.info("configuration %s: valid", config.path)
    gateway = _gateway(config)
    try:
        version = gateway.version().get("server_version", "?")
        codes = {row["code"] for row in gateway.backends()}
    except (OdooUnavailable, OdooError) as error:
        _logger.error("Odoo at %s: %s", config.odoo.url, error)
        return 1
    _logger.info(
        "Odoo %s at %s, database %s: the sync API answers to %s",
        version,
        config.odoo.url,
        config.odoo.database,
        config.odoo.login,
    )
    for vendor_config in config.vendors:
        if vendor_config.code not in codes:
            _logger.error(
                "vendor %s: no active vendor system with this code in Odoo",
                vendor_config.code,
            )
            failures += 1
        vendor = vendor_kinds.build(vendor_config, config.daemon, None)
        try:
            _logger.info("vendor %s: %s", vendor_config.code, vendor.adapter.check())
        except SyncError as error:
            _logger.error("vendor %s: %s", vendor_config.code, error)
            failures += 1
        finally:
            vendor.adapter.close()
    for code in sorted(codes - {v.code for v in config.vendors}):
        _logger.warning(
            "vendor system %s in Odoo has no [vendors.%s] here: its events wait",
            code,
            code,
        )
    return 1 if failures else 0


COMMANDS = {"run": run, "once": once, "status": status, "check": check}


def _gateway(config):
    return OdooGateway(
        config.odoo.url,
        config.odoo.database,
        config.odoo.login,
        config.odoo.password,
        timeout=config.odoo.timeout,
    )


def _parse(value):
    return datetime.fromisoformat(value) if value else None


def _duration(seconds):
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}min"
    return f"{seconds // 3600}h"
