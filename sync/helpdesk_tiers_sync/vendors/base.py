"""What every vendor kind provides: a pure mapper (neutral shapes <-> the
vendor's) and an adapter (transport only). The synchronizer uses nothing else."""

import abc
from dataclasses import dataclass

from ..errors import ConfigError
from ..http import HttpClient


@dataclass(frozen=True)
class RemoteTicket:
    """A ticket in the vendor's system, as ack_events records it."""

    external_id: str
    url: str | None = None
    status: str | None = None

    def as_result(self):
        return {
            "external_id": self.external_id,
            "external_url": self.url or False,
            "external_status": self.status or False,
        }


@dataclass(frozen=True)
class Changes:
    """One page of the vendor's changes: the raw items (for the mapper), the
    cursor after them, and whether more pages follow."""

    items: list
    cursor: str | None
    more: bool = False


class Mapper(abc.ABC):
    """Pure dict -> dict translations, unit-tested without any server."""

    def __init__(self, options=None):
        self.options = dict(options or {})

    @abc.abstractmethod
    def ticket(self, payload, correlation_key):
        """The vendor's create request for the neutral ticket ``payload``."""

    @abc.abstractmethod
    def comment(self, payload, marker):
        """The vendor's comment request for a public message (``payload["body"]``)
        or a hand-off note (``payload["note"]``); ``marker`` identifies it so a
        retry can tell whether it already went through."""

    @abc.abstractmethod
    def status(self, payload):
        """The vendor's status for a ``status``/``close`` event, or None."""

    @abc.abstractmethod
    def remote_events(self, items):
        """The vendor's raw changes as remote events for apply_remote_events."""


class Adapter(abc.ABC):
    """Transport to one vendor system: every call has a timeout; errors are
    RetryableSyncError or PermanentSyncError."""

    #: Keys of [vendors.<code>] this kind requires (secrets by their bare name).
    required_options = ()
    required_secrets = ()
    #: Whether fetch_changes reads anything (webhook vendors push to Odoo).
    pulls = True

    def __init__(self, config, daemon_config, stop_event):
        self.config = config
        self.daemon_config = daemon_config
        self.stop_event = stop_event

    @classmethod
    def check_config(cls, config):
        missing = [o for o in cls.required_options if not config.option(o)]
        if missing:
            raise ConfigError(f"vendors.{config.code}: missing {', '.join(missing)}")
        for secret in cls.required_secrets:
            config.secret(secret)

    @property
    def calls(self):
        """Calls made to the vendor so far (for the benchmark)."""
        return self.http.calls

    def _http_client(self, base_url, headers):
        """The one HTTP session of this adapter, with the daemon's retry rules."""
        return HttpClient(
            base_url,
            timeout=self.config.timeout,
            retries=self.daemon_config.http_retries,
            max_retry_wait=self.daemon_config.max_retry_wait,
            headers=headers,
            stop_event=self.stop_event,
        )

    @abc.abstractmethod
    def create(self, request, correlation_key):
        """Create the vendor ticket; returns a RemoteTicket."""

    @abc.abstractmethod
    def find(self, correlation_key):
        """The vendor ticket carrying ``correlation_key``, or None."""

    @abc.abstractmethod
    def comment(self, external_id, request):
        """Add a public comment to the vendor ticket."""

    @abc.abstractmethod
    def has_comment(self, external_id, marker):
        """Whether a comment with ``marker`` is already on the vendor ticket."""

    @abc.abstractmethod
    def set_status(self, external_id, status):
        """Set the vendor ticket's status; returns a RemoteTicket."""

    @abc.abstractmethod
    def fetch_changes(self, cursor):
        """The vendor's changes after ``cursor`` (None: from the start), a
        Changes page."""

    @abc.abstractmethod
    def check(self):
        """Reach the vendor system; returns a line saying what answered."""

    def close(self):
        """Release connections."""
        self.http.close()
