from odoo import api
from odoo import models

# the derived customer levels a logged call can lift (to 已接触, "contacted": res.partner._derive_customer_level);
# a company at any other level keeps it whatever the calls (its deals and follow-ups decide, and their own
# changes recompute it)
LEVELS_A_CALL_CAN_CHANGE = (False, "resource", "graded")


class CrmCallLog(models.Model):
    _inherit = "crm.call.log"

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        Partner = self.env["res.partner"].sudo()
        companies = Partner._customer_level_companies((calls.partner_id | calls.lead_id.partner_id).sudo())
        companies.filtered(lambda c: c.customer_level_auto in LEVELS_A_CALL_CAN_CHANGE)._apply_customer_level()
        return calls
