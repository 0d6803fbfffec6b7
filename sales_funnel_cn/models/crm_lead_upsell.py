"""转化客户 · 增购 (upsell, "基于已有的产品继续购买其他产品"): once a won deal has gone through the after-sale step its
company chose (delivery by default), an upsell opportunity is opened the configured number of days after that
step was done (daily cron; one per deal)."""
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    sfcn_upsell_lead_id = fields.Many2one("crm.lead", "Upsell Opportunity", readonly=True, copy=False,
                                          index="btree_not_null")
    sfcn_upsell_of_id = fields.Many2one("crm.lead", "Upsell Of", readonly=True, copy=False,
                                        index="btree_not_null")

    @api.model
    def _cron_create_upsells(self):
        """Open the upsell opportunity of every won deal whose company's upsell step was done at least the
        company's upsell delay ago (each company's own step and delay; 0 days: no upsell opportunities)."""
        today = fields.Date.context_today(self)
        chosen = set(self.env["res.company"].sudo().search([("sfcn_upsell_days_after", ">", 0)]).mapped(
            "sfcn_upsell_after_step"))
        if not chosen:
            return True
        steps = self.env["crm.lead.aftersale"].sudo().search([
            ("step", "in", list(chosen)), ("done", "=", True), ("lead_id.sfcn_upsell_lead_id", "=", False),
            ("lead_id.active", "=", True), ("lead_id.probability", "=", 100)], order="lead_id, id")
        for step in steps:
            deal = step.lead_id
            company = deal._sfcn_company()
            if not company.sfcn_upsell_days_after or step.step != company.sfcn_upsell_after_step \
                    or deal.sfcn_upsell_lead_id:
                continue
            done_on = fields.Date.context_today(self, step.date_done)
            if done_on + timedelta(days=company.sfcn_upsell_days_after) > today:
                continue
            labels = dict(step._fields["step"]._description_selection(self.env))
            deal._sfcn_open_follow_on(
                {"name": self.env._("Upsell: %(deal)s", deal=deal.name), "sfcn_upsell_of_id": deal.id},
                "sfcn_upsell_lead_id",
                self.env._("Upsell opportunity of %(deal)s: its step “%(step)s” was done on %(date)s.",
                           deal=deal.name, step=labels[step.step], date=done_on))
        return True
