"""识别客户: the lead score with its why, MQL with its date, the hand-off to sales (SQL) with its date and the
hours it took, and the flag of an MQL waiting too long for it. Scored by a batched cron."""
from collections import defaultdict

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from .crm_lead_scoring_rule import SIZES
from .sfcn_access import is_trusted
from .sfcn_batch import cron_sweep
from .sfcn_constants import SCORE_CURSOR_PARAM

SCORED_DOMAIN = [("active", "=", True), ("probability", "<", 100)]


class CrmLead(models.Model):
    _inherit = "crm.lead"

    sfcn_industry_id = fields.Many2one("res.partner.industry", "Industry", index="btree_not_null")
    sfcn_company_size = fields.Selection(SIZES, "Company Size")
    sfcn_score = fields.Integer("Lead Score", readonly=True, index=True, copy=False,
                                help="Sum of the points of the scoring rules the lead matches (scored hourly).")
    sfcn_score_why = fields.Text("Why This Score", readonly=True, copy=False)
    sfcn_mql_date = fields.Datetime("MQL On", readonly=True, index=True, copy=False,
                                    help="When the score reached the team's MQL threshold (营销合格线索).")
    sfcn_sql_date = fields.Datetime("SQL On", readonly=True, copy=False,
                                    help="When the MQL was handed off to a salesperson (销售合格线索).")
    sfcn_handoff_hours = fields.Float("Hand-off Time (Hours)", readonly=True, copy=False, aggregator="avg",
                                      help="Hours from MQL to hand-off.")
    sfcn_handoff_late = fields.Boolean("Waiting Too Long for Hand-off", readonly=True, index=True, copy=False)

    def write(self, vals):
        res = super().write(vals)
        if vals.get("user_id") or vals.get("type") == "opportunity":
            waiting = self.filtered(lambda lead: lead.sfcn_mql_date and not lead.sfcn_sql_date and lead.user_id)
            if waiting:
                waiting.sudo()._sfcn_hand_off()
        return res

    def _sfcn_hand_off(self):
        """Trusted code: the MQLs are handed off to their salesperson now (SQL)."""
        now = self.env.cr.now().replace(microsecond=0)
        for lead in self:
            lead.write({"sfcn_sql_date": now, "sfcn_handoff_late": False, "sfcn_handoff_hours": round(
                (now - lead.sfcn_mql_date).total_seconds() / 3600.0, 2)})

    def _sfcn_behaviour_counts(self):
        """{lead id: {criterion: count}}: calls connected, follow-ups and customer replies (incoming e-mails),
        three grouped queries for the whole batch."""
        counts = defaultdict(dict)
        ids = self.ids
        for lead, count in self.env["crm.call.log"].sudo()._read_group(
                [("lead_id", "in", ids), ("outcome_id.is_connected", "=", True)], ["lead_id"], ["__count"]):
            counts[lead.id]["calls_connected"] = count
        for lead, count in self.env["crm.followup"].sudo()._read_group(
                [("lead_id", "in", ids)], ["lead_id"], ["__count"]):
            counts[lead.id]["followups"] = count
        for res_id, count in self.env["mail.message"].sudo()._read_group(
                [("model", "=", "crm.lead"), ("res_id", "in", ids), ("message_type", "=", "email")],
                ["res_id"], ["__count"]):
            counts[res_id]["replies"] = count
        return counts

    def _sfcn_score(self):
        """Trusted code: score the leads, make MQLs of those reaching their team's threshold, flag the MQLs
        waiting longer than their team allows. Writes only what changed."""
        rules = self.env["crm.lead.scoring.rule"].sudo().search([("company_id", "in", self.company_id.ids
                                                                  + self.env.company.ids)])
        counts = self._sfcn_behaviour_counts()
        now = self.env.cr.now().replace(microsecond=0)
        for lead in self.sudo():
            company = lead.company_id or self.env.company
            matched = rules.filtered(lambda r, lead=lead, company=company: r.company_id == company and (
                not r.team_id or r.team_id == lead.team_id) and r._matches(lead, counts.get(lead.id, {})))
            score = sum(matched.mapped("points"))
            vals = {"sfcn_score": score,
                    "sfcn_score_why": "\n".join(f"{rule.name}: {rule.points:+d}" for rule in matched) or False}
            team = lead.team_id
            if not lead.sfcn_mql_date and team.sfcn_mql_threshold and score >= team.sfcn_mql_threshold:
                vals["sfcn_mql_date"] = now
                if lead.user_id:
                    vals.update(sfcn_sql_date=now, sfcn_handoff_hours=0.0)
            mql = vals.get("sfcn_mql_date") or lead.sfcn_mql_date
            sql = vals.get("sfcn_sql_date") or lead.sfcn_sql_date
            vals["sfcn_handoff_late"] = bool(mql and not sql and team.sfcn_handoff_max_hours and (
                now - mql).total_seconds() > team.sfcn_handoff_max_hours * 3600)
            changed = {fname: value for fname, value in vals.items() if lead[fname] != value}
            if changed:
                lead.write(changed)

    @api.model
    def _cron_score_leads(self, batch_size=1000):
        """Score the open leads batch by batch (``_notify_progress``), resuming from a cursor within the same
        hour; outside a cron every batch at once."""
        return cron_sweep(self, SCORED_DOMAIN, lambda leads: leads._sfcn_score(), cursor_param=SCORE_CURSOR_PARAM,
                          period=self.env.cr.now().strftime("%Y-%m-%dT%H"), batch_size=batch_size)

    def action_sfcn_score_now(self):
        """Score these leads now (sales managers; the hourly cron scores every open lead)."""
        if not is_trusted(self.env):
            raise UserError(self.env._("Only a sales manager can score leads on demand."))
        self.sudo()._sfcn_score()
        return True
