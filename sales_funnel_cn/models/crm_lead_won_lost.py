from odoo import fields
from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    won_reason_id = fields.Many2one("crm.won.reason", "Reason Won", index="btree_not_null", copy=False,
                                    tracking=True)
    close_summary = fields.Text("Win/Loss Summary", copy=False,
                                help="赢/丢单总结: what decided the outcome, in a few sentences.")

    def action_set_won_rainbowman(self):
        """The Won button asks for the won reason and a summary first (赢单总结) on a funnel of the module
        (the deal's team or stage follows a funnel template, whose won review this is). On Odoo's own
        pipeline nothing is asked: core's Won, with its rainbow man."""
        self.ensure_one()
        if self._sfcn_asks_won_review() and not (self.won_reason_id and (self.close_summary or "").strip()):
            return self.env["crm.lead.won"]._action_open(self)
        return super().action_set_won_rainbowman()

    def _sfcn_asks_won_review(self):
        self.ensure_one()
        return bool(self.sudo().team_id.funnel_template_id or self.sudo().stage_id.funnel_template_id)
