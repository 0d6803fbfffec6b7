from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestFoundation(SalesFunnelCommon):

    def test_days_in_stage_counts_whole_days_since_stage_entry(self):
        deal = self._new_deal()
        self.assertEqual(deal.days_in_stage, 0)
        deal.date_last_stage_update = fields.Datetime.now() - timedelta(days=9, hours=3)
        self.assertEqual(deal.days_in_stage, 9)
        # a stage change resets the counter (crm writes date_last_stage_update on stage change)
        other_stage = self.stages.filtered(lambda s: s != deal.stage_id)[:1]
        deal.stage_id = other_stage
        self.assertEqual(deal.days_in_stage, 0)

    def test_settings_section_stores_company_value(self):
        settings = self.env["res.config.settings"].create({"sfcn_default_stage_max_days": 21})
        settings.execute()
        self.assertEqual(self.env.company.sfcn_default_stage_max_days, 21)
        self.assertFalse(self.env["ir.config_parameter"].sudo().get_param("sales_funnel_cn.default_stage_max_days"))

    def test_menu_and_settings_access(self):
        menu = self.env.ref("sales_funnel_cn.menu_sales_funnel_root")
        self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_root"))
        visible_to_rep = self.env["ir.ui.menu"].with_user(self.rep)._visible_menu_ids()
        self.assertIn(menu.id, visible_to_rep)
        self.assertNotIn(self.env.ref("sales_funnel_cn.menu_sales_funnel_settings").id, visible_to_rep)
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.rep).create({"sfcn_default_stage_max_days": 3})

    def test_rep_only_sees_own_deals(self):
        mine = self._new_deal("mine", user=self.rep)
        theirs = self._new_deal("theirs", user=self.rep2)
        visible = self.env["crm.lead"].with_user(self.rep).search([("id", "in", (mine | theirs).ids)])
        self.assertEqual(visible, mine)

    def test_demo_pipeline_is_chinese_b2b(self):
        demo = self.env.ref("sales_funnel_cn.team_east_key_accounts")
        # the pipeline's opportunities (the leads of the customer journey demo are 线索, not yet deals)
        deals = self.env["crm.lead"].with_context(active_test=False).search([("team_id", "=", demo.id),
                                                                             ("type", "=", "opportunity")])
        self.assertGreaterEqual(len(deals.filtered("active")), 30)
        self.assertGreaterEqual(len(deals.user_id), 3, "spread across reps")
        self.assertGreaterEqual(len(deals.stage_id), 3, "spread across stages")
        self.assertTrue(all("有限公司" in d.partner_id.commercial_partner_id.name
                            or "集团" in d.partner_id.commercial_partner_id.name
                            or "事务所" in d.partner_id.commercial_partner_id.name for d in deals))
        # the features show on the demo pipeline: grades, temperatures, calls by every rep, a funnel plan
        self.assertLessEqual({"A", "B", "C", "D"}, set(deals.mapped("customer_grade")))
        self.assertLessEqual({"hot", "warm", "cold"}, set(deals.mapped("temperature")))
        calls = self.env["crm.call.log"].search([("user_id", "in", deals.user_id.ids)])
        self.assertGreaterEqual(len(calls), 35)
        self.assertGreaterEqual(len(calls.user_id), 3)
        self.assertGreaterEqual(len(calls.outcome_id), 8)
        self.assertTrue(self.env["crm.funnel.plan"].search([("team_id", "=", demo.id)]))
        self.assertTrue(self.env.ref("sales_funnel_cn.prospect_02").call_suppressed)

    def test_zh_cn_translation_loaded(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_funnel_cn"], ["zh_CN"], overwrite=True)
        menu = self.env.ref("sales_funnel_cn.menu_sales_funnel_root")
        self.assertEqual(menu.with_context(lang="zh_CN").name, "销售漏斗")
        field_label = self.env["ir.model.fields"]._get("crm.lead", "days_in_stage")
        self.assertEqual(field_label.with_context(lang="zh_CN").field_description, "当前阶段天数")
        arch = self.env["crm.lead"].with_context(lang="zh_CN").get_view(
            self.env.ref("crm.crm_lead_view_form").id, "form")["arch"]
        self.assertIn("销售漏斗", arch)

    def test_followup_date_moves_on_note_activity_and_stage_change(self):
        # notes and activities done reset the clock only when the setting counts them (not by default)
        self.env.company.sfcn_followup_clock = "all"
        deal = self._new_deal()
        self.assertFalse(deal.date_last_followup)
        past = fields.Datetime.now() - timedelta(days=20)
        deal.date_last_followup = past
        # a system notification is not a follow-up
        deal.message_post(body="automatic", message_type="notification")
        self.assertEqual(deal.date_last_followup, past)
        # a note logged by the rep is
        deal.with_user(self.rep).message_post(body="客户要求下周演示", message_type="comment",
                                              subtype_xmlid="mail.mt_note")
        self.assertGreater(deal.date_last_followup, past)
        # an activity marked done is
        deal.date_last_followup = past
        activity = deal.activity_schedule("mail.mail_activity_data_call", user_id=self.rep.id)
        activity.with_user(self.rep).action_feedback("已电话沟通")
        self.assertGreater(deal.date_last_followup, past)
        # a stage change is; writing the same stage again is not
        deal.date_last_followup = past
        deal.stage_id = deal.stage_id
        self.assertEqual(deal.date_last_followup, past)
        deal.stage_id = self.stages.filtered(lambda s: s != deal.stage_id)[:1]
        self.assertGreater(deal.date_last_followup, past)
