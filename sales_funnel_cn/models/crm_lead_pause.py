"""Pause (暂缓) and stale deals: a paused deal is not stale; the stale cron alerts the rep and the team leader
once per stage stay."""

from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from .sfcn_settings import sfcn_settings


class CrmLead(models.Model):
    _inherit = "crm.lead"

    pause_until = fields.Date("Paused Until (暂缓)", copy=False, tracking=True)
    pause_reason = fields.Char(copy=False, tracking=True)
    is_paused = fields.Boolean("Paused", compute="_compute_is_paused", search="_search_is_paused")
    is_stale = fields.Boolean("Stale", compute="_compute_is_stale", search="_search_is_stale",
                              help="Open deal in its stage longer than the stage's maximum days.")
    stale_alert_date = fields.Datetime("Stale Alert Sent", copy=False, readonly=True)

    @api.constrains("pause_until", "pause_reason")
    def _check_pause_reason(self):
        if any(lead.pause_until and not (lead.pause_reason or "").strip() for lead in self):
            raise ValidationError(self.env._("A paused deal (暂缓) needs a pause reason."))

    @api.depends("pause_until")
    def _compute_is_paused(self):
        today = fields.Date.context_today(self)
        for lead in self:
            lead.is_paused = bool(lead.pause_until and lead.pause_until >= today)

    def _search_is_paused(self, operator, value):
        positive = (operator == "=") == bool(value)
        today = fields.Date.context_today(self)
        if positive:
            return [("pause_until", ">=", today)]
        return ["|", ("pause_until", "=", False), ("pause_until", "<", today)]

    @api.depends("stage_id.max_days", "date_last_stage_update", "pause_until", "active", "stage_id.is_won",
                 "company_id.sfcn_default_stage_max_days")
    def _compute_is_stale(self):
        now = fields.Datetime.now()
        for lead in self:
            # a stage without its own limit: the deal's company's default (Default Days Before Stale)
            limit = lead.stage_id.max_days or lead._sfcn_company().sfcn_default_stage_max_days
            lead.is_stale = bool(
                limit and lead.active and lead.type == "opportunity" and lead.stage_id
                and not lead.stage_id.is_won and not lead.is_paused and lead.date_last_stage_update
                and lead.date_last_stage_update < now - timedelta(days=limit))

    def _search_is_stale(self, operator, value):
        """Stale: open opportunity, not paused, in a non-won stage longer than the stage's max days
        (or, when the stage has none, the default of the deal's company, of the current one without)."""
        now = fields.Datetime.now()
        stages = self.env["crm.stage"].with_context(active_test=False).search([("is_won", "=", False)])
        by_limit = {}
        for stage in stages.filtered("max_days"):
            by_limit.setdefault(stage.max_days, []).append(stage.id)
        clauses = [[("stage_id", "in", ids), ("date_last_stage_update", "<", now - timedelta(days=limit))]
                   for limit, ids in by_limit.items()]
        no_limit = stages.filtered(lambda stage: not stage.max_days).ids
        if no_limit:
            companies_by_default = self.env["res.company"].sudo().with_context(active_test=False)._read_group(
                [("sfcn_default_stage_max_days", ">", 0)], ["sfcn_default_stage_max_days"], ["id:array_agg"])
            current = sfcn_settings(self.env).sfcn_default_stage_max_days
            for limit, company_ids in companies_by_default:
                of_company = [("company_id", "in", company_ids)]
                if limit == current:
                    of_company = expression.OR([of_company, [("company_id", "=", False)]])
                clauses.append(expression.AND([
                    [("stage_id", "in", no_limit), ("date_last_stage_update", "<", now - timedelta(days=limit))],
                    of_company]))
        stale = expression.OR(clauses) if clauses else [("id", "=", 0)]
        domain = expression.AND([
            [("type", "=", "opportunity"), ("active", "=", True)], self._search_is_paused("=", False), stale])
        positive = (operator == "=") == bool(value)
        if positive:
            return domain
        return [("id", "not in", self.with_context(active_test=False)._search(domain))]

    @api.model
    def _cron_stale_deals(self):
        """One activity for the rep and one notification for the team leader per stale deal and stage stay."""
        leads = self.search([("is_stale", "=", True)])
        leads = leads.filtered(lambda lead: not lead.stale_alert_date
                               or lead.stale_alert_date < lead.date_last_stage_update)
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for lead in leads:
            if lead.user_id:
                lead.activity_schedule(
                    activity_type_id=todo.id if todo else False, summary=lead._sfcn_stale_summary(lead.user_id),
                    user_id=lead.user_id.id)
            leader = lead.team_id.user_id
            if leader:
                summary = lead._sfcn_stale_summary(leader)
                lead.message_notify(partner_ids=leader.partner_id.ids, body=summary, subject=summary)
        leads.write({"stale_alert_date": fields.Datetime.now()})
        return leads

    def _sfcn_stale_summary(self, recipient):
        """The stale-deal text in the recipient's language (a cron runs in no user's language)."""
        self.ensure_one()
        lead = self.with_context(lang=recipient.lang or self.env.lang)
        return lead.env._("Stale deal: %(days)s days in %(stage)s",
                          days=lead.days_in_stage, stage=lead.stage_id.name)
