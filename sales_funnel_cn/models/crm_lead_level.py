from odoo import api
from odoo import models

LEVEL_TRIGGERS = {"stage_id", "active", "probability", "partner_id", "type", "customer_grade"}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads.partner_id.sudo()._apply_customer_level()
        return leads

    def write(self, vals):
        before = self.partner_id if "partner_id" in vals else self.env["res.partner"]
        res = super().write(vals)
        if LEVEL_TRIGGERS & set(vals):
            (before | self.partner_id).sudo()._apply_customer_level()
        return res
