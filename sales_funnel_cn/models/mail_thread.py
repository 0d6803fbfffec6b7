from odoo import models

from .sfcn_access import is_trusted


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def message_post(self, **kwargs):
        """A salesperson does not write to the customer of a pooled deal (posting on any record with that
        customer as a recipient mails him): he claims the deal first."""
        partner_ids = [pid for pid in kwargs.get("partner_ids") or () if isinstance(pid, int)]
        if partner_ids and not is_trusted(self.env):
            self.env["res.partner"].browse(partner_ids)._sfcn_check_not_masked()
        return super().message_post(**kwargs)

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """Nor does he make that customer follow a record: the chatter would compare the customer's hidden e-mail
        with the addresses on the record (its suggested recipients answer whether a guess is right) and mail him."""
        ids = [pid for pid in partner_ids or () if isinstance(pid, int)]
        if ids and not is_trusted(self.env) and set(ids) != {self.env.user.partner_id.id}:
            self.env["res.partner"].browse(ids)._sfcn_check_not_masked()
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)
