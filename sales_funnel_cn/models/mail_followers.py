from odoo import api
from odoo import models

from .sfcn_access import is_trusted
from .sfcn_masking import guard_domain
from .sfcn_masking import mask_read
from .sfcn_masking import masked_by_partner
from .sfcn_masking import viewer


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    def _read_format(self, fnames, load="_classic_read"):
        """A follower that is the customer of a pooled deal shows its e-mail masked (the chatter's follower
        list reads through here, as superuser for the user)."""
        return mask_read(super()._read_format(fnames, load=load), fnames, ("email",), masked_by_partner(self))

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """No search of followers by a masked customer's e-mail (a yes/no answer is enough to confirm a guess)."""
        if not is_trusted(viewer(self).env):
            domain = guard_domain(domain, ("email",), lambda: [
                ("partner_id", "not any", viewer(self).env["res.partner"]._sfcn_masked_domain())])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model_create_multi
    def create(self, vals_list):
        """A salesperson does not make the customer of a pooled deal follow a record (the chatter would then
        compare the customer's hidden e-mail with the addresses on that record, and mail him): he claims the
        deal first. Followers created directly (message_subscribe is checked in mail_thread.py: mail inserts them
        as superuser)."""
        if not is_trusted(self.env):
            partner_ids = {vals["partner_id"] for vals in vals_list if isinstance(vals.get("partner_id"), int)}
            self.env["res.partner"].browse(partner_ids)._sfcn_check_not_masked()
        return super().create(vals_list)
