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
