from odoo import api
from odoo import models

from .sfcn_access import is_trusted
from .sfcn_masking import guard_domain
from .sfcn_masking import mask_text_rows
from .sfcn_masking import masked_documents_domain
from .sfcn_masking import viewer

# what a message quotes of its document: masked when the document is, and not searchable there
TEXT_FIELDS = ("body", "preview", "subject", "email_from", "reply_to")


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _read_format(self, fnames, load="_classic_read"):
        """Chatter of a masked deal or customer: the contact details it quotes are masked, the sender address
        of a mail the customer sent included (the chatter's message list reads through here, so does RPC)."""
        return mask_text_rows(self, super()._read_format(fnames, load=load), fnames, TEXT_FIELDS,
                              lambda message: (message.model, message.res_id))

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Searching the text of messages (``body ilike '139 6285'``, also through ``message_ids.body`` on a
        deal) would tell a salesperson whether a masked deal's chatter quotes a guessed number or address: such
        conditions only match messages of documents he sees unmasked."""
        if not is_trusted(viewer(self).env):
            domain = guard_domain(domain, TEXT_FIELDS,
                                  lambda: ["!", *masked_documents_domain(viewer(self).env)])
        return super()._search(domain, offset=offset, limit=limit, order=order)
