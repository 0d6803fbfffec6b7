from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    lost_reason_id = fields.Many2one(required=True)

    def action_lost_reason_apply(self):
        """丢单总结: the lost dialog needs a reason, and a short summary when it closes deals (opportunities).
        Core's ``action_set_lost()`` called by code keeps core's behaviour; the reason is asked here, where
        a user marks deals lost, and by the module's own flows (call outcomes, disqualification)."""
        self.ensure_one()
        if not self.lost_reason_id:
            raise UserError(self.env._("Say why the deal is lost: choose a lost reason (丢单原因)."))
        summary = html2plaintext(self.lost_feedback or "").strip()
        if not summary and any(lead.type == "opportunity" for lead in self.lead_ids):
            raise UserError(self.env._("Write a short loss summary: what decided the outcome."))
        if summary:
            self.lead_ids.write({"close_summary": summary})
        return super().action_lost_reason_apply()
