from odoo import api
from odoo import models

from .sfcn_access import is_trusted


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    @api.model_create_multi
    def create(self, vals_list):
        self._sfcn_check_attendees(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._sfcn_check_attendees([vals])
        return super().write(vals)

    def _sfcn_check_attendees(self, vals_list):
        """Inviting the customer of a pooled deal mails him the invitation and shows his address on the
        attendee: a salesperson claims the deal first."""
        if is_trusted(self.env):
            return
        ids = set()
        for vals in vals_list:
            for command in vals.get("partner_ids") or ():
                if isinstance(command, list | tuple) and command and command[0] == 4:
                    ids.add(command[1])
                elif isinstance(command, list | tuple) and command and command[0] == 6:
                    ids.update(command[2] or ())
                elif isinstance(command, int):
                    ids.add(command)
        if ids:
            self.env["res.partner"].browse(ids)._sfcn_check_not_masked()
