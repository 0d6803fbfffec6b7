

from odoo import api
from odoo import models

from ..models.sfcn_dates import local_period_utc
from ..models.sfcn_settings import sfcn_settings


class CrmCallReport(models.Model):
    _inherit = "crm.call.report"

    @api.model
    def _daily_deal_progress(self, user):
        """The seed-000 coaching figure 每天需要5个20%客户能出一单, beside the daily call goals: the rep's deals
        opened today (a new deal starts at the first stage) against the daily target of new first-stage deals."""
        progress = {}
        start, end = local_period_utc(user.tz)
        company = sfcn_settings(self.env, None if user == self.env.user else user.company_id)
        progress["today_new_deals"] = self.env["crm.lead"].sudo().search_count([
            ("user_id", "=", user.id), ("type", "=", "opportunity"), ("create_date", ">=", start),
            ("create_date", "<", end)])
        progress["goal_new_deals"] = company.sfcn_daily_new_deal_goal
        return progress
