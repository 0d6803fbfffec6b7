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
        (the deal's team or stage follows a funnel template, whose won review this is); the won stage's
        checklist comes before it (the gate's dialog, which then opens this one). On Odoo's own pipeline
        nothing is asked: core's Won, with its rainbow man."""
        self.ensure_one()
        if self._sfcn_won_review_missing():
            won_stage = self._stage_find(domain=[("is_won", "=", True)])
            if won_stage and won_stage != self.stage_id:
                override = self._sfcn_override()
                if override and not override.covers(self, won_stage):
                    override = None
                self._sfcn_gate(won_stage, override=override)  # StageGateError: the checklist first
            return self.env["crm.lead.won"]._action_open(self)
        return super().action_set_won_rainbowman()

    def _sfcn_won_review_missing(self):
        """True when winning this deal still needs the won review (reason and summary) of its funnel."""
        self.ensure_one()
        funnel = self.sudo().team_id.funnel_template_id or self.sudo().stage_id.funnel_template_id
        return bool(funnel) and not (self.won_reason_id and (self.close_summary or "").strip())
