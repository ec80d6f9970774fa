"""A real HTTP server on 127.0.0.1, on a free port, served from a thread: the
base of the tests' fake peers (the failure-injecting proxy, the webhook vendor)."""

import threading
from http.server import ThreadingHTTPServer


class LoopbackServer:
    def __init__(self, handler_class, path=""):
        self.path = path
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self):
        host, port = self._server.server_address
        return f"http://{host}:{port}{self.path}"

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
