from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError


class CrmLeadWon(models.TransientModel):
    """赢单总结: marking a deal won asks for the won reason and a short summary."""

    _name = "crm.lead.won"
    _description = "Mark Won: Reason and Summary"

    lead_ids = fields.Many2many("crm.lead", string="Deals")
    won_reason_id = fields.Many2one("crm.won.reason", required=True)
    close_summary = fields.Text("Win Summary", required=True)

    @api.model
    def _action_open(self, leads):
        return {
            "type": "ir.actions.act_window", "res_model": self._name, "view_mode": "form", "target": "new",
            "name": self.env._("Mark Won"), "context": {"default_lead_ids": leads.ids},
            "views": [(self.env.ref("sales_funnel_cn.crm_lead_won_view_form").id, "form")],
        }

    def action_apply(self):
        self.ensure_one()
        if not self.won_reason_id or not (self.close_summary or "").strip():
            raise UserError(self.env._("Give the won reason and a short win summary."))
        self.lead_ids.write({"won_reason_id": self.won_reason_id.id, "close_summary": self.close_summary.strip()})
        if len(self.lead_ids) == 1:
            return self.lead_ids.action_set_won_rainbowman()
        self.lead_ids.action_set_won()
        return {"type": "ir.actions.act_window_close"}
