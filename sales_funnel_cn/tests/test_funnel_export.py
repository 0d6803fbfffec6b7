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
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True), ("team_id", "=", False)], limit=1)
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
        expected = [p.sheet for p in SHEET_PROVIDERS]
        self.assertEqual(wb.sheetnames, expected)
        for name in ("漏斗总览", "销售人员", "沟通记录", "平衡计算", "明细"):
            self.assertIn(name, wb.sheetnames)
        for name in ("阶段变动", "外呼统计", "公海"):
            self.assertIn(name, wb.sheetnames)
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
            self.assertAlmostEqual(row[5], sum(counts[i + 1:]) / sum(counts[i:]), msg="conversion to next stage")
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

    # -- the sheets fed by the stage history (issue 3) and the call log (issue 5), and the funnel
    # -- conversion report of CRM ‣ Reporting, against ORM aggregates

    def _history(self, deal):
        return self.env["crm.lead.stage.history"].search([("lead_id", "=", deal.id)], order="date, id")

    def test_stage_changes_sheet(self):
        now = fields.Datetime.now()
        History = self.env["crm.lead.stage.history"].with_context(active_test=False)
        won_before, moved, lost = self.deals[5], self.deals[4], self.deals[0]
        # the won fixture deal entered the funnel 12 days ago; deal 4 entered 3 days ago and is won now
        self._history(won_before)[:1].date = now - timedelta(days=12)
        won_before.date_closed = now  # created straight in the won stage: crm sets no closing date
        self._history(moved)[:1].date = now - timedelta(days=3)
        moved.action_set_won()
        # deal 1 goes one stage forward, then deal 0 forward and is lost: its move still counts
        self.deals[1].stage_id = self.open_stages[1]
        lost.stage_id = self.open_stages[1]
        lost.action_set_lost(lost_reason_id=self.env.ref("sales_funnel_cn.lost_reason_refused").id)
        old = History.create({"lead_id": self.deals[2].id, "stage_from_id": self.open_stages[0].id,
                              "stage_to_id": self.open_stages[1].id, "date": now - timedelta(days=45)})
        self.env.flush_all()
        wb = openpyxl.load_workbook(io.BytesIO(self._export(self.manager)))
        self.assertIn("阶段变动", wb.sheetnames)
        _head, rows = self._table(wb["阶段变动"])
        *changes, won_row = rows
        today = fields.Date.today()
        period = [("date", ">=", fields.Datetime.to_datetime(today - timedelta(days=30))),
                  ("date", "<", fields.Datetime.to_datetime(today + timedelta(days=1)))]
        groups = History._read_group([("lead_id", "in", self.deals.ids), *period],
                                     ["stage_from_id", "stage_to_id"], ["__count", "days_in_previous:avg"])
        self.assertEqual(len(changes), len(groups))
        for row, (src, dst, count, avg) in zip(changes, groups, strict=True):
            self.assertEqual(row[:3], (src.name or "(new deal)", dst.name, count))
            self.assertAlmostEqual(row[3], avg, places=6)
        by_move = {(r[0], r[1]): r[2] for r in changes}
        self.assertEqual(by_move[("(new deal)", self.open_stages[0].name)], 3, "deals 0, 1 and the evil one")
        self.assertEqual(by_move[(self.open_stages[0].name, self.open_stages[1].name)], 2,
                         "deal 1 and the lost deal 0; the move of 45 days ago is out of the period")
        self.assertEqual(by_move[(self.open_stages[2].name, self.won_stage.name)], 1)
        self.assertTrue(old.exists())
        # time from first stage to won: deals won in the period, from their first history entry
        won = self.deals.filtered(lambda d: d.stage_id.is_won)
        self.assertEqual(won, won_before | moved)
        days = [(d.date_closed - self._history(d)[:1].date).total_seconds() / 86400 for d in won]
        self.assertEqual(won_row[:3], ("(first stage)", "Won", 2))
        self.assertAlmostEqual(won_row[3], sum(days) / len(days), places=4)
        self.assertAlmostEqual(won_row[3], 7.5, delta=0.01)
        # a rep sees the changes of their own deals only
        _head, rows = self._table(openpyxl.load_workbook(io.BytesIO(self._export(self.rep2)))["阶段变动"])
        mine = History._read_group([("lead_id", "in", self.deals.filtered(lambda d: d.user_id == self.rep2).ids),
                                    *period], [], ["__count"])[0][0]
        self.assertEqual(sum(r[2] for r in rows[:-1]), mine)

    def test_call_sheet_matches_call_report(self):
        Call = self.env["crm.call.log"]
        when = fields.Datetime.now() - timedelta(days=2)
        plan = {self.rep: ["N/A", "N/A", "Cut", "R/J", "D", "C", "No Need", "W/N"], self.rep2: ["N/A", "D"]}
        n = 0
        for user, codes in plan.items():
            for code in codes:
                deal = self._new_deal(f"Call {n}", user=user, stage_id=self.open_stages[0].id)
                Call.create({"lead_id": deal.id, "user_id": user.id, "outcome_code": code, "purpose": "p",
                             "phone": f"1380000{n:04d}", "date": when,
                             "callback_date": when + timedelta(days=1)})
                n += 1
        # out of the period, and another team: not counted
        other = self.env["crm.team"].create({"name": "Other Team"})
        Call.create({"lead_id": self._new_deal("Old call").id, "user_id": self.rep.id, "outcome_code": "D",
                     "purpose": "p", "phone": "13900000001", "date": when - timedelta(days=60)})
        Call.create({"lead_id": self._new_deal("Other team", team_id=other.id).id, "user_id": self.rep.id,
                     "outcome_code": "D", "purpose": "p", "phone": "13900000002", "date": when})
        self.assertFalse(Call.search([("code", "=", "No Need")]).lead_id.active, "the No Need lead is lost")
        self.env.flush_all()
        wb = openpyxl.load_workbook(io.BytesIO(self._export(self.manager)))
        head, rows = self._table(wb["外呼统计"])
        self.assertEqual(len(head), 10)
        by_name = {r[0]: r for r in rows}
        self.assertEqual(set(by_name), {self.rep.name, self.rep2.name})
        today = fields.Date.today()
        domain = [("date", ">=", fields.Datetime.to_datetime(today - timedelta(days=30))),
                  ("date", "<", fields.Datetime.to_datetime(today + timedelta(days=1))),
                  ("team_id", "=", self.team.id)]
        report = self.env["crm.call.report"]._rates(domain)
        for user in (self.rep, self.rep2):
            row, ref = by_name[user.name], report[user]
            self.assertEqual(row[1:3], (ref["call_count"], ref["connected_count"]))
            self.assertEqual((row[4], row[6], row[8]),
                             (ref["hangup_count"], ref["conversation_count"], ref["conversion_count"]))
            for col, rate in ((3, "connected_rate"), (5, "hangup_rate"), (7, "conversation_rate"),
                              (9, "conversion_rate")):
                self.assertAlmostEqual(row[col] * 100, ref[rate], places=2, msg=f"{user.name} {rate}")
        # the seed's definitions, by hand: 8 calls, 5 connected, 1 Cut, 3 conversations, 2 conversions (D, C)
        self.assertEqual(by_name[self.rep.name][1:], (8, 5, 5 / 8, 1, 1 / 5, 3, 3 / 5, 2, 2 / 5))
        self.assertEqual(by_name[self.rep2.name][1:], (2, 1, 1 / 2, 0, 0, 1, 1, 1, 1))
        charts = [n for n in zipfile.ZipFile(io.BytesIO(self._export(self.manager))).namelist()
                  if n.startswith("xl/charts/chart")]
        self.assertGreaterEqual(len(charts), 3, "overview, salespersons and calls")
        # a rep exports their own calls only
        _head, rows = self._table(openpyxl.load_workbook(io.BytesIO(self._export(self.rep2)))["外呼统计"])
        self.assertEqual([r[0] for r in rows], [self.rep2.name])

    def test_funnel_report_matches_workbook(self):
        self.deals[3].action_set_won()
        self.env.flush_all()
        wb = openpyxl.load_workbook(io.BytesIO(self._export(self.manager)))
        _head, sheet = self._table(wb["漏斗总览"])
        Report = self.env["crm.lead.funnel.report"]
        funnel = [r for r in Report._funnel([("team_id", "=", self.team.id)]) if r[1]]
        self.assertEqual(len(funnel), len(sheet))
        for row, (stage, deals, reached, amount, weighted, conversion) in zip(sheet, funnel, strict=True):
            self.assertEqual(row[:3], (stage.name, deals, reached))
            self.assertAlmostEqual(row[3], amount / WAN)
            self.assertAlmostEqual(row[4], weighted / WAN)
            self.assertAlmostEqual(row[5], conversion, msg="conversion to the next stage")
        self.assertEqual(funnel[-1][5], 0.0, "nothing goes beyond won")
        # the figures by hand: 3 deals in the first stage, then 1, 1 and 2 won
        self.assertEqual([r[1] for r in funnel], [3, 1, 1, 2])
        self.assertEqual([r[2] for r in funnel], [7, 4, 3, 2])
        # the pivot path: conversion recomputed from the group's counts, not averaged
        groups = Report.read_group([("team_id", "=", self.team.id)], ["conversion_rate:avg", "deal_count:sum"],
                                   ["stage_id"])
        self.assertEqual([g["conversion_rate"] for g in groups if g["deal_count"]],
                         [round(400 / 7, 2), 75.0, round(200 / 3, 2), 0.0])
        # the total row spans every stage: no overall "conversion", and "reached" is the number of deals
        # (not 7 + 4 + 3 + 2 summed across stages)
        [total] = Report.read_group([("team_id", "=", self.team.id)],
                                    ["conversion_rate:avg", "reached_count:sum"], [])
        self.assertFalse(total["conversion_rate"])
        self.assertEqual(total["reached_count"], 7)
        # record rules: a rep sees their own deals only
        mine = Report.with_user(self.rep)._funnel([("team_id", "=", self.team.id)])
        self.assertEqual(sum(r[1] for r in mine), len(self.deals.filtered(lambda d: d.user_id == self.rep)))
        # the view is reachable from CRM ‣ Reporting
        menu = self.env.ref("sales_funnel_cn.menu_crm_funnel_report")
        self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_report"))
        self.assertEqual(menu.action.res_model, "crm.lead.funnel.report")

    def test_pool_sheet_matches_pool_history(self):
        """公海: claimed / assigned / released / reclaimed ... per rep equal the holding history."""
        History = self.env["crm.pool.history"].sudo()
        now = fields.Datetime.now()
        long_ago = now - timedelta(days=200)
        d = self.deals
        rows = [  # (deal, user, start_reason, date_start, end_reason, date_end)
            (d[0], self.rep, "claimed", now - timedelta(days=5), "released", now - timedelta(days=2)),
            (d[1], self.rep, "claimed", now - timedelta(days=3), False, False),
            (d[2], self.rep, "assigned", long_ago, "reclaimed", now - timedelta(days=1)),
            (d[3], self.rep2, "claimed", now - timedelta(days=4), "reclaimed", now - timedelta(days=1)),
            (d[4], self.rep2, "assigned", now - timedelta(days=6), "reassigned", now - timedelta(days=2)),
            (d[5], self.rep2, "claimed", long_ago, "released", long_ago + timedelta(days=3)),  # out of period
        ]
        History.create([{"lead_id": deal.id, "user_id": user.id, "start_reason": start, "date_start": ds,
                         "end_reason": end, "date_end": de} for deal, user, start, ds, end, de in rows])
        wb = openpyxl.load_workbook(io.BytesIO(self._export(self.manager)))
        head, table = self._table(wb["公海"])
        self.assertEqual(list(head[:8]), ["Salesperson", "Claimed", "Assigned", "Released", "Reclaimed by Rule",
                                          "Reassigned", "Won", "Lost"])
        got = {r[0]: list(r[1:8]) for r in table}
        self.assertEqual(got[self.rep.name], [2, 0, 1, 1, 0, 0, 0])
        self.assertEqual(got[self.rep2.name], [1, 1, 0, 1, 1, 0, 0])
        # the same figures from the ORM, per rep
        period = fields.Datetime.now() - timedelta(days=31)
        for user in (self.rep, self.rep2):
            claimed = History.search_count([("user_id", "=", user.id), ("start_reason", "=", "claimed"),
                                            ("date_start", ">=", period), ("lead_id", "in", d.ids)])
            reclaimed = History.search_count([("user_id", "=", user.id), ("end_reason", "=", "reclaimed"),
                                              ("date_end", ">=", period), ("lead_id", "in", d.ids)])
            self.assertEqual((got[user.name][0], got[user.name][3]), (claimed, reclaimed))
        # the pool sheet carries a native chart (its worksheet links a drawing)
        index = wb.sheetnames.index("公海") + 1
        with zipfile.ZipFile(io.BytesIO(self._export(self.manager))) as archive:
            rels = archive.read(f"xl/worksheets/_rels/sheet{index}.xml.rels").decode()
        self.assertIn("drawing", rels)
