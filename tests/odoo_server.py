"""Real Odoo servers for the end-to-end tests: a database installed from the
project's own setup (.state/odoo.conf), served by its own process on a free
port, which a test may stop and start again."""

import contextlib
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time
import xmlrpc.client

import psycopg2
import requests
from psycopg2 import sql

ROOT = pathlib.Path(__file__).resolve().parent.parent
ODOO_BIN = ROOT / ".venv" / "bin" / "odoo"
ODOO_CONF = ROOT / ".state" / "odoo.conf"
START_TIMEOUT = 120


class OdooServerError(RuntimeError):
    pass


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_setup():
    if not ODOO_BIN.exists() or not ODOO_CONF.exists():
        raise OdooServerError("the project is not set up: run 'make setup' first")


def drop_database(name):
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            str(ROOT / "tools" / "pg.py"),
            "drop",
            name,
        ],
        check=True,
        timeout=120,
    )


def copy_database(template, name):
    """``name`` as a copy of ``template`` (database and filestore): seconds,
    where installing takes a minute or more."""
    connection = psycopg2.connect(dbname="postgres", connect_timeout=10)
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            cr.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
    finally:
        connection.close()
    filestore = ROOT / ".state" / "data" / "filestore"
    shutil.rmtree(filestore / name, ignore_errors=True)
    if (filestore / template).exists():
        shutil.copytree(filestore / template, filestore / name)


def installed(database, module):
    result = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            str(ROOT / "tools" / "pg.py"),
            "installed",
            database,
            module,
        ],
        timeout=60,
        check=False,
    )
    return result.returncode == 0


def start_install(databases, log_dir):
    """Start creating the databases {name: modules}, without demo data; returns
    what ``wait_install`` waits for."""
    require_setup()
    processes = {}
    for name, modules in databases.items():
        drop_database(name)
        log = log_dir / f"install-{name}.log"
        processes[name] = (
            subprocess.Popen(
                [
                    str(ODOO_BIN),
                    "-c",
                    str(ODOO_CONF),
                    "-d",
                    name,
                    "-i",
                    modules,
                    "--without-demo=all",
                    "--stop-after-init",
                    "--http-port",
                    str(free_port()),
                    "--max-cron-threads",
                    "0",
                    "--logfile",
                    str(log),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
            ),
            log,
        )
    return processes


def wait_install(processes):
    failed = []
    for name, (process, log) in processes.items():
        if process.wait(timeout=900) != 0:
            failed.append(f"{name} (see {log})")
    if failed:
        raise OdooServerError("installing failed: " + ", ".join(failed))


class OdooServer:
    """One Odoo process serving one database."""

    def __init__(self, database, log_dir, port=None, workers=0):
        self.database = database
        self.port = port or free_port()
        self.log = log_dir / f"odoo-{database}.log"
        # 0: threaded, as the tests run it; N: N HTTP worker processes, with
        # the gevent (longpolling) port on its own free port.
        self.workers = workers
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        require_setup()
        self.process = subprocess.Popen(
            [
                str(ODOO_BIN),
                "-c",
                str(ODOO_CONF),
                "-d",
                self.database,
                "--db-filter",
                f"^{self.database}$",
                "--http-port",
                str(self.port),
                "--gevent-port",
                str(free_port()),
                "--max-cron-threads",
                "0",
                "--workers",
                str(self.workers),
                "--logfile",
                str(self.log),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while not self.alive():
            if self.process.poll() is not None:
                raise OdooServerError(f"Odoo exited; see {self.log}")
            if time.monotonic() > deadline:
                self.stop()
                raise OdooServerError(
                    f"Odoo did not answer in {START_TIMEOUT} s; see {self.log}"
                )
            time.sleep(0.2)

    def alive(self):
        try:
            return requests.get(f"{self.url}/web/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self):
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def restart(self):
        self.stop()
        self.start()

    # --- XML-RPC as a given user ------------------------------------------------
    def uid(self, login, password):
        common = xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/common", allow_none=True
        )
        return common.authenticate(self.database, login, password, {})

    def client(self, login="admin", password="admin"):
        return RpcClient(self, login, password)


class RpcClient:
    def __init__(self, server, login, password):
        self.server = server
        self.password = password
        self.uid = server.uid(login, password)
        if not self.uid:
            raise OdooServerError(f"{login} cannot log in to {server.database}")
        self.proxy = xmlrpc.client.ServerProxy(
            f"{server.url}/xmlrpc/2/object", allow_none=True
        )

    def __call__(self, model, method, *args, **kwargs):
        return self.proxy.execute_kw(
            self.server.database,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        found = self(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        if not found:
            raise OdooServerError(f"no record {xmlid}")
        return found[0]["res_id"]
