from odoo import models


class CrmLead2OpportunityPartner(models.TransientModel):
    _inherit = "crm.lead2opportunity.partner"

    def action_apply(self):
        """Converting or merging pooled deals for oneself claims them first, under the pool's claim rules
        (membership, caps, cool-down, claim delay); crm then converts and merges as in core. Giving pooled deals
        to someone else stays with managers and pool administrators (the write path refuses it)."""
        if self.name == "merge":
            leads = self.duplicated_lead_ids
        else:
            leads = self.env["crm.lead"].browse(self.env.context.get("active_ids", []))
        pooled = leads.sudo().filtered(lambda lead: lead.pool_id and not lead.user_id and lead.active)
        if pooled and self.user_id == self.env.user and not self.env.user._sfcn_is_sales_manager():
            pooled.with_env(self.env)._pool_take(self.env.user, mode="claim")
        return super().action_apply()
