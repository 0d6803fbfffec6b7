from datetime import datetime
from datetime import time
from datetime import timedelta

import pytz

from odoo import api
from odoo import models


class CrmCallReport(models.Model):
    _inherit = "crm.call.report"

    @api.model
    def _daily_deal_progress(self, user):
        """The seed-000 coaching figure 每天需要5个20%客户能出一单, beside the daily call goals: the rep's deals
        opened today (a new deal starts at the first stage) against the daily target of new first-stage deals."""
        progress = {}
        tz = pytz.timezone(user.tz or "UTC")
        start = tz.localize(datetime.combine(datetime.now(tz).date(), time.min)).astimezone(pytz.utc)
        start = start.replace(tzinfo=None)
        company = (self.env.company if user == self.env.user else user.company_id).sudo()
        progress["today_new_deals"] = self.env["crm.lead"].sudo().search_count([
            ("user_id", "=", user.id), ("type", "=", "opportunity"), ("create_date", ">=", start),
            ("create_date", "<", start + timedelta(days=1))])
        progress["goal_new_deals"] = company.sfcn_daily_new_deal_goal
        return progress
