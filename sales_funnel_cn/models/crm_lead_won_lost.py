from odoo import fields
from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    won_reason_id = fields.Many2one("crm.won.reason", "Reason Won", index="btree_not_null", copy=False,
                                    tracking=True)
    close_summary = fields.Text("Win/Loss Summary", copy=False,
                                help="赢/丢单总结: what decided the outcome, in a few sentences.")

    def action_set_won_rainbowman(self):
        """The Won button asks for the won reason and a summary first (赢单总结)."""
        self.ensure_one()
        if not (self.won_reason_id and (self.close_summary or "").strip()):
            return self.env["crm.lead.won"]._action_open(self)
        return super().action_set_won_rainbowman()
