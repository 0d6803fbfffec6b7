from odoo import models

from ..models.sfcn_access import is_trusted
from ..models.sfcn_masking import check_not_masked


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        """The composer (a template sent to deals, a mail to chosen recipients) reaches a pooled deal's customer
        only once the deal is claimed: a salesperson's mail to a masked deal or customer is refused."""
        if not is_trusted(self.env):
            for wizard in self:
                wizard.partner_ids._sfcn_check_not_masked()
                if wizard.model in ("crm.lead", "res.partner") and wizard.composition_mode == "mass_mail":
                    check_not_masked(self.env[wizard.model].browse(wizard._evaluate_res_ids()))
        return super()._action_send_mail(auto_commit=auto_commit)
