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
