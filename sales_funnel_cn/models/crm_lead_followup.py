

from odoo import api
from odoo import fields
from odoo import models

from .sfcn_dates import local_period_utc


class CrmLead(models.Model):
    _inherit = "crm.lead"

    followup_ids = fields.One2many("crm.followup", "lead_id", "Follow-ups")
    followup_count = fields.Integer("Follow-up Count", compute="_compute_followup_count")
    followed_up_this_week = fields.Boolean(
        compute="_compute_followed_up_this_week",
        search="_search_followed_up_this_week",
        help="每周至少1次跟进: the deal had a follow-up (a structured follow-up, a call or a stage change) "
             "since Monday.")

    def _compute_followup_count(self):
        counts = dict(self.env["crm.followup"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
        for lead in self:
            lead.followup_count = counts.get(lead, 0)

    @api.model
    def _week_start(self, tz_name=None):
        """This week's Monday 00:00 in the user's (or the given) time zone, as a naive UTC datetime."""
        return local_period_utc(tz_name or self.env.context.get("tz") or self.env.user.tz, "week")[0]

    @api.depends("date_last_followup")
    @api.depends_context("tz")
    def _compute_followed_up_this_week(self):
        start = self._week_start()
        for lead in self:
            lead.followed_up_this_week = bool(lead.date_last_followup and lead.date_last_followup >= start)

    def _search_followed_up_this_week(self, operator, value):
        positive = (operator == "=") == bool(value)
        start = self._week_start()
        if positive:
            return [("date_last_followup", ">=", start)]
        return ["|", ("date_last_followup", "=", False), ("date_last_followup", "<", start)]

    @api.model
    def _followup_due_domain(self, since):
        """Owned open deals not followed up since ``since`` (the weekly list and the digest)."""
        return [("type", "=", "opportunity"), ("user_id", "!=", False), ("probability", "<", 100),
                "|", ("date_last_followup", "=", False), ("date_last_followup", "<", since)]

    def action_log_followup(self):
        self.ensure_one()
        return self.env["crm.followup"]._action_new({"default_lead_id": self.id})

    def action_view_followups(self):
        self.ensure_one()
        return self.env["crm.followup"]._action_list([("lead_id", "=", self.id)], {"default_lead_id": self.id})

    @api.model
    def _cron_weekly_followup_digest(self):
        self.env["crm.followup.digest"]._send_week()
