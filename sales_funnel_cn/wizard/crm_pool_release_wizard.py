from odoo import fields
from odoo import models


class CrmPoolReleaseWizard(models.TransientModel):
    _name = "crm.pool.release.wizard"
    _description = "Release Deals to the Public Pool"

    reason = fields.Text(required=True)

    def action_release(self):
        leads = self.env["crm.lead"].browse(self.env.context.get("active_ids", []))
        leads = leads._pool_release(self.reason)
        return leads._pool_done_action(self.env._(
            "Released to the public pool: %(deals)s.", deals=", ".join(leads.mapped("name"))))
