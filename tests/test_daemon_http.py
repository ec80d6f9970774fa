"""The daemon's HTTP client against a real loopback server that misbehaves on
purpose: what is retried within a call, what is left to Odoo's backoff."""

import socket
import time

import pytest
from fault_server import FaultServer
from helpdesk_tiers_sync.errors import PermanentSyncError, RetryableSyncError
from helpdesk_tiers_sync.http import HttpClient, retry_after_seconds, sign


@pytest.fixture
def server():
    with FaultServer() as fake:
        yield fake


def client(url, **kwargs):
    return HttpClient(url, timeout=kwargs.pop("timeout", 2), backoff=0.05, **kwargs)


def test_429_waits_for_retry_after_then_succeeds(server):
    server.script = ["429"]
    server.retry_after = 1
    response = client(server.url).request("POST", "/ticket", json={})
    assert response.status_code == 200
    first, second = server.hits
    assert (first.status, second.status) == (429, 200)
    assert second.time - first.time >= 1.0, "Retry-After honoured"


def test_retry_after_holds_for_the_next_calls_too(server):
    server.script = ["429"]
    server.retry_after = 1
    http = client(server.url, retries=0)
    with pytest.raises(RetryableSyncError):
        http.request("GET", "/a")
    assert http.request("GET", "/b").status_code == 200
    first, second = server.hits
    assert second.time - first.time >= 1.0


def test_long_retry_after_is_left_to_odoo(server):
    server.always = "429"
    server.retry_after = 120
    with pytest.raises(RetryableSyncError) as error:
        client(server.url, max_retry_wait=30).request("GET", "/x")
    assert error.value.seconds == 120
    assert len(server.hits) == 1


def test_a_write_is_not_repeated_after_a_500(server):
    server.always = "500"
    with pytest.raises(RetryableSyncError, match="HTTP 500"):
        client(server.url, retries=3).request("POST", "/ticket", json={})
    assert len(server.hits) == 1, "the server may have done the write"


def test_a_read_is_repeated_after_a_500(server):
    server.script = ["500", "503"]
    assert client(server.url, retries=2).request("GET", "/x").status_code == 200
    assert [hit.status for hit in server.hits] == [500, 503, 200]


def test_503_is_repeated_even_for_a_write(server):
    server.script = ["503"]
    assert client(server.url).request("POST", "/x", json={}).status_code == 200
    assert len(server.hits) == 2


def test_retries_are_bounded(server):
    server.always = "503"
    with pytest.raises(RetryableSyncError):
        client(server.url, retries=2).request("GET", "/x")
    assert len(server.hits) == 3


def test_client_errors_are_permanent(server):
    for status in (400, 401, 403, 404, 422):
        server.hits.clear()
        server.script = [status]
        with pytest.raises(PermanentSyncError, match=f"HTTP {status}"):
            client(server.url, retries=3).request("GET", "/x")
        assert len(server.hits) == 1


def test_408_and_409_are_transient(server):
    server.script = [408, 409]
    assert client(server.url, retries=2).request("GET", "/x").status_code == 200
    assert [hit.status for hit in server.hits] == [408, 409, 200]


def test_timeouts_repeat_reads_but_not_writes(server):
    server.always = "slow"
    server.slow_seconds = 1.0
    with pytest.raises(RetryableSyncError, match="no answer"):
        client(server.url, timeout=0.3, retries=2).request("POST", "/ticket", json={})
    assert len(server.hits) == 1
    server.hits.clear()
    with pytest.raises(RetryableSyncError):
        client(server.url, timeout=0.3, retries=1).request("GET", "/ticket")
    assert len(server.hits) == 2


def test_dropped_connection_is_not_repeated_for_a_write(server):
    server.always = "reset"
    with pytest.raises(RetryableSyncError):
        client(server.url, retries=2).request("POST", "/x", json={})
    assert len(server.hits) == 1


def test_refused_connection_is_retried_even_for_a_write():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there
    started = time.monotonic()
    with pytest.raises(RetryableSyncError, match="connection failed"):
        client(f"http://127.0.0.1:{port}", retries=2).request("POST", "/x", json={})
    assert time.monotonic() - started < 5


def test_garbage_is_never_taken_for_an_answer(server):
    server.always = "garbage"
    with pytest.raises(RetryableSyncError, match="not JSON"):
        client(server.url).json("GET", "/x")


def test_every_call_has_a_timeout(server):
    server.always = "slow"
    server.slow_seconds = 2
    started = time.monotonic()
    with pytest.raises(RetryableSyncError):
        client(server.url, timeout=0.5, retries=0).request("GET", "/x")
    assert time.monotonic() - started < 1.5


def test_retry_after_forms():
    assert retry_after_seconds("7") == 7
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10


def test_signature():
    # echo -n body | openssl dgst -sha256 -hmac k
    expected = "sha256=c6d811ef3aeb02437cd423f1abe13209041864630bdc4e2c04def5c7b0031a23"
    assert sign("k", b"body") == expected
    assert sign("k", b"other") != expected
