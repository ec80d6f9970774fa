"""A throwaway Request Tracker 5 instance on loopback (SQLite, REST2, token auth).

Used by the pytest fixtures (a fresh instance per session, on a free port) and by
``make run`` (a kept instance under .state/rt on port 8080):

    python tests/rt_instance.py up   --dir DIR --port PORT   init once, start, wait
    python tests/rt_instance.py down --dir DIR               stop (SIGTERM)

``up`` leaves the REST2 token in DIR/token, and a queue with a free-form custom
field for the correlation key (``Vendor`` / ``ExternalRef`` unless told otherwise).
Debian's request-tracker5, rt5-db-sqlite and rt5-standalone must be installed
(``make setup`` does it).
"""

import argparse
import contextlib
import os
import pathlib
import signal
import subprocess
import sys
import time
from collections import Counter

import requests

RT_LIB = pathlib.Path("/usr/share/request-tracker5/lib")
RT_SERVER = pathlib.Path("/usr/share/request-tracker5/libexec/rt-server")
RT_SETUP_DATABASE = pathlib.Path("/usr/sbin/rt-setup-database")
ROOT_PASSWORD = "rootpass123"
# The daemon's own RT user: its writes are told apart from the vendor's replies.
SYNC_USER = "helpdesk-sync"
TIMEOUT = 30

SITE_CONFIG = """\
Set($rtname, 'rt.test');
Set($Organization, 'rt.test');
Set($Timezone, 'UTC');
Set($WebPath, '');
Set($WebDomain, '127.0.0.1');
Set($WebPort, {port});
Set($WebBaseURL, 'http://127.0.0.1:{port}');
Set($DatabaseType, 'SQLite');
Set($DatabaseName, '{dir}/rt.db');
Set($LogToSyslog, undef);
Set($LogToSTDERR, 'warning');
Set($MailCommand, sub {{ 1 }});
Set($BcryptCost, 4);
$RT::VarPath = '{dir}/var';
$RT::MasonDataDir = '{dir}/mason_data';
$RT::MasonSessionDir = '{dir}/session_data';
1;
"""

# Creates the sync user (a superuser: this instance is throwaway) and prints a
# REST2 token for root, then one for the sync user.
MAKE_TOKENS = """
use RT; RT::LoadConfig(); RT::Init();
my $sync = RT::User->new(RT->SystemUser);
my ($ok, $msg) = $sync->Create(Name => '%(sync_user)s', Privileged => 1,
    EmailAddress => '%(sync_user)s@rt.test', RealName => 'Helpdesk sync');
die "$msg\\n" unless $ok;
($ok, $msg) = $sync->PrincipalObj->GrantRight(
    Right => 'SuperUser', Object => $RT::System);
die "$msg\\n" unless $ok;
for my $name ('root', '%(sync_user)s') {
    my $u = RT::User->new(RT->SystemUser); $u->Load($name) or die "no $name\\n";
    my ($id, $err, $auth) = RT::AuthToken->new(RT->SystemUser)->Create(
        Owner => $u->Id, Description => 'helpdesk_tiers');
    die "$err\\n" unless $id; print "$auth\\n";
}
"""


class RTError(RuntimeError):
    pass


def require_rt():
    missing = [str(p) for p in (RT_SERVER, RT_SETUP_DATABASE) if not p.exists()]
    if missing:
        raise RTError(
            "Request Tracker 5 is not installed (missing "
            + ", ".join(missing)
            + "). Install it with 'make setup', or as root: apt-get install "
            "request-tracker5 rt5-db-sqlite rt5-standalone"
        )


class RTInstance:
    """One RT instance in its own directory, isolated from /etc/request-tracker5."""

    def __init__(self, directory, port, queue="Vendor", field="ExternalRef"):
        self.dir = pathlib.Path(directory).resolve()
        self.port = int(port)
        self.queue = queue
        self.field = field
        self.url = f"http://127.0.0.1:{self.port}"
        self.api = f"{self.url}/REST/2.0"
        self._process = None

    # --- paths and environment ----------------------------------------------------
    @property
    def pid_file(self):
        return self.dir / "rt-server.pid"

    @property
    def token(self):
        """root's token: the vendor's agent in tests and in the demo."""
        return (self.dir / "token").read_text().strip()

    @property
    def sync_token(self):
        """The sync daemon's token."""
        return (self.dir / "sync_token").read_text().strip()

    def _env(self):
        return {
            **os.environ,
            "RT_SITE_CONFIG": str(self.dir / "RT_SiteConfig.pm"),
            "RT_SITE_CONFIG_DIR": str(self.dir / "siteconfig.d"),
        }

    # --- lifecycle ----------------------------------------------------------------
    def init(self):
        """Create the database, the root token, nothing else (about 2 s)."""
        require_rt()
        for sub in ("siteconfig.d", "var", "mason_data", "session_data"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        (self.dir / "RT_SiteConfig.pm").write_text(
            SITE_CONFIG.format(port=self.port, dir=self.dir)
        )
        (self.dir / "rootpw").write_text(ROOT_PASSWORD + "\n")
        self._run(
            [
                str(RT_SETUP_DATABASE),
                "--action",
                "init",
                "--root-password-file",
                str(self.dir / "rootpw"),
            ]
        )
        script = MAKE_TOKENS % {"sync_user": SYNC_USER}
        root_token, sync_token = self._run(
            ["perl", f"-I{RT_LIB}", "-e", script]
        ).split()
        (self.dir / "token").write_text(root_token + "\n")
        (self.dir / "sync_token").write_text(sync_token + "\n")

    @property
    def initialised(self):
        config = self.dir / "RT_SiteConfig.pm"
        return (
            (self.dir / "sync_token").exists()
            and (self.dir / "rt.db").exists()
            and config.exists()
            and f"Set($WebPort, {self.port});" in config.read_text()
        )

    def start(self):
        require_rt()
        log = open(self.dir / "server.log", "ab")  # noqa: SIM115 (kept by the child)
        self._process = subprocess.Popen(
            [
                str(RT_SERVER),
                "--server",
                "Starlet",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--max-workers",
                "2",
            ],
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self.pid_file.write_text(f"{self._process.pid}\n")
        deadline = time.monotonic() + TIMEOUT
        while not self.alive():
            if self._process.poll() is not None:
                raise RTError(
                    f"rt-server exited ({self._process.returncode}); "
                    f"see {self.dir / 'server.log'}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RTError(f"rt-server did not answer on {self.url} in {TIMEOUT} s")
            time.sleep(0.1)

    def alive(self):
        if not self.initialised:
            return False
        try:
            response = self.session().get(f"{self.api}/rt", timeout=2)
        except (requests.ConnectionError, requests.Timeout):
            return False
        return response.status_code == 200

    def stop(self):
        """SIGTERM (never SIGINT: as root it chowns /var/lib/request-tracker5)."""
        pid = self._process.pid if self._process else self._read_pid()
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
            deadline = time.monotonic() + TIMEOUT
            while _pid_alive(pid) and time.monotonic() < deadline:
                if self._process:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        self._process.wait(timeout=0.1)
                else:
                    time.sleep(0.1)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        self._process = None
        self.pid_file.unlink(missing_ok=True)

    def _read_pid(self):
        try:
            return int(self.pid_file.read_text())
        except (FileNotFoundError, ValueError):
            return None

    def _run(self, argv):
        result = subprocess.run(
            argv,
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode:
            raise RTError(f"{argv[0]} failed: {result.stderr.strip()}")
        return result.stdout

    # --- REST2 helpers ------------------------------------------------------------
    def session(self):
        session = requests.Session()
        session.headers["Authorization"] = f"token {self.token}"
        return session

    def ensure_queue(self, queue=None, field=None):
        """The queue and its correlation-key custom field (idempotent)."""
        queue, field = queue or self.queue, field or self.field
        session = self.session()
        found = session.get(f"{self.api}/queue/{queue}", timeout=10)
        if found.status_code == 404:
            _ok(session.post(f"{self.api}/queue", json={"Name": queue}, timeout=10))
            found = session.get(f"{self.api}/queue/{queue}", timeout=10)
        applied = {f["name"] for f in _ok(found).json().get("TicketCustomFields", [])}
        if field not in applied:
            _ok(
                session.post(
                    f"{self.api}/customfield",
                    json={
                        "Name": field,
                        "Type": "Freeform",
                        "MaxValues": 1,
                        "LookupType": "RT::Queue-RT::Ticket",
                        "Queue": queue,
                    },
                    timeout=10,
                )
            )

    def correlation_keys(self, queue=None):
        """(how many tickets carry each correlation key, how many tickets) in
        ``queue``, read page by page over REST2."""
        session = self.session()
        keys, page = Counter(), 1
        while True:
            data = _ok(
                session.get(
                    f"{self.api}/tickets",
                    params={
                        "query": f"Queue = '{queue or self.queue}'",
                        "fields": "CustomFields",
                        "per_page": 100,
                        "page": page,
                    },
                    timeout=60,
                )
            ).json()
            for item in data["items"]:
                for field in item["CustomFields"]:
                    if field["name"] == self.field:
                        keys.update(field["values"])
            if page >= data["pages"]:
                return keys, data["total"]
            page += 1


def _ok(response):
    if response.status_code >= 300:
        raise RTError(f"{response.request.method} {response.url}: {response.text}")
    return response


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def up(directory, port, queue, field):
    rt = RTInstance(directory, port, queue, field)
    if rt.alive():
        return rt
    if not rt.initialised:
        rt.init()
    rt.start()
    rt.ensure_queue()
    return rt


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down"])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--queue", default="Vendor")
    parser.add_argument("--field", default="ExternalRef")
    args = parser.parse_args(argv)
    try:
        if args.action == "up":
            up(args.dir, args.port, args.queue, args.field)
        else:
            RTInstance(args.dir, args.port).stop()
    except RTError as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
