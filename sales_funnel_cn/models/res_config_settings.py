from odoo import fields
from odoo import models


class ResConfigSettings(models.TransientModel):
    """The module's settings are the current company's (res.company, models/res_company.py)."""
    _inherit = "res.config.settings"

    sfcn_default_stage_max_days = fields.Integer(related="company_id.sfcn_default_stage_max_days", readonly=False)
    sfcn_default_funnel_template_id = fields.Many2one(
        related="company_id.sfcn_default_funnel_template_id", readonly=False)
    sfcn_call_daily_goal = fields.Integer(related="company_id.sfcn_call_daily_goal", readonly=False)
    sfcn_call_daily_conversion_goal = fields.Integer(
        related="company_id.sfcn_call_daily_conversion_goal", readonly=False)
    sfcn_grade_a_decision_days = fields.Integer(related="company_id.sfcn_grade_a_decision_days", readonly=False)
    sfcn_grade_b_decision_days = fields.Integer(related="company_id.sfcn_grade_b_decision_days", readonly=False)
    sfcn_grade_c_decision_days = fields.Integer(related="company_id.sfcn_grade_c_decision_days", readonly=False)
    sfcn_lead_important_revenue = fields.Float(related="company_id.sfcn_lead_important_revenue", readonly=False)
    sfcn_lead_min_revenue = fields.Float(related="company_id.sfcn_lead_min_revenue", readonly=False)
    sfcn_export_background_threshold = fields.Integer(
        related="company_id.sfcn_export_background_threshold", readonly=False)
    sfcn_export_keep_days = fields.Integer(related="company_id.sfcn_export_keep_days", readonly=False)
