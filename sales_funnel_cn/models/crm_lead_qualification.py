from dateutil.relativedelta import relativedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from .sfcn_batch import cron_sweep
from .sfcn_constants import RECOMPUTE_CURSOR_PARAM

LEVELS = [("high", "High"), ("medium", "Medium"), ("low", "Low")]


class CrmLead(models.Model):
    _inherit = "crm.lead"

    date_project_start = fields.Date("Expected Project Start", tracking=True)
    temperature = fields.Selection(
        [("hot", "Hot"), ("warm", "Warm"), ("cold", "Cold")], compute="_compute_temperature", store=True,
        help="Hot: the project starts within 3 months; warm: within 6; cold: within 12. "
                         "Recomputed daily.")
    customer_importance = fields.Selection(LEVELS)
    solution_fit = fields.Selection(LEVELS)
    lead_class = fields.Selection(
        [("important", "Important Lead"), ("normal", "Normal Lead"), ("not_lead", "Not a Lead")],
        "Lead Grading", compute="_compute_lead_class", store=True,
        help="Important: large scale, important customer, clear timeline and high solution fit. "
             "Not a lead: low solution fit (or tiny scale) with a customer of no particular importance.")

    @api.depends("date_project_start")
    def _compute_temperature(self):
        today = fields.Date.context_today(self)
        for lead in self:
            start = lead.date_project_start
            if not start or start > today + relativedelta(months=12):
                lead.temperature = False
            elif start <= today + relativedelta(months=3):
                lead.temperature = "hot"
            elif start <= today + relativedelta(months=6):
                lead.temperature = "warm"
            else:
                lead.temperature = "cold"

    def _lead_class_thresholds(self):
        """(important lead from, minimum lead revenue) of the deal's company."""
        company = self._sfcn_company()
        return company.sfcn_lead_important_revenue, company.sfcn_lead_min_revenue

    @api.depends("expected_revenue", "customer_importance", "solution_fit", "temperature", "company_id")
    def _compute_lead_class(self):
        for lead in self:
            important, minimum = lead._lead_class_thresholds()
            if not lead.solution_fit:
                lead.lead_class = False
            elif lead.customer_importance != "high" and (
                    lead.solution_fit == "low" or lead.expected_revenue < minimum):
                lead.lead_class = "not_lead"
            elif (lead.expected_revenue >= important and lead.customer_importance == "high"
                  and lead.temperature and lead.solution_fit == "high"):
                lead.lead_class = "important"
            else:
                lead.lead_class = "normal"

    def action_discard_not_lead(self):
        """One click: mark a 'not a lead' lost with the 'Not a lead' reason."""
        if any(lead.lead_class != "not_lead" for lead in self):
            raise UserError(self.env._("Only leads graded 'Not a Lead' can be discarded this way."))
        reason = self.env.ref("sales_funnel_cn.lost_reason_not_lead")
        self.action_set_lost(lost_reason_id=reason.id)
        for lead in self:
            lead.message_post(body=self.env._("Discarded as not a lead: %(reason)s", reason=reason.name),
                              message_type="notification")
        return True

    @api.model
    def _cron_recompute_date_dependent(self, batch_size=1000):
        """Temperature and grade depend on today: recompute them on dated deals, batch by batch.

        Run by ir.cron (``ir_cron_progress_id`` in the context), each call handles ONE batch, stores
        where it stopped in ``sales_funnel_cn.recompute_cursor`` (``<date>:<last id>``) and reports
        ``_notify_progress(done=..., remaining=...)``: the cron runner commits after every call and calls
        again while records remain, and a run interrupted by a crash or a timeout resumes from the
        cursor the same day (a new day, or a run after a finished sweep, starts over).
        Called outside a cron (settings), it does all batches at once."""
        domain = ["|", "|", ("date_project_start", "!=", False), ("date_decision", "!=", False),
                  ("date_deadline", "!=", False)]
        return cron_sweep(self, domain, lambda leads: leads._recompute_date_dependent(),
                          cursor_param=RECOMPUTE_CURSOR_PARAM,
                          period=fields.Date.to_string(fields.Date.context_today(self)), batch_size=batch_size,
                          cron_xmlid="sales_funnel_cn.ir_cron_recompute_date_dependent")
