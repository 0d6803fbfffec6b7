from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    days_in_stage = fields.Integer(
        compute="_compute_days_in_stage",
        help="Whole days since the deal entered its current stage.",
    )

    @api.depends("date_last_stage_update")
    def _compute_days_in_stage(self):
        now = fields.Datetime.now()
        for lead in self:
            since = lead.date_last_stage_update or lead.create_date or now
            lead.days_in_stage = max((now - since).days, 0)
