from odoo import api
from odoo import fields
from odoo import models


class CrmCallLogWizard(models.TransientModel):
    _inherit = "crm.call.log.wizard"

    today_new_deals = fields.Integer("New Deals Today", readonly=True,
                                     default=lambda self: self._deal_progress("today_new_deals"))
    goal_new_deals = fields.Integer(readonly=True, default=lambda self: self._deal_progress("goal_new_deals"))

    @api.model
    def _deal_progress(self, key):
        return self.env["crm.call.report"]._daily_deal_progress(self.env.user)[key]
