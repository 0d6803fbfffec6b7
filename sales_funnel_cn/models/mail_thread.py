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
