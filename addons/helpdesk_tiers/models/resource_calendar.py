# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from pytz import utc

from odoo import models

from ..tools.working_time import WorkingTime


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _helpdesk_working_time(self, origin):
        """Working-time arithmetic on this calendar from ``origin`` (naive UTC)
        on: attendances in the calendar's time zone, minus its leaves and the
        public holidays (global leaves)."""
        self.ensure_one()

        def fetch(start, end):
            intervals = self._work_intervals_batch(
                utc.localize(start), utc.localize(end), compute_leaves=True
            )[False]
            return [
                (
                    begin.astimezone(utc).replace(tzinfo=None),
                    stop.astimezone(utc).replace(tzinfo=None),
                )
                for begin, stop, _meta in intervals
            ]

        return WorkingTime(fetch, origin)
