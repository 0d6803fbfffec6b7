from odoo import fields
from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sfcn_followup_clock = fields.Selection(
        [("followup", "Structured follow-ups only"),
         ("followup_call", "Structured follow-ups and calls"),
         ("all", "Follow-ups, calls, notes, messages and activities done")],
        string="What Resets the Pool's Clock", config_parameter="sales_funnel_cn.followup_clock",
        default="followup_call",
        help="Which records count as a follow-up for the public pool's reclaim rule (a stage change always does).")
    sfcn_checkin_max_km = fields.Float(
        string="Check-in Distance Limit (km)", config_parameter="sales_funnel_cn.checkin_max_km", default=1.0,
        help="A visit checked in farther than this from the customer's coordinates is flagged.")
