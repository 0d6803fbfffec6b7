from odoo import models

from .sfcn_masking import mask_text_rows


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _read_format(self, fnames, load="_classic_read"):
        """Activities of a masked deal or customer: the contact details they quote are masked."""
        return mask_text_rows(self, super()._read_format(fnames, load=load), fnames, ("summary", "note"),
                              lambda activity: (activity.res_model, activity.res_id))
