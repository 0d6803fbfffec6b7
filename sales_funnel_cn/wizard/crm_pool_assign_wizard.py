from odoo import fields
from odoo import models


class CrmPoolAssignWizard(models.TransientModel):
    _name = "crm.pool.assign.wizard"
    _description = "Assign Pooled Deals"

    user_id = fields.Many2one("res.users", "Salesperson", required=True, domain=[("share", "=", False)])
    override_cap = fields.Boolean("Override the Cap", help="Assign even above the holding cap (logged).")

    def action_assign(self):
        leads = self.env["crm.lead"].browse(self.env.context.get("active_ids", []))
        leads._pool_assign(self.user_id, override=self.override_cap)
        return {"type": "ir.actions.act_window_close"}
