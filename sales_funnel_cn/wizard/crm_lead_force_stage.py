from odoo import fields
from odoo import models
from odoo.exceptions import UserError


class CrmLeadForceStage(models.TransientModel):
    _name = "crm.lead.force.stage"
    _description = "Force a Deal to a Stage"

    lead_id = fields.Many2one("crm.lead", string="Deal", required=True)
    stage_id = fields.Many2one("crm.stage", required=True)
    reason = fields.Text(required=True)

    def action_force(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(self.env._("A reason is required to force a stage."))
        self.lead_id.with_context(sfcn_force_reason=self.reason.strip()).write({"stage_id": self.stage_id.id})
        return {"type": "ir.actions.act_window_close"}
