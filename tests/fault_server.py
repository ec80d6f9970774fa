"""A real HTTP server on loopback that injects the failures a real vendor system
cannot produce on demand: 500, 429 with Retry-After, answers slower than the
client's timeout, garbage, dropped connections.

It either answers by itself (``upstream=None``: 200 ``{}`` unless a fault is
planned) or forwards to a real system (a Request Tracker) and injects faults
before or after forwarding. Faults "after" the upstream did the work: the
client sees a failure although the write happened, the case exactly-once
delivery has to survive.
"""

import json
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

import requests
from loopback import LoopbackServer

# Faults, and whether the upstream gets the request first.
BEFORE = {"500", "503", "429", "reset"}
AFTER = {"slow", "garbage"}
FAULTS = sorted(BEFORE | AFTER)


@dataclass
class Hit:
    """One request as the server saw it."""

    time: float
    method: str
    path: str
    fault: str | None
    status: int | None
    body: bytes = b""
    headers: dict = field(default_factory=dict)


class FaultServer:
    def __init__(
        self,
        upstream=None,
        share=0.0,
        faults=FAULTS,
        seed=0,
        retry_after=1,
        slow_seconds=3.0,
    ):
        self.upstream = upstream.rstrip("/") if upstream else None
        self.share = share
        self.faults = list(faults)
        self.random = random.Random(seed)
        # The faults come from a shuffled deck, dealt again once used up: every
        # kind shows up once ``len(faults)`` faults have been injected, however
        # the timing of a run orders the requests.
        self._deck = []
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        # Faults to inject first, in order: a fault name, an HTTP status to answer
        # with, or None to behave.
        self.script = []
        self.always = None  # a fault for every request (e.g. "500")
        self.answer = {}  # what to answer when there is no upstream
        self.hits = []
        self._lock = threading.Lock()
        self._session = requests.Session()
        self._http = LoopbackServer(self._handler())
        self.url = self._http.url

    def __enter__(self):
        self._http.start()
        return self

    def __exit__(self, *exc):
        self._http.stop()
        self._session.close()

    def _choose(self):
        with self._lock:
            if self.script:
                return self.script.pop(0)
            if self.always:
                return self.always
            if self.share and self.random.random() < self.share:
                if not self._deck:
                    self._deck = self.random.sample(self.faults, len(self.faults))
                return self._deck.pop()
            return None

    def _record(self, hit):
        with self._lock:
            self.hits.append(hit)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: the hits are the log
                pass

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _send(self, status, body, headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self):
                started = time.monotonic()
                body = self._body()
                fault = server._choose()
                hit = Hit(
                    started,
                    self.command,
                    self.path,
                    fault,
                    None,
                    body,
                    dict(self.headers),
                )
                if isinstance(fault, int):  # a plain answer with that status
                    hit.status = fault
                    server._record(hit)
                    return self._send(fault, b'{"message": "scripted answer"}')
                if fault == "reset":
                    server._record(hit)
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if fault in ("500", "503"):
                    hit.status = int(fault)
                    server._record(hit)
                    return self._send(hit.status, b'{"message": "injected failure"}')
                if fault == "429":
                    hit.status = 429
                    server._record(hit)
                    return self._send(
                        429,
                        b'{"message": "slow down"}',
                        [("Retry-After", str(server.retry_after))],
                    )
                status, content, headers = self._forward(body)
                hit.status = status
                server._record(hit)
                if fault == "slow":
                    time.sleep(server.slow_seconds)
                if fault == "garbage":
                    return self._send(200, b"<html>Gateway hiccup</html>")
                self._send(status, content, headers)

            def _forward(self, body):
                if server.upstream is None:
                    answer = server.answer.get(
                        (self.command, self.path.split("?")[0]), {}
                    )
                    return (
                        200,
                        json.dumps(answer).encode(),
                        [("Content-Type", "application/json")],
                    )
                response = server._session.request(
                    self.command,
                    server.upstream + self.path,
                    data=body or None,
                    headers={
                        k: v
                        for k, v in self.headers.items()
                        if k.lower() not in ("host", "content-length", "connection")
                    },
                    timeout=30,
                )
                headers = [
                    (k, v)
                    for k, v in response.headers.items()
                    if k.lower() in ("content-type", "etag", "retry-after", "location")
                ]
                return response.status_code, response.content, headers

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        return Handler
