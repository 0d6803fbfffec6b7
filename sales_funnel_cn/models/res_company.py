from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError

from .sfcn_settings import SETTING_DEFAULTS

# the module's settings, one value per company (Settings edits the current company's)
GRADE_DAYS_FIELDS = {"A": "sfcn_grade_a_decision_days", "B": "sfcn_grade_b_decision_days",
                     "C": "sfcn_grade_c_decision_days"}
LEAD_REVENUE_FIELDS = ["sfcn_lead_important_revenue", "sfcn_lead_min_revenue"]


class ResCompany(models.Model):
    _inherit = "res.company"

    sfcn_default_stage_max_days = fields.Integer(
        string="Default Days Before Stale", default=SETTING_DEFAULTS["sfcn_default_stage_max_days"],
        help="A deal that stays longer than this in a stage without its own limit is considered stale.")
    sfcn_default_funnel_template_id = fields.Many2one(
        "crm.funnel.template", string="Funnel Template for New Teams",
        help="A new sales team runs this funnel template (its stages are created with the team). Each team's "
             "template is chosen on the team form.")
    sfcn_call_daily_goal = fields.Integer(
        string="Daily Call Goal", default=SETTING_DEFAULTS["sfcn_call_daily_goal"],
        help="Calls each rep should log per day; the call dialog shows the rep's progress.")
    sfcn_call_daily_conversion_goal = fields.Integer(
        string="Daily Conversion Goal", default=SETTING_DEFAULTS["sfcn_call_daily_conversion_goal"],
        help="New potential (D) or target (C) customers each rep should win per day by phone.")
    sfcn_grade_a_decision_days = fields.Integer(
        string="Grade A: Decision Within (days)", default=SETTING_DEFAULTS["sfcn_grade_a_decision_days"])
    sfcn_grade_b_decision_days = fields.Integer(
        string="Grade B: Decision Within (days)", default=SETTING_DEFAULTS["sfcn_grade_b_decision_days"])
    sfcn_grade_c_decision_days = fields.Integer(
        string="Grade C: Decision Within (days)", default=SETTING_DEFAULTS["sfcn_grade_c_decision_days"])
    sfcn_lead_important_revenue = fields.Float(
        string="Important Lead From Revenue", default=SETTING_DEFAULTS["sfcn_lead_important_revenue"])
    sfcn_lead_min_revenue = fields.Float(
        string="Minimum Lead Revenue", default=SETTING_DEFAULTS["sfcn_lead_min_revenue"])
    sfcn_followup_clock = fields.Selection(
        [("followup", "Structured follow-ups only"),
         ("followup_call", "Structured follow-ups and calls"),
         ("all", "Follow-ups, calls, notes, messages and activities done")],
        string="What Resets the Pool's Clock", default=SETTING_DEFAULTS["sfcn_followup_clock"], required=True,
        help="Which records count as a follow-up for the public pool's reclaim rule (a stage change always does).")
    sfcn_checkin_max_km = fields.Float(
        string="Check-in Distance Limit (km)", default=SETTING_DEFAULTS["sfcn_checkin_max_km"],
        help="A visit checked in farther than this from the customer's coordinates is flagged.")
    sfcn_export_background_threshold = fields.Integer(
        string="Background Export From (deals)", default=SETTING_DEFAULTS["sfcn_export_background_threshold"],
        help="An Excel funnel export covering more deals than this is built in the background: the requester "
             "follows its progress and is notified when the file is ready (0: always in the background).")
    sfcn_export_keep_days = fields.Integer(
        string="Keep Exported Files (days)", default=SETTING_DEFAULTS["sfcn_export_keep_days"],
        help="Files of background exports are deleted after this many days.")

    @api.constrains("sfcn_export_background_threshold", "sfcn_export_keep_days")
    def _check_export_settings(self):
        for company in self:
            if company.sfcn_export_background_threshold < 0:
                raise ValidationError(self.env._("The background export threshold cannot be negative."))
            if company.sfcn_export_keep_days < 1:
                raise ValidationError(self.env._("Exported files must be kept at least one day."))

    def write(self, vals):
        """Stored figures of the deals that read a changed setting follow it, whatever path changed it
        (Settings, the company form, RPC)."""
        watched = list(GRADE_DAYS_FIELDS.values()) + LEAD_REVENUE_FIELDS
        before = {company: [company[name] for name in watched] for company in self} if (
            set(vals) & set(watched)) else {}
        res = super().write(vals)
        changed = [company for company, values in before.items()
                   if values != [company[name] for name in watched]]
        days_changed = self.browse(c.id for c in changed if before[c][:3] != [c[n] for n in watched[:3]])
        revenue_changed = self.browse(c.id for c in changed if before[c][3:] != [c[n] for n in watched[3:]])
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        if days_changed:
            # only dated deals can reach C or better, so only they depend on the decision windows
            Lead._cron_recompute_date_dependent()
        if revenue_changed:
            domain = [("solution_fit", "!=", False), ("company_id", "in", revenue_changed.ids)]
            if self.env.company in revenue_changed:
                domain = ["&", ("solution_fit", "!=", False), "|", ("company_id", "in", revenue_changed.ids),
                          ("company_id", "=", False)]
            self.env.add_to_compute(Lead._fields["lead_class"], Lead.search(domain))
        return res
