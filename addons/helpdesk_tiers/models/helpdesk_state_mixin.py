# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class HelpdeskStateMixin(models.AbstractModel):
    """Records that move through a ``state`` selection by buttons: refuse a step
    from a state it does not start from, with a message that names the record."""

    _name = "helpdesk.state.mixin"
    _description = "Helpdesk State Steps"

    def _check_state(self, allowed):
        wrong = self.filtered(lambda record: record.state not in allowed)
        if wrong:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(record)s is %(state)s; this step needs it %(allowed)s.",
                    record=wrong[0].display_name,
                    state=states[wrong[0].state],
                    allowed=" / ".join(states[state] for state in allowed),
                )
            )
