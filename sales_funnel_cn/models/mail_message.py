from odoo import models

from .sfcn_masking import mask_text_rows


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _read_format(self, fnames, load="_classic_read"):
        """Chatter of a masked deal or customer: the contact details it quotes are masked (the chatter's
        message list reads through here, so does RPC)."""
        return mask_text_rows(self, super()._read_format(fnames, load=load), fnames, ("body", "preview", "subject"),
                              lambda message: (message.model, message.res_id))
