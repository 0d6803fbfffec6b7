from odoo import fields
from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sfcn_followup_clock = fields.Selection(related="company_id.sfcn_followup_clock", readonly=False)
    sfcn_checkin_max_km = fields.Float(related="company_id.sfcn_checkin_max_km", readonly=False)
