# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Working-time arithmetic over the intervals of one calendar.

Service-level clocks add working hours to a start (deadlines) and measure the
working hours between two moments (pauses, time at a vendor). Asking
``resource.calendar.plan_hours`` once per ticket reads the calendar and its
leaves again for every ticket; a :class:`WorkingTime` fetches the intervals of a
span once and answers every question about that span in Python.

All datetimes are naive UTC, as the ORM stores them."""

from bisect import bisect_right
from datetime import timedelta

_FIRST_SPAN = timedelta(days=35)
# A calendar without a single working hour in this span has none at all.
_MAX_SPAN = timedelta(days=366 * 3)


class WorkingTime:
    """Cumulative working hours of a calendar from ``origin`` on.

    :param fetch: ``fetch(start, end)`` -> sorted, disjoint ``(start, stop)``
        working intervals (naive UTC) between ``start`` and ``end``, leaves
        removed (see ``resource.calendar._helpdesk_working_time``)
    :param origin: the earliest moment any question will be about"""

    def __init__(self, fetch, origin):
        self._fetch = fetch
        self._origin = origin
        self._end = origin
        self._starts = []  # interval starts
        self._stops = []  # interval stops
        self._before = []  # working hours from origin to each interval's start

    @property
    def _total(self):
        """Working hours from ``origin`` to the end of the fetched span."""
        if not self._starts:
            return 0.0
        return self._before[-1] + _hours(self._stops[-1] - self._starts[-1])

    def _extend(self, until):
        """Fetch intervals up to ``until`` (at least), in growing spans."""
        span = max(_FIRST_SPAN, until - self._end)
        while self._end < until:
            end = self._end + span
            for start, stop in self._fetch(self._end, end):
                start = max(start, self._end)
                if stop <= start:
                    continue
                self._before.append(self._total)
                self._starts.append(start)
                self._stops.append(stop)
            self._end = end
            span *= 2

    def hours_at(self, moment):
        """Working hours between ``origin`` and ``moment``."""
        if moment < self._origin:
            raise ValueError(f"{moment} is before the origin {self._origin}")
        self._extend(moment)
        index = bisect_right(self._starts, moment) - 1
        if index < 0:
            return 0.0
        inside = min(moment, self._stops[index]) - self._starts[index]
        return self._before[index] + _hours(inside)

    def hours_between(self, start, end):
        """Working hours between two moments (0 when ``end`` is not later)."""
        if end <= start:
            return 0.0
        return self.hours_at(end) - self.hours_at(start)

    def add_hours(self, start, hours):
        """The moment ``hours`` working hours after ``start``: the end of the
        working hour that completes them. With ``hours`` = 0, ``start`` itself.
        None when the calendar has no working time left."""
        if hours <= 0:
            return start
        target = self.hours_at(start) + hours
        while self._total < target:
            if self._end - self._origin > _MAX_SPAN:
                return None
            self._extend(self._end + max(_FIRST_SPAN, self._end - self._origin))
        # The interval in which the target is reached: the first one whose
        # cumulative end reaches it (an exact end stays in its interval).
        index = bisect_right(self._before, target) - 1
        while index > 0 and self._before[index] >= target:
            index -= 1
        # To the second: float hours would otherwise leave stray microseconds.
        seconds = round((target - self._before[index]) * 3600)
        return self._starts[index] + timedelta(seconds=seconds)


def _hours(delta):
    return delta.total_seconds() / 3600
