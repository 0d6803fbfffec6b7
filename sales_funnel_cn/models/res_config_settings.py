from odoo import fields
from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sfcn_default_stage_max_days = fields.Integer(
        string="Default Days Before Stale",
        config_parameter="sales_funnel_cn.default_stage_max_days",
        default=30,
        help="A deal that stays longer than this in a stage without its own limit is considered stale.",
    )
    sfcn_default_funnel_template_id = fields.Many2one(
        "crm.funnel.template", string="Funnel Template for New Teams",
        config_parameter="sales_funnel_cn.default_funnel_template_id",
        help="A new sales team runs this funnel template (its stages are created with the team). Each team's "
             "template is chosen on the team form.")
    sfcn_call_daily_goal = fields.Integer(
        string="Daily Call Goal",
        config_parameter="sales_funnel_cn.call_daily_goal",
        default=60,
        help="Calls each rep should log per day; the call dialog shows the rep's progress.",
    )
    sfcn_call_daily_conversion_goal = fields.Integer(
        string="Daily Conversion Goal",
        config_parameter="sales_funnel_cn.call_daily_conversion_goal",
        default=5,
        help="New potential (D) or target (C) customers each rep should win per day by phone.",
    )
    sfcn_grade_a_decision_days = fields.Integer(
        string="Grade A: Decision Within (days)", config_parameter="sales_funnel_cn.grade_a_decision_days",
        default=7)
    sfcn_grade_b_decision_days = fields.Integer(
        string="Grade B: Decision Within (days)", config_parameter="sales_funnel_cn.grade_b_decision_days",
        default=30)
    sfcn_grade_c_decision_days = fields.Integer(
        string="Grade C: Decision Within (days)", config_parameter="sales_funnel_cn.grade_c_decision_days",
        default=60)
    sfcn_lead_important_revenue = fields.Float(
        string="Important Lead From Revenue", config_parameter="sales_funnel_cn.lead_important_revenue",
        default=1000000)
    sfcn_lead_min_revenue = fields.Float(
        string="Minimum Lead Revenue", config_parameter="sales_funnel_cn.lead_min_revenue", default=50000)

    def set_values(self):
        get = self.env["ir.config_parameter"].sudo().get_param
        keys = ["sales_funnel_cn.grade_a_decision_days", "sales_funnel_cn.grade_b_decision_days",
                "sales_funnel_cn.grade_c_decision_days", "sales_funnel_cn.lead_important_revenue",
                "sales_funnel_cn.lead_min_revenue"]
        before = [get(key) for key in keys]
        res = super().set_values()
        after = [get(key) for key in keys]
        Lead = self.env["crm.lead"].with_context(active_test=False)
        if before[:3] != after[:3]:
            # only dated deals can reach C or better, so only they depend on the decision windows
            Lead._cron_recompute_date_dependent()
        if before[3:] != after[3:]:
            self.env.add_to_compute(Lead._fields["lead_class"], Lead.search([("solution_fit", "!=", False)]))
        return res
