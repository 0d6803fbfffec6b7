from datetime import timedelta

from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestJourneyScoring(SalesFunnelCommon):
    """识别客户: scoring rules, the score and its why, MQL at the team's threshold, hand-off (SQL) with the hours
    it took, the flag of an MQL waiting too long, and the batched cron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.write({"sfcn_mql_threshold": 50, "sfcn_handoff_max_hours": 24})
        cls.industry = cls.env["res.partner.industry"].create({"name": "制造业 SFCN"})
        cls.jiangsu = cls.env["res.country.state"].create({
            "name": "江苏 SFCN", "code": "SFJS", "country_id": cls.env.ref("base.cn").id})
        Rule = cls.env["crm.lead.scoring.rule"]
        Rule.search([]).active = False  # the demo rules: this class has its own
        cls.rules = Rule.create([
            {"name": "制造业", "criterion": "industry", "industry_ids": [(6, 0, cls.industry.ids)], "points": 20},
            {"name": "中型企业", "criterion": "size", "size": "200_999", "points": 10},
            {"name": "江苏", "criterion": "region", "state_ids": [(6, 0, cls.jiangsu.ids)], "points": 10},
            {"name": "接通两次", "criterion": "calls_connected", "minimum": 2, "points": 15},
            {"name": "客户回复", "criterion": "replies", "minimum": 1, "points": 5},
            {"name": "Other team only", "criterion": "size", "size": "200_999", "points": 100,
             "team_id": cls.env["crm.team"].create({"name": "Other team"}).id},
        ])
        cls.outcome = cls.env.ref("sales_funnel_cn.call_outcome_d")  # connected, potential customer

    def _lead(self, **vals):
        return self.env["crm.lead"].create({
            "name": "江苏制造业线索", "type": "lead", "team_id": self.team.id, "phone": "13900001111",
            "sfcn_industry_id": self.industry.id, "sfcn_company_size": "200_999",
            "state_id": self.jiangsu.id, "country_id": self.jiangsu.country_id.id, **vals})

    def _call(self, lead):
        self.env["crm.call.log"].create({"lead_id": lead.id, "outcome_id": self.outcome.id, "phone": lead.phone,
                                         "purpose": "确认需求", "user_id": self.rep.id})

    def test_score_why_mql_handoff(self):
        lead = self._lead(user_id=False)
        lead._sfcn_score()
        self.assertEqual(lead.sfcn_score, 40)
        self.assertEqual(lead.sfcn_score_why, "制造业: +20\n中型企业: +10\n江苏: +10")
        self.assertFalse(lead.sfcn_mql_date)
        self._call(lead)
        lead._sfcn_score()
        self.assertEqual(lead.sfcn_score, 40, "one connected call is not two")
        self._call(lead)
        lead.message_post(body="我们有兴趣", message_type="email", author_id=self.customer.id)
        lead._sfcn_score()
        self.assertEqual(lead.sfcn_score, 60)
        self.assertIn("接通两次: +15", lead.sfcn_score_why)
        self.assertIn("客户回复: +5", lead.sfcn_score_why)
        self.assertTrue(lead.sfcn_mql_date)
        self.assertFalse(lead.sfcn_sql_date)
        # 30 hours without hand-off: flagged by the next scoring
        lead.sudo().write({"sfcn_mql_date": lead.sfcn_mql_date - timedelta(hours=30)})
        lead._sfcn_score()
        self.assertTrue(lead.sfcn_handoff_late)
        self.assertIn(lead, self.env["crm.lead"].search([("sfcn_handoff_late", "=", True)]))
        # handed off to a rep: SQL, the hours it took, no longer late
        lead.with_user(self.manager).write({"user_id": self.rep.id})
        self.assertTrue(lead.sfcn_sql_date)
        self.assertAlmostEqual(lead.sfcn_handoff_hours, 30, delta=0.1)
        self.assertFalse(lead.sfcn_handoff_late)

    def test_assigned_lead_is_handed_off_when_it_qualifies(self):
        lead = self._lead(user_id=self.rep.id)
        self._call(lead)
        self._call(lead)
        lead._sfcn_score()
        self.assertEqual(lead.sfcn_score, 55)
        self.assertEqual(lead.sfcn_sql_date, lead.sfcn_mql_date)
        self.assertEqual(lead.sfcn_handoff_hours, 0)

    def test_rep_cannot_write_the_score(self):
        lead = self._lead(user_id=self.rep.id)
        for vals in ({"sfcn_score": 99}, {"sfcn_mql_date": "2026-01-01 00:00:00"}, {"sfcn_handoff_late": True}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "maintained by the system"):
                lead.with_user(self.rep).write(vals)
        with self.assertRaisesRegex(UserError, "sales manager"):
            lead.with_user(self.rep).action_sfcn_score_now()
        lead.with_user(self.manager).action_sfcn_score_now()
        self.assertEqual(lead.sfcn_score, 40)

    def test_profile_of_the_customer_counts(self):
        """Without its own profile, the lead is scored on its customer's (industry, head count, province)."""
        self.customer.write({"industry_id": self.industry.id, "sfcn_employee_count": 350,
                             "state_id": self.jiangsu.id})
        lead = self.env["crm.lead"].create({"name": "老客户新需求", "type": "lead", "team_id": self.team.id,
                                            "partner_id": self.customer.id, "user_id": False})
        lead.write({"state_id": False, "country_id": False})
        lead._sfcn_score()
        self.assertEqual(lead.sfcn_score, 40)
        self.customer.sfcn_employee_count = 1200
        lead._sfcn_score()
        self.assertEqual(lead.sfcn_score, 30)

    def test_rule_needs_what_it_matches(self):
        with self.assertRaises(ValidationError):
            self.env["crm.lead.scoring.rule"].create({"name": "Empty", "criterion": "industry", "points": 1})

    def test_batched_cron(self):
        leads = self._lead() | self._lead() | self._lead()
        cron = self.env.ref("sales_funnel_cn.ir_cron_score_leads")
        Lead = self.env["crm.lead"].with_context(cron_id=cron.id)
        open_count = Lead.search_count([("active", "=", True), ("probability", "<", 100)])
        calls, done = 0, 0
        while True:
            progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "done": 0, "remaining": 0})
            Lead.with_context(ir_cron_progress_id=progress.id)._cron_score_leads(batch_size=max(1, open_count // 3))
            calls += 1
            done += progress.done
            if not progress.remaining:
                break
            self.assertLess(calls, 10)
        self.assertGreaterEqual(calls, 3)
        self.assertEqual(done, open_count)
        self.assertEqual(leads.mapped("sfcn_score"), [40, 40, 40])
