from odoo import Command
from odoo import fields
from odoo import models


class CrmFunnelTemplate(models.Model):
    _name = "crm.funnel.template"
    _description = "Funnel Stage Template"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    description = fields.Text()
    line_ids = fields.One2many("crm.funnel.template.stage", "template_id", string="Stages", copy=True)

    def action_apply(self, team):
        """Create the template's stages (with their checklists) for a sales team; returns the stages."""
        self.ensure_one()
        stages = self.env["crm.stage"]
        for line in self.line_ids:
            stage = self.env["crm.stage"].search(
                [("team_id", "=", team.id), ("funnel_template_id", "=", self.id), ("name", "=", line.name)],
                limit=1)
            vals = {
                "name": line.name, "sequence": line.sequence, "team_id": team.id,
                "funnel_template_id": self.id, "is_won": line.is_won, "max_days": line.max_days,
                "gate_mode": line.gate_mode, "fixed_probability": line.fixed_probability,
                "stage_probability": line.probability, "stage_description": line.description,
                "requirements": line.description,
            }
            if stage:
                stage.write(vals)
            else:
                vals["check_ids"] = [Command.create({
                    "name": text, "sequence": i, "required": True,
                }) for i, text in enumerate(line._check_texts())]
                stage = self.env["crm.stage"].create(vals)
            stages |= stage
        return stages
