from odoo import fields
from odoo import models

from .sfcn_settings import SETTING_DEFAULTS


class ResCompany(models.Model):
    _inherit = "res.company"

    sfcn_lead_major_revenue = fields.Float(
        string="Company-level Major Lead From Revenue", default=SETTING_DEFAULTS["sfcn_lead_major_revenue"],
        help="An important lead whose expected revenue reaches this amount is a company-level major lead "
             "(公司级重大线索): the sales managers are notified when a lead becomes one.")

    sfcn_daily_new_deal_goal = fields.Integer(
        string="Daily New First-Stage Deals", default=SETTING_DEFAULTS["sfcn_daily_new_deal_goal"],
        help="每天需要5个20%客户能出一单: new deals at the first stage each rep should open per day.")

    sfcn_renewal_days_before = fields.Integer(
        string="Renewal Notice (Days)", default=SETTING_DEFAULTS["sfcn_renewal_days_before"],
        help="A won deal's renewal opportunity is opened this many days before its contract ends.")

    sfcn_referral_target = fields.Integer(
        string="Referral Target per Customer", default=SETTING_DEFAULTS["sfcn_referral_target"],
        help="一老客户裂变三个新客户: the new customers each existing customer should bring.")

    def write(self, vals):
        before = {company: company.sfcn_lead_major_revenue for company in self} if (
            "sfcn_lead_major_revenue" in vals) else {}
        res = super().write(vals)
        changed = self.browse(c.id for c, old in before.items() if old != c.sfcn_lead_major_revenue)
        if changed:
            Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
            domain = [("lead_class", "in", ("important", "major")), ("company_id", "in", changed.ids)]
            if self.env.company in changed:
                domain = ["&", ("lead_class", "in", ("important", "major")), "|",
                          ("company_id", "in", changed.ids), ("company_id", "=", False)]
            self.env.add_to_compute(Lead._fields["lead_class"], Lead.search(domain))
        return res
