from odoo import fields
from odoo import models

from .sfcn_settings import sfcn_settings


class ResPartner(models.Model):
    """裂变客户 on the customer: the leads it referred, how many became customers and their won revenue, against
    the seed-002 goal 一老客户裂变三个新客户; and who referred the customer itself (the referral chain)."""

    _inherit = "res.partner"

    sfcn_referral_count = fields.Integer("Referrals", compute="_compute_sfcn_referrals")
    sfcn_referral_won_count = fields.Integer("Referred Customers Won", compute="_compute_sfcn_referrals")
    sfcn_referral_won_revenue = fields.Float("Referred Won Revenue", compute="_compute_sfcn_referrals")
    sfcn_referral_target = fields.Integer("Referral Target", compute="_compute_sfcn_referrals")
    sfcn_referral_progress = fields.Float("Referral Progress (%)", compute="_compute_sfcn_referrals")
    sfcn_referral_chain = fields.Char("Referral Chain", compute="_compute_sfcn_referral_chain",
                                      help="Who referred this customer, who referred that one, and so on.")

    def _compute_sfcn_referrals(self):
        """Counted per commercial entity (the company and its contacts together), in one grouped query. The
        counts are what the user may read: record rules apply."""
        companies = self.commercial_partner_id
        figures = {company.id: [0, 0, 0.0] for company in companies}
        if companies.ids:
            Lead = self.env["crm.lead"].with_context(active_test=False)
            domain = [("sfcn_referrer_company_id", "in", companies.ids)]
            for company, count in Lead._read_group(domain, ["sfcn_referrer_company_id"], ["__count"]):
                figures[company.id][0] = count
            for company, count, revenue in Lead._read_group(
                    [*domain, ("active", "=", True), ("probability", "=", 100)], ["sfcn_referrer_company_id"],
                    ["__count", "expected_revenue:sum"]):
                figures[company.id][1:] = [count, revenue or 0.0]
        for partner in self:
            count, won, revenue = figures.get(partner.commercial_partner_id.id, [0, 0, 0.0])
            target = sfcn_settings(self.env, partner.company_id).sfcn_referral_target
            partner.sfcn_referral_count = count
            partner.sfcn_referral_won_count = won
            partner.sfcn_referral_won_revenue = revenue
            partner.sfcn_referral_target = target
            partner.sfcn_referral_progress = min(100.0, round(100.0 * won / target, 1)) if target else 0.0

    def _compute_sfcn_referral_chain(self):
        Lead = self.env["crm.lead"].with_context(active_test=False)
        for partner in self:
            chain, seen, current = [], set(), partner.commercial_partner_id
            while current and current.id not in seen:
                seen.add(current.id)
                lead = Lead.search([("partner_id", "child_of", current.id), ("sfcn_referrer_company_id", "!=", False),
                                    ("sfcn_referrer_company_id", "!=", current.id)], order="id", limit=1)
                current = lead.sfcn_referrer_company_id
                if current:
                    chain.append(current.display_name)
            partner.sfcn_referral_chain = " ← ".join([partner.commercial_partner_id.display_name, *chain]) \
                if chain else False

    def action_sfcn_referral_leads(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Referrals"),
            "res_model": "crm.lead",
            "view_mode": "list,form",
            "domain": [("sfcn_referrer_company_id", "=", self.commercial_partner_id.id)],
            "context": {"active_test": False, "default_sfcn_referred_by_id": self.id},
        }
