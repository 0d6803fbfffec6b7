from odoo import fields
from odoo import models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    funnel_template_id = fields.Many2one("crm.funnel.template")

    def action_apply_funnel_template(self):
        for team in self:
            team.funnel_template_id.action_apply(team)
        return True
