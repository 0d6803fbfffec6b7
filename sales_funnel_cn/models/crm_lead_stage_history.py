from odoo import fields
from odoo import models

from .crm_stage import PIPELINE_STAGES_KEY


class CrmLeadStageHistory(models.Model):
    _name = "crm.lead.stage.history"
    _description = "Deal Stage History"
    _order = "date desc, id desc"

    lead_id = fields.Many2one("crm.lead", string="Deal", required=True, ondelete="cascade", index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team")
    user_id = fields.Many2one("res.users", string="Changed By")
    stage_from_id = fields.Many2one("crm.stage", string="From Stage",
                                    context={PIPELINE_STAGES_KEY: True})
    stage_to_id = fields.Many2one("crm.stage", string="To Stage", context={PIPELINE_STAGES_KEY: True})
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    days_in_previous = fields.Float("Days in Previous Stage", aggregator="avg")
    days_since_create = fields.Float("Days Since Deal Created", aggregator="avg")
    forced_reason = fields.Char("Forced Move Reason")
