from collections import namedtuple

from odoo import api
from odoo import fields
from odoo import models
from odoo import tools

# what the gate reads of an item (the stage's settings are in its StageEntry; the checklist rows a move writes
# take the item's settings from the database, crm_lead_stage_history.py)
CheckEntry = namedtuple("CheckEntry", "check_id stage_id required")


class CrmStageCheck(models.Model):
    _name = "crm.stage.check"
    _description = "Stage Qualifying Check"
    _order = "stage_id, sequence, id"

    stage_id = fields.Many2one("crm.stage", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("Check", required=True, translate=True)
    help_text = fields.Text("Help", translate=True)
    required = fields.Boolean(default=True)
    active = fields.Boolean(default=True)

    @api.model
    @tools.ormcache()
    def _sfcn_check_map(self):
        """All active checklist items with what the stage gate needs of their stage (cached; cleared when
        checks or stages change), so a stage write reads no stage or checklist configuration."""
        checks = self.sudo().search([("stage_id", "!=", False)])
        return tuple(CheckEntry(c.id, c.stage_id.id, c.required) for c in checks)

    @api.model_create_multi
    def create(self, vals_list):
        checks = super().create(vals_list)
        self.env.registry.clear_cache()
        return checks

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
