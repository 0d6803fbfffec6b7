from odoo import fields
from odoo import models


class CrmLeadForceStage(models.TransientModel):
    _name = "crm.lead.force.stage"
    _description = "Force a Deal to a Stage"

    lead_id = fields.Many2one("crm.lead", string="Deal", required=True)
    # the stages the deal's team runs (its funnel template's, else Odoo's): others are refused on write
    sfcn_stage_ids = fields.Many2many(related="lead_id.sfcn_stage_ids")
    stage_id = fields.Many2one("crm.stage", required=True, domain="[('id', 'in', sfcn_stage_ids)]")
    reason = fields.Text(required=True)

    def action_force(self):
        self.ensure_one()
        self.lead_id._sfcn_move_stage_forced(self.stage_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
