"""What the benchmarks share (not a benchmark: tools/bench.sh skips this file)."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
ODOO_CONF = ROOT / ".state" / "odoo.conf"
sys.path.insert(0, str(ROOT / "tools"))
import pg  # noqa: E402  (tools/pg.py)


def create_database(db, *, demo, template=None, timeout=1800, addons="helpdesk_tiers"):
    """Drop ``db`` and create it with ``addons`` (helpdesk_tiers unless told, with
    their demo data or not), or as a copy of ``template``, an empty database with
    the addon installed."""
    pg.drop([db])
    if template:
        print(f"creating {db} from {template}", flush=True)
        subprocess.run(["createdb", "-T", template, db], check=True, timeout=600)
        return
    print(
        f"creating {db} with {addons} ({'with' if demo else 'no'} demo data)",
        flush=True,
    )
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "odoo"),
            "-c",
            str(ODOO_CONF),
            "-d",
            db,
            "-i",
            addons,
            *([] if demo else ["--without-demo=all"]),
            "--stop-after-init",
            "--log-level=warn",
            "--http-port=0",
        ],
        check=True,
        timeout=timeout,
    )


def drop_database(db):
    """Close Odoo's registry and connections to ``db`` in this process, then drop it."""
    import odoo

    odoo.modules.registry.Registry.delete(db)
    odoo.sql_db.close_db(db)
    pg.drop([db])


def percentile(values, pct):
    """The ``pct`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]
