from odoo import models

from ..models.sfcn_masking import check_not_masked


class SmsComposer(models.TransientModel):
    _inherit = "sms.composer"

    def _get_records(self):
        """The SMS composer shows the number it sends to (read as the raw field): a salesperson does not open it
        on a pooled deal or its customer, whose number he sees masked; he claims the deal first."""
        records = super()._get_records()
        check_not_masked(records)
        return records
