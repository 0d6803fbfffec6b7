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
        partners = Partner.union(*(call.partner_id | call.lead_id.partner_id for call in calls
                                   if not call._sfcn_cannot_change_level()))
        companies = Partner._customer_level_companies(partners.sudo())
        companies.filtered(lambda c: c.customer_level_auto in LEVELS_A_CALL_CAN_CHANGE)._apply_customer_level()
        return calls

    def _sfcn_cannot_change_level(self):
        """A call on an active opportunity, to the deal's own customer: the customer's company is at 有线索 or
        above because of that deal (res.partner._derive_customer_level), a level no call changes, so the
        customer is not read for it (a query per call)."""
        lead = self.lead_id
        return bool(lead) and lead.active and lead.type == "opportunity" \
            and self.partner_id in (lead.partner_id, self.env["res.partner"])
