import io
from datetime import timedelta

import openpyxl

from odoo import fields
from odoo.tests import tagged

from ..report.funnel_export import build_funnel_xlsx
from ..report.funnel_export import export_header
from ..report.funnel_workbook import FunnelWorkbook
from .common import SalesFunnelCommon

WAN = 10000.0


def _data_rows(ws, first):
    return [r for r in ws.iter_rows(min_row=first + 1, values_only=True) if any(v is not None for v in r)]


@tagged("post_install", "-at_install")
class TestWorkbookSheets(SalesFunnelCommon):

    def _workbook(self, env, days=30, teams=None):
        today = fields.Date.today()
        raw = build_funnel_xlsx(env, today - timedelta(days=days), today, teams or env["crm.team"],
                                env["res.users"])
        return openpyxl.load_workbook(io.BytesIO(raw))

    def test_communication_detail_continues_on_further_sheets(self):
        """沟通明细 beyond a sheet's rows continues on 沟通明细 (2), (3), ... in date order, nothing lost."""
        deal = self._new_deal("溢出测试商机")
        visit = self.env.ref("sales_funnel_cn.followup_channel_visit")
        for i in range(5):
            self.env["crm.followup"].with_user(self.rep).create({
                "lead_id": deal.id, "channel_id": visit.id, "purpose": f"目的 {i}", "content": f"内容 {i}",
                "date": fields.Datetime.now() - timedelta(hours=5 - i)})
        self.env.flush_all()
        today = fields.Date.today()
        first = len(export_header(self.env, today, today, self.team, self.env["res.users"])) + 3
        per_sheet = 2
        self.patch(FunnelWorkbook, "max_rows", first + per_sheet)
        wb = self._workbook(self.env, teams=self.team)
        names = [n for n in wb.sheetnames if n.startswith("沟通明细")]
        self.assertEqual(names, ["沟通明细", "沟通明细 (2)", "沟通明细 (3)"])
        parts = [_data_rows(wb[name], first) for name in names]
        self.assertEqual([len(p) for p in parts], [2, 2, 1])
        for name in names:  # the same table header on every part
            self.assertEqual(wb[name].cell(first, 1).value, "Date", name)
        self.assertEqual([r[8] for part in parts for r in part], [f"目的 {i}" for i in range(5)])
        # every sheet stays within the limit: no row written past it
        self.assertTrue(all(wb[name].max_row <= first + per_sheet for name in wb.sheetnames if name != "平衡计算"))
        # without the limit: one sheet
        self.patch(FunnelWorkbook, "max_rows", 1048576)
        wb = self._workbook(self.env, teams=self.team)
        self.assertEqual([n for n in wb.sheetnames if n.startswith("沟通明细")], ["沟通明细"])
        self.assertEqual(len(_data_rows(wb["沟通明细"], first)), 5)

    def test_communication_detail_names_across_chunks(self):
        """沟通明细 names each row's salesperson, customer and deal right when the rows come in several
        chunks and the bounded name lookups are emptied between them (chunk and bound lowered here)."""
        from ..report import communication_sheet

        visit = self.env.ref("sales_funnel_cn.followup_channel_visit")
        expected = []
        for i in range(4):
            customer = self.env["res.partner"].create({"name": f"分块客户 {i}", "is_company": True})
            deal = self._new_deal(f"分块商机 {i}", partner_id=customer.id)
            self.env["crm.followup"].with_user(self.rep).create({
                "lead_id": deal.id, "channel_id": visit.id, "purpose": f"分块目的 {i}", "content": "-",
                "date": fields.Datetime.now() - timedelta(hours=5 - i)})
            expected.append((self.rep.name, customer.name, deal.name, f"分块目的 {i}"))
        self.env.flush_all()
        today = fields.Date.today()
        first = len(export_header(self.env, today, today, self.team, self.env["res.users"])) + 3
        self.patch(communication_sheet, "DETAIL_CHUNK", 3)
        self.patch(communication_sheet, "NAME_CACHE", 1)
        wb = self._workbook(self.env, teams=self.team)
        rows = [r for r in _data_rows(wb["沟通明细"], first) if (r[8] or "").startswith("分块目的")]
        self.assertEqual([(r[3], r[4], r[5], r[8]) for r in rows], expected)

    def test_report_and_sheets_agree_on_demo_data(self):
        """漏斗总览 = crm.lead.funnel.report._funnel and 外呼统计 = crm.call.report._rates over the demo data
        (the only place each figure is computed; the sheets format them)."""
        days = 3 * 365
        Calls = self.env["crm.call.report"]
        today = fields.Date.today()
        start = fields.Datetime.to_datetime(today - timedelta(days=days))
        end = fields.Datetime.to_datetime(today + timedelta(days=1))
        rates = Calls._rates([("date", ">=", start), ("date", "<", end)])
        funnel = [r for r in self.env["crm.lead.funnel.report"]._funnel(
            [("create_date", ">=", start), ("create_date", "<", end)]) if r[2]]
        self.assertTrue(rates, "the demo data has calls")
        self.assertGreater(len(funnel), 2, "the demo data fills the funnel")
        wb = self._workbook(self.env, days=days)
        first = len(export_header(self.env, today, today, self.team, self.env["res.users"])) + 3
        overview = _data_rows(wb["漏斗总览"], first)
        self.assertEqual(len(overview), len(funnel))
        for row, (stage, deals, reached, amount, weighted, conversion) in zip(overview, funnel, strict=True):
            self.assertEqual(row[:3], (stage.name, deals, reached))
            self.assertAlmostEqual(row[3], (amount or 0.0) / WAN)
            self.assertAlmostEqual(row[4], (weighted or 0.0) / WAN)
            self.assertAlmostEqual(row[5] or 0.0, conversion or 0.0)
        calls = {r[0]: r for r in _data_rows(wb["外呼统计"], first)}
        self.assertEqual(set(calls), {user.name for user in rates})
        for user, figures in rates.items():
            row = calls[user.name]
            self.assertEqual([row[1], row[2], row[4], row[6], row[8]], [figures[c] for c in (
                "call_count", "connected_count", "hangup_count", "conversation_count", "conversion_count")])
            for col, rate in ((3, "connected_rate"), (5, "hangup_rate"), (7, "conversation_rate"),
                              (9, "conversion_rate")):
                self.assertAlmostEqual(row[col] * 100, figures[rate], places=6, msg=f"{user.name} {rate}")
        # the pivot's read_group gives the same rates as the helper
        for group in Calls.read_group([("date", ">=", start), ("date", "<", end)],
                                      ["connected_rate:avg", "conversion_rate:avg"], ["user_id"]):
            user = self.env["res.users"].browse(group["user_id"][0])
            self.assertEqual(group["connected_rate"], rates[user]["connected_rate"])
            self.assertEqual(group["conversion_rate"], rates[user]["conversion_rate"])
