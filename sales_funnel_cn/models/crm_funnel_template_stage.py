from odoo import fields
from odoo import models


class CrmFunnelTemplateStage(models.Model):
    _name = "crm.funnel.template.stage"
    _description = "Funnel Template Stage"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("crm.funnel.template", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    probability = fields.Float("Probability (%)")
    fixed_probability = fields.Boolean("Probability Follows Stage", default=True)
    is_won = fields.Boolean("Won Stage")
    description = fields.Text("Status Description")
    max_days = fields.Integer("Max Days in Stage")
    gate_mode = fields.Selection(
        [("block", "Block"), ("warn", "Warn"), ("off", "Off")], string="Checklist Gate",
        default="block", required=True)
    checks = fields.Text("Checklist", help="One required check per line.")

    def _check_texts(self):
        self.ensure_one()
        return [t.strip() for t in (self.checks or "").splitlines() if t.strip()]
