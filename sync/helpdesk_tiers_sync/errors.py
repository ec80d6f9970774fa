"""What can go wrong while syncing, sorted by what the daemon does about it."""


class SyncError(Exception):
    """Base class of the daemon's errors."""


class ConfigError(SyncError):
    """The configuration is unusable: the daemon does not start."""


class RetryableSyncError(SyncError):
    """Worth trying again later; ``seconds``: how long the peer asked us to wait
    (Retry-After), when it said."""

    def __init__(self, message, seconds=None):
        super().__init__(message)
        self.seconds = seconds


class PermanentSyncError(SyncError):
    """Trying again would fail the same way (a 4xx answer, a refused value): the
    event goes to the dead letters at once."""


class OdooUnavailable(RetryableSyncError):
    """Odoo cannot be reached or did not answer in time."""


class OdooError(SyncError):
    """Odoo answered with an error (``name``: the exception class on its side)."""

    def __init__(self, message, name=None):
        super().__init__(message)
        self.name = name
