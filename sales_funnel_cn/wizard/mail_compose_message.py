from odoo import models
from odoo.exceptions import UserError

from ..models.sfcn_access import is_trusted


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        """The composer (a template sent to deals, a mail to chosen recipients) reaches a pooled deal's customer
        only once the deal is claimed: a salesperson's mail to a masked deal or customer is refused."""
        if not is_trusted(self.env):
            for wizard in self:
                wizard.partner_ids._sfcn_check_not_masked()
                if wizard.model in ("crm.lead", "res.partner") and wizard.composition_mode == "mass_mail":
                    records = self.env[wizard.model].browse(wizard._evaluate_res_ids())
                    masked = wizard.model == "crm.lead" and records.browse(sorted(records._pool_masked_ids()))
                    if masked:
                        raise UserError(self.env._(
                            "%(deal)s is in the public pool: claim it before you write to the customer.",
                            deal=masked[0].sudo().display_name))
                    if wizard.model == "res.partner":
                        records._sfcn_check_not_masked()
        return super()._action_send_mail(auto_commit=auto_commit)
