import io

import openpyxl

from odoo.tests import HttpCase
from odoo.tests import tagged

# the demo deal the manager finds in the stale list, pauses, grades and forces (a rep's deal, stale on the demo)
STALE_DEAL = "扬州金鼎 - 智能仓储方案"


@tagged("post_install", "-at_install")
class TestRoleTours(HttpCase):
    """The README's "What the module does" table, end to end on the demo data, once per role; each tour's
    effects are re-read from the database afterwards."""

    def _deal(self, name):
        deal = self.env["crm.lead"].with_context(active_test=False).search([("name", "=", name)])
        self.assertEqual(len(deal), 1, name)
        return deal

    def test_rep(self):
        zhang = self.env.ref("sales_funnel_cn.user_rep_zhang")
        pooled = self.env.ref("sales_funnel_cn.pool_lead_00")
        self.assertFalse(pooled.user_id)
        lost = self._deal("嘉兴锦程 - 企业网盘")
        self.assertTrue(lost.active)
        self.start_tour("/odoo", "sales_funnel_cn_role_rep", login=zhang.login)
        self.env.invalidate_all()
        self.assertEqual(pooled.user_id, zhang, "claimed from the pool")
        deal = self._deal("宁波海通 - CRM 系统")
        self.assertEqual(deal.call_log_ids[:1].outcome_id.code, "C")
        self.assertIn("support", deal.key_person_ids.mapped("attitude"))
        # the structured visit with its check-in, counted for this week
        visit = deal.followup_ids.filtered(lambda f: f.purpose == "现场拜访：确认上线计划")
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.user_id, zhang)
        self.assertEqual(visit.channel_id, self.env.ref("sales_funnel_cn.followup_channel_visit"))
        self.assertEqual(visit.content, "客户同意下月试点")
        self.assertTrue(visit.checkin_date)
        self.assertAlmostEqual(visit.checkin_latitude, 31.299, places=3)
        self.assertTrue(deal.followed_up_this_week)
        report = self.env["crm.communication.report"].search([("kind", "=", "followup"), ("lead_id", "=", deal.id)])
        self.assertIn("现场拜访：确认上线计划", report.mapped("purpose"), "requirement 3 lists the visit")
        # lost with the seed's reason and a summary, at the stage it was lost at
        stage = lost.stage_id
        self.assertFalse(lost.active)
        self.assertEqual(lost.lost_reason_id, self.env.ref("sales_funnel_cn.lost_reason_bought_elsewhere"))
        self.assertEqual(lost.close_summary, "客户选择了本地厂商，价格低两成")
        self.assertEqual(lost.stage_id, stage)

    def test_manager(self):
        liu = self.env.ref("sales_funnel_cn.user_manager_liu")
        deal = self._deal(STALE_DEAL)
        Lead = self.env["crm.lead"]
        self.assertTrue(deal.user_id and deal.user_id != liu, "a rep's deal")
        self.assertIn(deal, Lead.search([("is_stale", "=", True)]))
        self.assertNotEqual(deal.customer_grade, "A")
        ninety = deal.sfcn_stage_ids.filtered(lambda s: s.stage_probability == 90)
        self.assertEqual(len(ninety), 1)
        self.assertNotEqual(deal.stage_id, ninety)
        self.start_tour("/odoo", "sales_funnel_cn_role_manager", login=liu.login)
        self.env.invalidate_all()
        # paused (暂缓): no longer stale
        self.assertEqual(deal.pause_reason, "客户年底封账，一月再推进")
        self.assertTrue(deal.is_paused)
        self.assertNotIn(deal, Lead.search([("is_stale", "=", True)]))
        # grade override with its reason
        self.assertEqual((deal.customer_grade_override, deal.customer_grade), ("A", "A"))
        self.assertEqual(deal.customer_grade_override_reason, "总经理已口头承诺本月签约")
        # forced to 90 % by the manager, with the reason on the history row
        self.assertEqual(deal.stage_id, ninety)
        move = self.env["crm.lead.stage.history"].search([("lead_id", "=", deal.id)], order="id desc", limit=1)
        self.assertEqual((move.stage_to_id, move.user_id), (ninety, liu))
        self.assertEqual(move.forced_reason, "客户已确认合同条款，待盖章")
        # the Excel workbook: built as the manager, and its download serves the xlsx
        [attachment] = self.env["ir.attachment"].search([
            ("res_model", "=", "crm.funnel.export.wizard"), ("create_uid", "=", liu.id)])
        self.authenticate(liu.login, liu.login)
        response = self.url_open(f"/web/content/{attachment.id}?download=true")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertIn("漏斗总览", book.sheetnames)
        details = [row[0] for row in book["明细"].iter_rows(values_only=True)]
        self.assertIn(STALE_DEAL, details, "the deal the manager worked on is in the workbook")

    def test_admin(self):
        self.start_tour("/odoo", "sales_funnel_cn_role_admin", login="admin")
