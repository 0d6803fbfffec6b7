from odoo import fields
from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sfcn_lead_major_revenue = fields.Float(related="company_id.sfcn_lead_major_revenue", readonly=False)
    sfcn_daily_new_deal_goal = fields.Integer(related="company_id.sfcn_daily_new_deal_goal", readonly=False)
    sfcn_renewal_days_before = fields.Integer(related="company_id.sfcn_renewal_days_before", readonly=False)
    sfcn_referral_target = fields.Integer(related="company_id.sfcn_referral_target", readonly=False)
    sfcn_upsell_after_step = fields.Selection(related="company_id.sfcn_upsell_after_step", readonly=False)
    sfcn_upsell_days_after = fields.Integer(related="company_id.sfcn_upsell_days_after", readonly=False)
