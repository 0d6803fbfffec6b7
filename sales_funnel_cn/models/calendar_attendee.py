from odoo import models

from .sfcn_masking import mask_read
from .sfcn_masking import masked_by_partner


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def _read_format(self, fnames, load="_classic_read"):
        """An attendee that is the customer of a pooled deal shows its e-mail masked."""
        return mask_read(super()._read_format(fnames, load=load), fnames, ("email", "common_name"),
                         masked_by_partner(self))
