from odoo import api
from odoo import fields
from odoo import models

REFERRAL_CHANNEL = "sales_funnel_cn.utm_medium_referral"


class CrmLead(models.Model):
    """裂变客户: the customer or contact who referred the lead. A referred lead created without a channel comes
    through the referral channel (客户推荐), so referrals are their own channel in the metrics."""

    _inherit = "crm.lead"

    sfcn_referred_by_id = fields.Many2one(
        "res.partner", "Referred by Customer", index="btree_not_null", tracking=True,
        help="The existing customer (or one of its contacts) who introduced this lead (转介绍).")
    sfcn_referrer_company_id = fields.Many2one(
        "res.partner", "Referring Customer", compute="_compute_sfcn_referrer_company_id", store=True,
        index="btree_not_null")

    @api.depends("sfcn_referred_by_id", "sfcn_referred_by_id.commercial_partner_id")
    def _compute_sfcn_referrer_company_id(self):
        for lead in self:
            lead.sfcn_referrer_company_id = lead.sfcn_referred_by_id.commercial_partner_id

    @api.model
    def default_get(self, fields_list):
        """A lead opened from a customer's referrals (``default_sfcn_referred_by_id``) comes through the
        referral channel, not the default one."""
        result = super().default_get(fields_list)
        if result.get("sfcn_referred_by_id") and "medium_id" in fields_list \
                and "default_medium_id" not in self.env.context:
            referral = self.env.ref(REFERRAL_CHANNEL, raise_if_not_found=False)
            if referral:
                result["medium_id"] = referral.id
        return result

    @api.onchange("sfcn_referred_by_id")
    def _onchange_sfcn_referred_by_id(self):
        """Picking the referring customer on a lead still on the default channel moves it to the referral one."""
        if self.sfcn_referred_by_id and self.medium_id == self._sfcn_default_channel():
            self.medium_id = self.env.ref(REFERRAL_CHANNEL, raise_if_not_found=False) or self.medium_id

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("sfcn_referred_by_id") and not vals.get("medium_id") for vals in vals_list):
            referral = self.env.ref(REFERRAL_CHANNEL, raise_if_not_found=False)
            if referral:
                vals_list = [dict(vals, medium_id=referral.id)
                             if vals.get("sfcn_referred_by_id") and not vals.get("medium_id") else vals
                             for vals in vals_list]
        return super().create(vals_list)
