"""转化客户 after the win: a won deal gets its after-sale checklist, and a renewal opportunity is opened a
configurable number of days before its contract ends (daily cron); the upsell one is in crm_lead_upsell.py."""
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models

from .crm_lead_aftersale import STEPS


class CrmLead(models.Model):
    _inherit = "crm.lead"

    aftersale_ids = fields.One2many("crm.lead.aftersale", "lead_id", "After-sale Steps")
    sfcn_contract_end = fields.Date("Contract End", tracking=True,
                                    help="A renewal opportunity is opened the configured days before this date.")
    sfcn_renewal_lead_id = fields.Many2one("crm.lead", "Renewal Opportunity", readonly=True, copy=False,
                                           index="btree_not_null")
    sfcn_renewal_of_id = fields.Many2one("crm.lead", "Renewal Of", readonly=True, copy=False,
                                         index="btree_not_null")

    def write(self, vals):
        res = super().write(vals)
        if {"stage_id", "probability", "active"} & vals.keys():
            # won = at a won stage, or given 100 %; reading the probability here would compute Odoo's pending
            # predicted probability out of its turn (and change what crm keeps as a manual probability)
            won = self.filtered(lambda lead: lead.active and (lead.stage_id.is_won or vals.get("probability") == 100)
                                and not lead.aftersale_ids)
            if won:
                won.sudo()._sfcn_create_aftersale()
        return res

    def _sfcn_create_aftersale(self):
        """Trusted code: the after-sale checklist of won deals (once per deal)."""
        self.env["crm.lead.aftersale"].sudo().create([
            {"lead_id": lead.id, "step": step, "sequence": index}
            for lead in self for index, (step, _label) in enumerate(STEPS)])

    @api.model
    def _cron_create_renewals(self):
        """Open the renewal opportunity of every won deal whose contract ends within its company's renewal
        notice (one per deal, linked both ways)."""
        today = fields.Date.context_today(self)
        deals = self.sudo().search([("sfcn_contract_end", "!=", False), ("sfcn_renewal_lead_id", "=", False),
                                    ("probability", "=", 100), ("active", "=", True)])
        for deal in deals:
            days = deal._sfcn_company().sfcn_renewal_days_before
            if deal.sfcn_contract_end - timedelta(days=days) > today:
                continue
            deal._sfcn_open_follow_on(
                {"name": self.env._("Renewal: %(deal)s", deal=deal.name),
                 "expected_revenue": deal.expected_revenue, "date_deadline": deal.sfcn_contract_end,
                 "sfcn_renewal_of_id": deal.id}, "sfcn_renewal_lead_id",
                self.env._("Renewal of %(deal)s, whose contract ends on %(date)s.", deal=deal.name,
                           date=deal.sfcn_contract_end))
        return True

    def _sfcn_open_follow_on(self, vals, link_field, message):
        """Trusted code: open a follow-on opportunity of this won deal (renewal, upsell) for the same customer,
        team, salesperson, company and channel, link the deal to it through ``link_field`` and say why in its
        chatter."""
        self.ensure_one()
        opportunity = self.sudo().create({
            "type": "opportunity", "partner_id": self.partner_id.id, "team_id": self.team_id.id,
            "user_id": self.user_id.id, "company_id": self.company_id.id, "medium_id": self.medium_id.id,
            "campaign_id": self.campaign_id.id, **vals})
        self.sudo().write({link_field: opportunity.id})
        opportunity.message_post(body=message, message_type="notification")
        return opportunity
