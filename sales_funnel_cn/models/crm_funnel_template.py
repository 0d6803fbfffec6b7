from odoo import Command
from odoo import api
from odoo import fields
from odoo import models


class CrmFunnelTemplate(models.Model):
    _name = "crm.funnel.template"
    _description = "Funnel Stage Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    gate_timing = fields.Selection(
        [("entry", "Entry criteria"), ("exit", "Exit criteria")], string="Checks Are", default="entry",
        required=True,
        help="Entry criteria (as the seeds mean them): a stage's checks must hold to enter it, and those of "
             "every stage skipped. Exit criteria: they must hold to leave it.")
    line_ids = fields.One2many("crm.funnel.template.stage", "template_id", string="Stages", copy=True)

    @api.model
    def _sfcn_sync_translations(self, langs):
        """Give the stages and checks created from templates the texts of languages installed since (the
        demo team's funnel is applied before zh_CN is loaded on a new database)."""
        langs = [lang for lang in langs if lang != "en_US"]
        if not langs:
            return
        stages = self.env["crm.stage"].sudo().with_context(lang="en_US").search([("funnel_template_id", "!=", False)])
        for stage in stages:
            line = stage.funnel_template_id.line_ids.filtered(lambda ln, st=stage: ln.name == st.name)[:1]
            if line:
                line._sfcn_copy_stage_translations(stage, langs)
                line._sfcn_copy_check_translations(stage.check_ids.sorted("sequence"), langs)

    def action_apply(self, team):
        """Create the template's stages (with their checklists) for a sales team and make it the team's
        funnel; returns the stages.

        Names, descriptions and check texts are written in English (the source) with the translations
        of every other active language, so each user reads the stages and checks in their language."""
        self.ensure_one()
        template = self.with_context(lang="en_US")
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        Stage = template.env["crm.stage"]
        stages = Stage
        for line in template.line_ids:
            stage = Stage.search(
                [("team_id", "=", team.id), ("funnel_template_id", "=", self.id), ("name", "=", line.name)],
                limit=1)
            vals = {
                "name": line.name, "sequence": line.sequence, "team_id": team.id,
                "funnel_template_id": self.id, "is_won": line.is_won, "max_days": line.max_days,
                "gate_mode": line.gate_mode, "fixed_probability": line.fixed_probability,
                "stage_probability": line.probability, "stage_description": line.description,
                "requirements": line.description, "gate_timing": template.gate_timing,
                "coaching_prompts": line.coaching_prompts, "core_skills": line.core_skills,
            }
            if stage:
                stage.write(vals)
            else:
                vals["check_ids"] = [Command.create({
                    "name": text, "sequence": i, "required": required, "help_text": line.check_help,
                }) for i, (text, required) in enumerate(line._check_texts())]
                stage = Stage.create(vals)
                line._sfcn_copy_check_translations(stage.check_ids.sorted("sequence"), langs)
            line._sfcn_copy_stage_translations(stage, langs)
            stages |= stage
        if team.funnel_template_id != self:
            # the team runs this template from now on: it sees only the template's stages (its deals are
            # mapped by crm.team._sfcn_apply_funnel_template)
            team.funnel_template_id = self
        return stages.with_env(self.env)
