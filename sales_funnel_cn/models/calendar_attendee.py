from odoo import models

from .sfcn_masking import mask_read
from .sfcn_masking import viewer


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def _read_format(self, fnames, load="_classic_read"):
        """An attendee that is the customer of a pooled deal shows its e-mail masked."""
        def masked_ids():
            hidden = set(viewer(self.sudo().partner_id.with_env(self.env))._sfcn_masked_ids())
            return {a.id for a in self.sudo() if a.partner_id.id in hidden}
        return mask_read(super()._read_format(fnames, load=load), fnames, ("email", "common_name"), masked_ids)
