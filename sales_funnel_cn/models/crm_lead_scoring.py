"""识别客户: the lead score with its why, MQL with its date, the hand-off to sales (SQL) with its date and the
hours it took, and the flag of an MQL waiting too long for it. Scored by a batched cron."""
from collections import defaultdict

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from .crm_lead_scoring_rule import SIZES
from .crm_lead_scoring_rule import size_of
from .sfcn_access import is_trusted
from .sfcn_batch import cron_sweep
from .sfcn_constants import SCORE_CURSOR_PARAM

SCORED_DOMAIN = [("active", "=", True), ("probability", "<", 100)]
SCORE_FIELDS = ("sfcn_score", "sfcn_score_why", "sfcn_mql_date", "sfcn_sql_date", "sfcn_handoff_late")


class CrmLead(models.Model):
    _inherit = "crm.lead"

    sfcn_industry_id = fields.Many2one("res.partner.industry", "Industry", index="btree_not_null")
    sfcn_company_size = fields.Selection(SIZES, "Company Size")
    sfcn_score = fields.Integer("Lead Score", readonly=True, copy=False,
                                help="Sum of the points of the scoring rules the lead matches (scored hourly).")
    sfcn_score_why = fields.Text("Why This Score", readonly=True, copy=False)
    sfcn_mql_date = fields.Datetime("MQL On", readonly=True, index="btree_not_null", copy=False,
                                    help="When the score reached the team's MQL threshold (营销合格线索).")
    sfcn_sql_date = fields.Datetime("SQL On", readonly=True, copy=False,
                                    help="When the MQL was handed off to a salesperson (销售合格线索).")
    sfcn_handoff_hours = fields.Float("Hand-off Time (Hours)", readonly=True, copy=False, aggregator="avg",
                                      help="Hours from MQL to hand-off.")
    sfcn_handoff_late = fields.Boolean("Waiting Too Long for Hand-off", readonly=True, copy=False)

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

    def _sfcn_score_facts(self):
        """{lead id: facts} of what scoring reads: company, team, owner, current score fields, and the profile
        the rules match (``_sfcn_matcher``: industry, size bucket, province, country, the lead's own else its
        customer's). One query for the batch: crm_lead and res_partner are wide tables, and reading these
        through the ORM, lead by lead, costs more than the score write itself (bench/bench_scoring.py)."""
        self.env["crm.lead"].flush_model(["company_id", "team_id", "user_id", "partner_id", "sfcn_industry_id",
                                          "sfcn_company_size", "state_id", "country_id", *SCORE_FIELDS])
        self.env["res.partner"].flush_model(["commercial_partner_id", "industry_id", "sfcn_employee_count",
                                             "state_id", "country_id"])
        self.env.cr.execute("""
            SELECT l.id, l.company_id, l.team_id, l.user_id IS NOT NULL,
                   COALESCE(l.sfcn_industry_id, c.industry_id), l.sfcn_company_size, c.sfcn_employee_count,
                   COALESCE(l.state_id, c.state_id), COALESCE(l.country_id, c.country_id),
                   l.sfcn_score, l.sfcn_score_why, l.sfcn_mql_date, l.sfcn_sql_date, l.sfcn_handoff_late
              FROM crm_lead l
         LEFT JOIN res_partner p ON p.id = l.partner_id
         LEFT JOIN res_partner c ON c.id = p.commercial_partner_id
             WHERE l.id = ANY(%s)""", [self.ids])
        return {lead_id: {
            "company": company_id, "team": team_id, "owned": owned,
            "profile": {"industry": industry_id, "size": size or size_of(employees), "state": state_id,
                        "country": country_id},
            "current": {"sfcn_score": score or 0, "sfcn_score_why": why or False, "sfcn_mql_date": mql or False,
                        "sfcn_sql_date": sql or False, "sfcn_handoff_late": bool(late)},
        } for lead_id, company_id, team_id, owned, industry_id, size, employees, state_id, country_id,
            score, why, mql, sql, late in self.env.cr.fetchall()}

    def _sfcn_score(self):
        """Trusted code: score the leads, make MQLs of those reaching their team's threshold, flag the MQLs
        waiting longer than their team allows. Writes only what changed, one write per distinct change."""
        leads = self.sudo()
        facts = leads._sfcn_score_facts()
        default_company = self.env.company.id
        rules = self.env["crm.lead.scoring.rule"].sudo().search([("company_id", "in", list(
            {fact["company"] or default_company for fact in facts.values()}))])
        matchers = [(rule.company_id.id, rule.team_id.id, rule.name, rule.points, rule._sfcn_matcher())
                    for rule in rules]
        teams = {team.id: (team.sfcn_mql_threshold, team.sfcn_handoff_max_hours)
                 for team in self.env["crm.team"].sudo().browse({f["team"] for f in facts.values()} - {None})}
        counts = leads._sfcn_behaviour_counts()
        now = self.env.cr.now().replace(microsecond=0)
        to_write = defaultdict(list)
        for lead_id, fact in facts.items():
            company_id, team_id, current = fact["company"] or default_company, fact["team"] or False, fact["current"]
            profile, lead_counts = fact["profile"], counts.get(lead_id, {})
            matched = [(name, points) for rule_company, rule_team, name, points, test in matchers
                       if rule_company == company_id and rule_team in (False, team_id)
                       and test(profile, lead_counts)]
            score = sum(points for __, points in matched)
            vals = {"sfcn_score": score,
                    "sfcn_score_why": "\n".join(f"{name}: {points:+d}" for name, points in matched) or False}
            threshold, max_hours = teams.get(team_id, (0, 0))
            if not current["sfcn_mql_date"] and threshold and score >= threshold:
                vals["sfcn_mql_date"] = now
                if fact["owned"]:
                    vals.update(sfcn_sql_date=now, sfcn_handoff_hours=0.0)
            mql = vals.get("sfcn_mql_date") or current["sfcn_mql_date"]
            sql = vals.get("sfcn_sql_date") or current["sfcn_sql_date"]
            vals["sfcn_handoff_late"] = bool(mql and not sql and max_hours and (
                now - mql).total_seconds() > max_hours * 3600)
            changed = tuple((fname, value) for fname, value in vals.items() if current.get(fname) != value)
            if changed:
                to_write[changed].append(lead_id)
        # leads matching the same rules share score and why: one write for all of them
        for changed, ids in to_write.items():
            leads.browse(ids).write(dict(changed))

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
