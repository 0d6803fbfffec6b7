from odoo import fields
from odoo import models


class CrmStageCheck(models.Model):
    _name = "crm.stage.check"
    _description = "Stage Qualifying Check"
    _order = "stage_id, sequence, id"

    stage_id = fields.Many2one("crm.stage", string="Stage", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("Check", required=True)
    help_text = fields.Text("Help")
    required = fields.Boolean(default=True)
    active = fields.Boolean(default=True)
