"""HTTP for the vendor adapters: one session, a timeout on every call, and
retries that never risk doing a write twice.

Within a call, a request is retried (exponential backoff with jitter) when the
peer certainly did not act on it: the connection was refused, or it answered
429 or 503 (then after its Retry-After, when that is short enough). Reads and
other idempotent requests are also retried on timeouts, 408, 409 and 5xx. What
remains is raised as RetryableSyncError (Odoo retries the event later; the
adapter then looks for what an earlier attempt may have done) or, for other
4xx answers, as PermanentSyncError.
"""

import email.utils
import hashlib
import hmac
import logging
import random
import threading
import time

import requests
import urllib3

from .errors import PermanentSyncError, RetryableSyncError

_logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Helpdesk-Signature"
# The peer certainly did not act on these.
NOT_PROCESSED = {429, 503}
# Worth retrying when repeating the request is harmless.
TRANSIENT = {408, 409, 500, 502, 504}


def sign(secret, body):
    """HMAC-SHA256 of ``body`` (bytes), as sent in the X-Helpdesk-Signature header."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def retry_after_seconds(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(when.timestamp() - now, 0.0)


class HttpClient:
    def __init__(
        self,
        base_url,
        timeout,
        retries=2,
        max_retry_wait=30.0,
        backoff=0.5,
        headers=None,
        stop_event=None,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        self.backoff = backoff
        self.stop_event = stop_event or threading.Event()
        self.session = requests.Session()
        self.session.headers.update(headers or {})
        self.calls = 0
        # A Retry-After holds for every request to the peer, not just the one
        # that got it (the monotonic time before which we do not call).
        self._not_before = 0.0
        self._lock = threading.Lock()

    def close(self):
        self.session.close()

    def url(self, path):
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}" if path else self.base_url

    def request(self, method, path, *, idempotent=None, **kwargs):
        """The response of a 2xx (or 304) answer; raises RetryableSyncError or
        PermanentSyncError otherwise. ``idempotent`` defaults to True for GET,
        HEAD, PUT and DELETE."""
        if idempotent is None:
            idempotent = method.upper() in ("GET", "HEAD", "PUT", "DELETE")
        url = self.url(path)
        attempt = 0
        while True:
            attempt += 1
            self._wait_turn(method, url)
            outcome = self._attempt(method, url, idempotent, kwargs)
            if outcome.response is not None:
                return outcome.response
            error = outcome.error
            if not outcome.repeatable or attempt > self.retries:
                raise error
            delay = self._delay(attempt, outcome.retry_after)
            if delay is None:  # the peer asked for longer than we wait in-call
                raise error
            _logger.info("%s; retrying in %.1f s", error, outcome.retry_after or delay)
            if self.stop_event.wait(delay):
                raise error

    def _wait_turn(self, method, url):
        """Respect the peer's last Retry-After: wait for it when it is short,
        else give the call up (Odoo retries the event after that time)."""
        with self._lock:
            remaining = self._not_before - time.monotonic()
        if remaining <= 0:
            return
        if remaining > self.max_retry_wait:
            raise RetryableSyncError(
                f"{method} {url}: the peer asked to wait {remaining:.0f} s more",
                seconds=remaining,
            )
        if self.stop_event.wait(remaining):
            raise RetryableSyncError(f"{method} {url}: stopping")

    def _attempt(self, method, url, idempotent, kwargs):
        self.calls += 1
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.exceptions.ConnectTimeout as error:
            return _Outcome.retry(f"{method} {url}: cannot connect: {error}", True)
        except requests.exceptions.ConnectionError as error:
            # Refused before anything was sent: safe to repeat. Anything else
            # (a reset, a read timeout) may have reached the peer.
            return _Outcome.retry(
                f"{method} {url}: connection failed: {error}",
                idempotent or _is_refused(error),
            )
        except requests.exceptions.Timeout:
            return _Outcome.retry(
                f"{method} {url}: no answer in {self.timeout:g} s", idempotent
            )
        except requests.exceptions.RequestException as error:
            return _Outcome.retry(f"{method} {url}: {error}", False)
        status = response.status_code
        if 200 <= status < 300 or status == 304:
            return _Outcome(response=response)
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait:
            with self._lock:
                self._not_before = max(self._not_before, time.monotonic() + wait)
        message = f"{method} {url}: HTTP {status} {_detail(response)}".strip()
        if status in NOT_PROCESSED:
            return _Outcome.retry(message, True, wait)
        if status in TRANSIENT or status >= 500:
            return _Outcome.retry(message, idempotent, wait)
        return _Outcome(error=PermanentSyncError(message))

    def _delay(self, attempt, retry_after):
        if retry_after is not None:
            # _wait_turn waits for it before the next attempt.
            return 0 if retry_after <= self.max_retry_wait else None
        base = self.backoff * 2 ** (attempt - 1)
        return min(base * random.uniform(0.5, 1.5), self.max_retry_wait)

    def json(self, method, path, **kwargs):
        """The decoded JSON body of a successful call; garbage is retryable (a
        proxy or a half-broken server), never taken for an answer."""
        response = self.request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise RetryableSyncError(
                f"{method} {self.url(path)}: the answer is not JSON "
                f"({response.text[:80]!r})"
            ) from None


class _Outcome:
    """One attempt: a response, or an error and whether to repeat the request."""

    def __init__(self, response=None, error=None, repeatable=False, retry_after=None):
        self.response = response
        self.error = error
        self.repeatable = repeatable
        self.retry_after = retry_after

    @classmethod
    def retry(cls, message, repeatable, retry_after=None):
        return cls(
            error=RetryableSyncError(message, seconds=retry_after),
            repeatable=repeatable,
            retry_after=retry_after,
        )


def _is_refused(error):
    """Whether the connection was never made (so nothing was sent)."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _detail(response):
    try:
        data = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])[:200]
    return str(data)[:200]
