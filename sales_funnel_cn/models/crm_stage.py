from collections import namedtuple

from odoo import api
from odoo import fields
from odoo import models
from odoo import tools

GATE_FIELDS = {"sequence", "gate_mode", "gate_timing", "team_id", "is_won", "funnel_template_id",
               "fixed_probability", "stage_probability"}

StageEntry = namedtuple(
    "StageEntry", "id key team_id template_id is_won fixed_probability probability gate_mode gate_timing")


class CrmStage(models.Model):
    _inherit = "crm.stage"

    max_days = fields.Integer(
        "Max Days in Stage", default=0,
        help="A deal staying longer than this in the stage is stale. 0 uses the default of the settings.")
    gate_mode = fields.Selection(
        [("block", "Block"), ("warn", "Warn"), ("off", "Off")], string="Checklist Gate",
        default="off", required=True,
        help="Block: a deal cannot move past the checklist while required checks are unticked. "
             "Warn: the move happens, the deal is flagged and the chatter lists the skipped checks.")
    gate_timing = fields.Selection(
        [("entry", "Entry criteria"), ("exit", "Exit criteria")], string="Checks Are",
        default="entry", required=True,
        help="Entry criteria: the checks describe a deal that IS at this stage; they must hold to enter it "
             "(and those of every stage skipped on the way). Exit criteria: they must hold to leave it.")
    fixed_probability = fields.Boolean(
        "Probability Follows Stage",
        help="When set, a deal entering this stage takes the stage probability, whatever the client sends.")
    stage_probability = fields.Float("Stage Probability (%)")
    stage_description = fields.Text("Status Description", translate=True)
    coaching_prompts = fields.Text(
        "Coaching Questions", translate=True,
        help="Questions a manager asks about a deal at this stage; shown on the deal.")
    core_skills = fields.Text(translate=True, help="Skills a rep needs to move deals on from here.")
    check_ids = fields.One2many("crm.stage.check", "stage_id", string="Checklist")
    funnel_template_id = fields.Many2one("crm.funnel.template", ondelete="set null")

    @api.model
    @tools.ormcache()
    def _sfcn_stage_map(self):
        """Every stage with what the gate and the team pipelines need (cached; cleared when stages change)."""
        stages = self.sudo().search([("id", "!=", 0)])
        return tuple(StageEntry(s.id, (s.sequence, s.id), s.team_id.id, s.funnel_template_id.id, s.is_won,
                                s.fixed_probability, s.stage_probability, s.gate_mode, s.gate_timing)
                     for s in stages.sorted(lambda s: (s.sequence, s.id)))

    @api.model_create_multi
    def create(self, vals_list):
        stages = super().create(vals_list)
        self.env.registry.clear_cache()
        return stages

    def write(self, vals):
        res = super().write(vals)
        if GATE_FIELDS & set(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
