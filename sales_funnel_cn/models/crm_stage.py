from odoo import fields
from odoo import models

GATE_FIELDS = {"sequence", "gate_mode", "team_id", "is_won", "active"}


class CrmStage(models.Model):
    _inherit = "crm.stage"

    max_days = fields.Integer(
        "Max Days in Stage", default=0,
        help="A deal staying longer than this in the stage is stale. 0 uses the default of the settings.")
    gate_mode = fields.Selection(
        [("block", "Block"), ("warn", "Warn"), ("off", "Off")], string="Checklist Gate",
        default="off", required=True,
        help="Block: a deal cannot move forward past this stage while required checks are unticked. "
             "Warn: the move happens, the deal is flagged and the chatter lists the skipped checks.")
    fixed_probability = fields.Boolean(
        "Probability Follows Stage",
        help="When set, a deal entering this stage takes the stage probability.")
    stage_probability = fields.Float("Stage Probability (%)")
    stage_description = fields.Text("Status Description", translate=True)
    check_ids = fields.One2many("crm.stage.check", "stage_id", string="Checklist")
    funnel_template_id = fields.Many2one("crm.funnel.template", ondelete="set null")

    def write(self, vals):
        res = super().write(vals)
        if GATE_FIELDS & set(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
