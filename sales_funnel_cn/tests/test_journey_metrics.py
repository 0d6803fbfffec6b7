import io
import os
import tempfile
import zipfile
from datetime import timedelta

import openpyxl

from odoo import fields
from odoo.tests import tagged

from ..report.channel_sheet import ChannelSheet
from ..report.funnel_context import FunnelContext
from ..report.funnel_sheets import SHEET_PROVIDERS
from ..report.funnel_workbook import FunnelWorkbook
from .common import SalesFunnelCommon

# hand-computed: paid 4 leads (2 MQL, 1 SQL, 1 won at 100,000), cost 20,000; live 2 leads (1 MQL), cost 5,000
EXPECTED = {
    "paid": {"lead_count": 4, "mql_count": 2, "mql_rate": 50.0, "sql_count": 1, "customer_count": 1,
             "l2c_rate": 25.0, "cost": 20000.0, "cost_per_lead": 5000.0, "cost_per_mql": 10000.0,
             "cost_per_customer": 20000.0, "won_revenue": 100000.0, "roi": 400.0},
    "live": {"lead_count": 2, "mql_count": 1, "mql_rate": 50.0, "sql_count": 0, "customer_count": 0,
             "l2c_rate": 0.0, "cost": 5000.0, "cost_per_lead": 2500.0, "cost_per_mql": 5000.0,
             "cost_per_customer": 0.0, "won_revenue": 0.0, "roi": -100.0},
}
TOTAL = {"lead_count": 6, "mql_count": 3, "mql_rate": 50.0, "customer_count": 1, "l2c_rate": 16.67,
         "cost": 25000.0, "cost_per_lead": 4166.67, "cost_per_mql": 8333.33, "won_revenue": 100000.0, "roi": 300.0}


@tagged("post_install", "-at_install")
class TestJourneyMetrics(SalesFunnelCommon):
    """获取客户 metrics per channel against a hand-computed table: the report, its pivot's read_group and the
    workbook's 获客渠道 sheet show the same figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign = cls.env["utm.campaign"].create({"name": "SFCN 2026 展会季"})
        cls.paid = cls.env.ref("sales_funnel_cn.utm_medium_paid")
        cls.live = cls.env.ref("sales_funnel_cn.utm_medium_live")
        Lead = cls.env["crm.lead"]
        common = {"type": "lead", "team_id": cls.team.id, "campaign_id": cls.campaign.id, "user_id": cls.rep.id}
        cls.paid_leads = Lead.create([{**common, "name": f"付费 {i}", "medium_id": cls.paid.id} for i in range(4)])
        cls.live_leads = Lead.create([{**common, "name": f"直播 {i}", "medium_id": cls.live.id} for i in range(2)])
        now = fields.Datetime.now()
        (cls.paid_leads[:2] | cls.live_leads[:1]).sudo().write({"sfcn_mql_date": now})
        cls.paid_leads[:1].sudo().write({"sfcn_sql_date": now})
        cls.paid_leads[:1].write({"type": "opportunity", "expected_revenue": 100000})
        cls.env.flush_all()
        cls.env.cr.execute("UPDATE crm_lead SET probability = 100 WHERE id = %s", [cls.paid_leads[0].id])
        cls.env.invalidate_all()
        month = fields.Date.today().replace(day=1)
        cls.env["crm.channel.cost"].create([
            {"medium_id": cls.paid.id, "campaign_id": cls.campaign.id, "team_id": cls.team.id, "date": month,
             "amount": 20000},
            {"medium_id": cls.live.id, "campaign_id": cls.campaign.id, "team_id": cls.team.id, "date": month,
             "amount": 5000}])

    def test_metrics_match_hand_computed(self):
        metrics = self.env["crm.channel.report"]._metrics([("campaign_id", "=", self.campaign.id)])
        self.assertEqual(set(metrics), {self.paid, self.live})
        for medium, key in ((self.paid, "paid"), (self.live, "live")):
            for name, value in EXPECTED[key].items():
                self.assertAlmostEqual(metrics[medium][name], value, places=2, msg=f"{key} {name}")

    def test_pivot_ratios_recomputed_per_group(self):
        Report = self.env["crm.channel.report"].with_user(self.manager)
        measures = [f"{name}:sum" for name in TOTAL]
        [total] = Report.read_group([("campaign_id", "=", self.campaign.id)], measures, [])
        for name, value in TOTAL.items():
            self.assertAlmostEqual(total[name], value, places=2, msg=name)
        by_channel = {g["medium_id"][0]: g for g in Report.read_group(
            [("campaign_id", "=", self.campaign.id)], measures, ["medium_id"])}
        self.assertEqual(by_channel[self.paid.id]["roi"], 400.0)
        self.assertEqual(by_channel[self.live.id]["cost_per_lead"], 2500.0)

    def test_rep_sees_own_leads_only(self):
        other = self.env["crm.lead"].create({"name": "别人的", "type": "lead", "user_id": self.rep2.id,
                                             "medium_id": self.paid.id, "campaign_id": self.campaign.id})
        rows = self.env["crm.channel.report"].with_user(self.rep).search([("campaign_id", "=", self.campaign.id)])
        self.assertEqual(rows.mapped("lead_id"), self.paid_leads | self.live_leads)
        self.assertNotIn(other, rows.mapped("lead_id"))

    def test_workbook_sheet(self):
        self.assertIn(ChannelSheet, SHEET_PROVIDERS)
        today = fields.Date.today()
        ctx = FunnelContext(self.env(user=self.manager), today - timedelta(days=40), today + timedelta(days=1),
                            self.team, self.env["res.users"])
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            book = FunnelWorkbook(path, [("Company", "SFCN")])
            ChannelSheet().write_sheet(book, ctx)
            book.close()
            raw = open(path, "rb").read()
        finally:
            os.unlink(path)
        ws = openpyxl.load_workbook(io.BytesIO(raw))["获客渠道"]
        rows = [r for r in ws.iter_rows(values_only=True) if r and r[0] in (self.paid.name, self.live.name)]
        self.assertEqual(len(rows), 2)
        paid_row = next(r for r in rows if r[0] == self.paid.name)
        expected = EXPECTED["paid"]
        self.assertEqual(list(paid_row[1:13]), [
            expected[k] for k in ("lead_count", "mql_count", "mql_rate", "sql_count", "customer_count", "l2c_rate",
                                  "cost", "cost_per_lead", "cost_per_mql", "cost_per_customer", "won_revenue",
                                  "roi")])
        charts = [n for n in zipfile.ZipFile(io.BytesIO(raw)).namelist() if n.startswith("xl/charts/chart")]
        self.assertEqual(len(charts), 1)
        self.assertIn("获客渠道", zipfile.ZipFile(io.BytesIO(raw)).read(charts[0]).decode())

    def test_daily_new_deal_target(self):
        """每天需要5个20%客户能出一单: the rep's new deals today against the target, beside the call goals."""
        progress = self.env["crm.call.report"]._daily_deal_progress(self.rep)
        self.assertEqual((progress["today_new_deals"], progress["goal_new_deals"]), (1, 5))
        self._new_deal(name="今天的新商机")
        self._new_deal(name="同事的新商机", user=self.rep2)
        self.env.company.sfcn_daily_new_deal_goal = 6
        progress = self.env["crm.call.report"]._daily_deal_progress(self.rep)
        self.assertEqual((progress["today_new_deals"], progress["goal_new_deals"]), (2, 6))
        defaults = self.env["crm.call.log.wizard"].with_user(self.rep).default_get(
            ["today_new_deals", "goal_new_deals"])
        self.assertEqual((defaults["today_new_deals"], defaults["goal_new_deals"]), (2, 6))
