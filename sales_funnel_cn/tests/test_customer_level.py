from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestCustomerLevel(SalesFunnelCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.partner"].create({"name": "常州层次测试有限公司", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "李工", "parent_id": cls.company.id})
        cls.open_stages = cls.stages.filtered(lambda s: not s.is_won).sorted("sequence")
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True), ("team_id", "=", False)], limit=1)
        cls.visit = cls.env.ref("sales_funnel_cn.followup_channel_visit")
        cls.wechat = cls.env.ref("sales_funnel_cn.followup_channel_wechat")

    def _deal(self, **vals):
        return self.env["crm.lead"].create({"name": "层次商机", "type": "opportunity", "partner_id": self.contact.id,
                                            "team_id": self.team.id, "user_id": self.rep.id, **vals})

    def _followup(self, deal=None, channel=None, **vals):
        return self.env["crm.followup"].with_user(self.rep).create({
            "lead_id": deal.id if deal else False, "partner_id": self.company.id,
            "channel_id": (channel or self.wechat).id, "purpose": "推进", **vals})

    def test_levels_follow_deals_calls_and_followups(self):
        company = self.company
        self.assertFalse(company.customer_level)
        company.sudo()._apply_customer_level()
        self.assertEqual(company.customer_level, "resource")
        self._followup()
        self.assertEqual(company.customer_level, "contacted")
        deal = self._deal()
        self.assertEqual(company.customer_level, "lead")
        self._followup(deal, channel=self.visit)
        self.assertEqual(company.customer_level, "intent")
        deal.stage_id = self.won_stage
        self.assertEqual(company.customer_level, "signed")
        self._followup(deal, channel=self.visit, date=fields.Datetime.now() + timedelta(minutes=1))
        self.assertEqual(company.customer_level, "implemented")
        history = company.customer_level_history_ids.sorted("id")
        self.assertEqual(history.mapped("level_to"),
                         ["resource", "contacted", "lead", "intent", "signed", "implemented"])
        self.assertEqual(history[1].level_from, "resource")

    def test_followups_on_an_opportunity_lift_it_by_a_visit_or_a_meeting_only(self):
        """A follow-up on an active opportunity of the customer moves its level only by a visit or a meeting
        (意向); any other channel is not derived again for it (crm_followup.py, TestFollowup's query count)."""
        deal = self._deal()
        self.assertEqual(self.company.customer_level, "lead")
        self._followup(deal)
        self.assertEqual(self.company.customer_level, "lead")
        self._followup(deal, channel=self.env.ref("sales_funnel_cn.followup_channel_meeting"))
        self.assertEqual(self.company.customer_level, "intent")

    def test_calls_lift_a_company_without_opportunity(self):
        """A call lifts a company without an open opportunity to 已接触; on an opportunity it changes nothing
        (the customer is not even read for it: TestCallQueries)."""
        lead = self._deal(type="lead", phone="13800001111")
        self.company.sudo()._apply_customer_level()
        self.assertEqual(self.company.customer_level, "graded")
        Call = self.env["crm.call.log"].with_user(self.rep)
        Call.create({"lead_id": lead.id, "outcome_code": "N/A", "purpose": "初次接触"})
        self.assertEqual(self.company.customer_level, "contacted")
        deal = self._deal(phone="13800002222")
        self.assertEqual(self.company.customer_level, "lead")
        Call.create({"lead_id": deal.id, "outcome_code": "N/A", "purpose": "跟进"})
        self.assertEqual(self.company.customer_level, "lead")
        # a call to another contact of the company is not the deal's customer: read, and nothing to change
        other = self.env["res.partner"].create({"name": "王工", "parent_id": self.company.id, "phone": "13800003333"})
        Call.create({"lead_id": deal.id, "partner_id": other.id, "outcome_code": "N/A", "purpose": "跟进"})
        self.assertEqual(self.company.customer_level, "lead")

    def test_all_deals_lost_is_abandoned(self):
        deal = self._deal()
        self.assertEqual(self.company.customer_level, "lead")
        deal.action_set_lost(lost_reason_id=self.env.ref("sales_funnel_cn.lost_reason_bought_elsewhere").id)
        self.assertEqual(self.company.customer_level, "abandoned")

    def test_level_refresh_follows_what_it_reads(self):
        """A deal's write recomputes the level only when it changes what the level reads of it: a deal
        without a probability (NULL, read as 0) archived as lost is abandoned at once; a move between two
        open stages or a new name records nothing."""
        deal = self._deal(stage_id=self.open_stages[0].id)
        self.assertEqual(self.company.customer_level, "lead")
        history = self.company.customer_level_history_ids
        deal.write({"stage_id": self.open_stages[1].id, "name": "层次商机（改名）"})
        self.assertEqual(self.company.customer_level_history_ids, history)
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET probability = NULL WHERE id = %s", [deal.id])
        self.env.invalidate_all()
        deal.action_archive()
        self.assertEqual(self.company.customer_level, "abandoned")

    def test_manager_override_with_reason_only(self):
        self._deal()
        with self.assertRaises(UserError):
            self.company.with_user(self.rep).write({"customer_level_override": "signed",
                                                    "customer_level_override_reason": "口头承诺"})
        with self.assertRaises(UserError):
            self.company.with_user(self.rep).write({"customer_level": "signed"})
        with self.assertRaises(UserError):
            self.company.with_user(self.manager).write({"customer_level_override": "signed"})
        self.company.with_user(self.manager).write({"customer_level_override": "signed",
                                                    "customer_level_override_reason": "已签框架协议"})
        self.assertEqual(self.company.customer_level, "signed")
        self.assertEqual(self.company.customer_level_auto, "lead")
        last = self.company.customer_level_history_ids.sorted("id")[-1]
        self.assertTrue(last.manual)
        self.assertEqual(last.reason, "已签框架协议")
        self.company.with_user(self.manager).write({"customer_level_override": False})
        self.assertEqual(self.company.customer_level, "lead")

    def test_median_days_between_levels_per_team(self):
        History = self.env["crm.customer.level.history"]
        now = fields.Datetime.now()
        companies = self.env["res.partner"].create([{"name": f"中位数公司{i}", "is_company": True}
                                                    for i in range(3)])
        for company, days in zip(companies, (10, 20, 60), strict=True):
            History.create({"partner_id": company.id, "level_to": "contacted", "date": now - timedelta(days=days),
                            "team_id": self.team.id})
            History.create({"partner_id": company.id, "level_to": "signed", "date": now, "team_id": self.team.id})
        self.env.flush_all()
        Report = self.env["crm.customer.level.report"]
        [(team, median, avg, count)] = Report._read_group(
            [("partner_id", "in", companies.ids), ("level_from", "=", "contacted"), ("level_to", "=", "signed")],
            ["team_id"], ["days_median:max", "days:avg", "company_count:sum"])
        self.assertEqual(team, self.team)
        self.assertAlmostEqual(median, 20.0, places=3)
        self.assertAlmostEqual(avg, 30.0, places=3)
        self.assertEqual(count, 3)
