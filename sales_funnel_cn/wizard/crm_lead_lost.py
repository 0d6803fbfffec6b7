from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    lost_reason_id = fields.Many2one(required=True)

    def action_lost_reason_apply(self):
        """丢单总结: a lost deal needs a reason and a short summary."""
        self.ensure_one()
        if not self.lost_reason_id:
            raise UserError(self.env._("Say why the deal is lost: choose a lost reason (丢单原因)."))
        summary = html2plaintext(self.lost_feedback or "").strip()
        if not summary:
            raise UserError(self.env._("Write a short loss summary: what decided the outcome."))
        self.lead_ids.write({"close_summary": summary})
        return super().action_lost_reason_apply()
