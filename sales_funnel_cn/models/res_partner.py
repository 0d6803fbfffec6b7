from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_log_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "crm.call.log.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }
