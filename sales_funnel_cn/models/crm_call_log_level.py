from odoo import api
from odoo import models


class CrmCallLog(models.Model):
    _inherit = "crm.call.log"

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        (calls.partner_id | calls.lead_id.partner_id).sudo()._apply_customer_level()
        return calls
