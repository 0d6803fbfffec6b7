import io
import zipfile
from datetime import timedelta

import openpyxl

from odoo import fields
from odoo.tests import tagged

from ..report.funnel_sheets import SHEET_PROVIDERS
from .common import SalesFunnelCommon

WAN = 10000.0


@tagged("post_install", "-at_install")
class TestFunnelExport(SalesFunnelCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.open_stages = cls.stages.filtered(lambda s: not s.is_won).sorted("sequence")
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        old = fields.Datetime.now() - timedelta(days=4, hours=1)
        cls.deals = cls.env["crm.lead"]
        for i, (user, stage, amount, proba) in enumerate([
                (cls.rep, cls.open_stages[0], 100000, 10), (cls.rep, cls.open_stages[0], 50000, 20),
                (cls.rep, cls.open_stages[1], 300000, 40), (cls.rep2, cls.open_stages[1], 70000, 30),
                (cls.rep2, cls.open_stages[2], 90000, 60), (cls.rep2, cls.won_stage, 120000, 100)]):
            cls.deals |= cls._new_deal(f"Deal {i}", user=user, stage_id=stage.id, expected_revenue=amount,
                                       probability=proba, date_last_stage_update=old)
        cls.evil = cls._new_deal("=HYPERLINK(\"http://evil\",\"x\")", user=cls.rep, stage_id=cls.open_stages[0].id,
                                 expected_revenue=1000, probability=10, date_last_stage_update=old)
        cls.evil.partner_id = cls.env["res.partner"].create({"name": "+cmd|' /C calc'!A0"})
        cls.deals |= cls.evil
        cls.deals[0].message_post(body="called, will send quotation", message_type="comment",
                                  subtype_xmlid="mail.mt_note", author_id=cls.rep.partner_id.id)
        cls.plan = cls.env["crm.funnel.plan"].create({
            "year": fields.Date.today().year, "team_id": cls.team.id, "target_amount": 300.0,
            "avg_contract_amount": 3.0, "target_units": 200.0, "avg_units_per_contract": 2.0, "win_rate": 10.0})

    def _export(self, user, **vals):
        today = fields.Date.today()
        wizard = self.env["crm.funnel.export.wizard"].with_user(user).create({
            "date_from": today - timedelta(days=30), "date_to": today, "team_ids": [(6, 0, self.team.ids)], **vals})
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertIn("download=true", action["url"])
        return attachment.raw

    @staticmethod
    def _table(ws):
        """Rows below the header line (the first bold header row after the header block)."""
        rows = list(ws.iter_rows(values_only=True))
        head = next(i for i, r in enumerate(rows) if i > 0 and r[0] and r[1] is not None and i >= 5)
        return rows[head], [r for r in rows[head + 1:] if any(v is not None for v in r)]

    def test_sheets_figures_match_orm(self):
        raw = self._export(self.manager)
        wb = openpyxl.load_workbook(io.BytesIO(raw))
        expected = [p.sheet for p in SHEET_PROVIDERS if p.available(self.env)]
        self.assertEqual(wb.sheetnames, expected)
        for name in ("漏斗总览", "销售人员", "沟通记录", "平衡计算", "明细"):
            self.assertIn(name, wb.sheetnames)
        for optional, model in (("阶段变动", "crm.lead.stage.history"), ("外呼统计", "crm.call.log"),
                                ("公海", "crm.pool.history")):
            self.assertEqual(optional in wb.sheetnames, model in self.env)
        domain = [("id", "in", self.deals.ids)]
        Lead = self.env["crm.lead"]
        # 漏斗总览 per stage
        ws = wb["漏斗总览"]
        self.assertEqual(ws["A1"].value, "漏斗总览")
        self.assertEqual(ws["B2"].value, self.env.company.name)
        self.assertTrue(ws.freeze_panes)
        _head, rows = self._table(ws)
        groups = Lead._read_group(domain, ["stage_id"], ["__count", "expected_revenue:sum", "prorated_revenue:sum"])
        self.assertEqual(len(rows), len(groups))
        counts = [g[1] for g in groups]
        for i, (row, (stage, count, amount, weighted)) in enumerate(zip(rows, groups, strict=False)):
            self.assertEqual(row[0], stage.name)
            self.assertEqual(row[1], count)
            self.assertEqual(row[2], sum(counts[i:]))
            self.assertAlmostEqual(row[3], amount / WAN)
            self.assertAlmostEqual(row[4], weighted / WAN)
            if i:
                self.assertAlmostEqual(row[5], sum(counts[i:]) / sum(counts[i - 1:]))
            stage_deals = self.deals.filtered(lambda d, s=stage: d.stage_id == s)
            self.assertAlmostEqual(row[6], sum(stage_deals.mapped("days_in_stage")) / len(stage_deals))
            self.assertEqual(row[6], 4.0)
        # 销售人员 per rep
        _head, rows = self._table(wb["销售人员"])
        by_name = {r[0]: r for r in rows}
        for user in (self.rep, self.rep2):
            mine = self.deals.filtered(lambda d, u=user: d.user_id == u)
            won = mine.filtered(lambda d: d.stage_id.is_won)
            row = by_name[user.name]
            self.assertEqual(row[1], len(mine))
            self.assertAlmostEqual(row[2], sum(mine.mapped("expected_revenue")) / WAN)
            self.assertAlmostEqual(row[3], sum(mine.mapped("prorated_revenue")) / WAN)
            self.assertEqual(row[4], len(won))
            self.assertAlmostEqual(row[5], sum(won.mapped("expected_revenue")) / WAN)
        # 沟通记录: the note of rep on a deal in the first stage, in period, week and today
        head, rows = self._table(wb["沟通记录"])
        notes_col = [i for i, h in enumerate(head) if h and h.startswith("Notes")]
        row = next(r for r in rows if r[0] == self.rep.name and r[1] == self.open_stages[0].name)
        self.assertEqual([row[i] for i in notes_col], [1, 1, 1])
        self.assertEqual(sum(r[i] for r in rows for i in notes_col), 3, "one note, counted in three windows")
        # 明细: one row per deal, text stays text
        _head, rows = self._table(wb["明细"])
        self.assertEqual(len(rows), len(self.deals))
        self.assertAlmostEqual(sum(r[6] for r in rows), sum(self.deals.mapped("expected_revenue")) / WAN)
        evil_row = next(r for r in rows if r[0].startswith("=HYPERLINK"))
        self.assertEqual(evil_row[1], "+cmd|' /C calc'!A0")
        ws = wb["明细"]
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+")):
                    self.assertEqual(cell.data_type, "s", cell.value)

    def test_formulas_and_charts(self):
        raw = self._export(self.manager)
        wb = openpyxl.load_workbook(io.BytesIO(raw))
        ws = wb["平衡计算"]
        cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
        row = cells["所需合同总数"].row
        self.assertEqual(ws.cell(row, 2).value, f"=B{row - 1}/B{row - 2}")
        self.assertTrue(str(ws.cell(cells["年度所需目标客户数量"].row, 2).value).startswith("="))
        self.assertEqual(ws.cell(cells["每月所需目标客户数量"].row, 3).value,
                         f"=C{cells['年度所需目标客户数量'].row}/12")
        self.assertEqual(ws.cell(cells["年度销售目标"].row, 2).value, 300)
        values = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)["平衡计算"]
        self.assertEqual(values.cell(row, 2).value, 100)
        self.assertEqual(values.cell(cells["年度所需目标客户数量"].row, 2).value, 1000)
        self.assertAlmostEqual(values.cell(cells["每月所需目标客户数量"].row, 2).value, 1000 / 12)
        names = zipfile.ZipFile(io.BytesIO(raw)).namelist()
        charts = [n for n in names if n.startswith("xl/charts/chart")]
        self.assertGreaterEqual(len(charts), 2)
        chart_xml = zipfile.ZipFile(io.BytesIO(raw)).read(charts[0]).decode()
        self.assertIn("漏斗总览", chart_xml)

    def test_rep_exports_only_own_deals(self):
        wb = openpyxl.load_workbook(io.BytesIO(self._export(self.rep)))
        _head, rows = self._table(wb["明细"])
        mine = self.deals.filtered(lambda d: d.user_id == self.rep)
        self.assertEqual(sorted(r[0] for r in rows), sorted(mine.mapped("name")))
        _head, rows = self._table(wb["销售人员"])
        self.assertEqual([r[0] for r in rows], [self.rep.name])
        _head, rows = self._table(wb["漏斗总览"])
        self.assertEqual(sum(r[1] for r in rows), len(mine))
        # the manager sees both reps of the team
        wb = openpyxl.load_workbook(io.BytesIO(self._export(self.manager)))
        _head, rows = self._table(wb["明细"])
        self.assertEqual(len(rows), len(self.deals))

    def test_rep_filter_and_no_plan_template(self):
        self.plan.unlink()
        wb = openpyxl.load_workbook(io.BytesIO(self._export(self.manager, user_ids=[(6, 0, self.rep2.ids)])),
                                    data_only=True)
        _head, rows = self._table(wb["明细"])
        self.assertEqual(len(rows), 3)
        ws = wb["平衡计算"]
        labels = {c.value: c.row for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
        self.assertEqual(ws.cell(labels["所需合同总数"], 2).value, 100)
        self.assertEqual(ws.cell(labels["所需合同总数"], 3).value, 100)

    def test_sheets_of_missing_features_are_omitted(self):
        from ..report import funnel_sheets

        class GhostSheet(funnel_sheets.SheetProvider):
            sheet = "幽灵"
            models = ("crm.lead", "sfcn.model.not.installed")

        self.assertFalse(GhostSheet.available(self.env))
        self.assertTrue(funnel_sheets.OverviewSheet.available(self.env))
        self.patch(funnel_sheets, "SHEET_PROVIDERS", [*funnel_sheets.SHEET_PROVIDERS, GhostSheet])
        wb = openpyxl.load_workbook(io.BytesIO(self._export(self.manager)))
        self.assertNotIn("幽灵", wb.sheetnames)
        self.assertIn("明细", wb.sheetnames)

    def test_query_count_does_not_grow_with_deals(self):
        """Aggregates are SQL GROUP BY / read_group: ten times more deals (same stages and reps, one detail
        chunk) cost (almost) the same number of queries."""
        today = fields.Date.today()
        wizard = self.env["crm.funnel.export.wizard"].with_user(self.manager).create({
            "date_from": today - timedelta(days=30), "date_to": today, "team_ids": [(6, 0, self.team.ids)]})

        def count_queries():
            self.env.flush_all()
            self.env.registry.clear_all_caches()  # same cold caches (rules, groups) for both runs
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            wizard._build_xlsx()
            return self.cr.sql_log_count - before

        few = count_queries()
        for i in range(60):
            self._new_deal(f"More {i}", user=(self.rep, self.rep2)[i % 2], stage_id=self.open_stages[i % 3].id,
                           expected_revenue=1000 * i)
        # a loop over deals would add 60+ queries; prefetch splits may add one or two
        self.assertLess(count_queries() - few, 5)
