import io
from datetime import timedelta

import openpyxl

from odoo import fields
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestFollowup(SalesFunnelCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.visit = cls.env.ref("sales_funnel_cn.followup_channel_visit")
        cls.wechat = cls.env.ref("sales_funnel_cn.followup_channel_wechat")
        cls.contact = cls.env["res.partner"].create({"name": "王经理", "parent_id": cls.customer.id})
        cls.stranger = cls.env["res.partner"].create({"name": "外单位联系人"})
        cls.Followup = cls.env["crm.followup"]

    def _log(self, deal, user=None, **vals):
        return self.Followup.with_user(user or self.rep).create({
            "lead_id": deal.id, "channel_id": self.wechat.id, "purpose": "确认演示时间", **vals})

    def test_structured_followup_on_deal(self):
        deal = self._new_deal()
        past = fields.Datetime.now() - timedelta(days=9)
        deal.date_last_followup = past
        next_date = fields.Date.today() + timedelta(days=3)
        followup = self._log(deal, contact_ids=[self.contact.id], location="客户办公室",
                             content="讨论了预算和上线时间", next_step="发送报价单", next_date=next_date)
        self.assertEqual(followup.partner_id, self.customer)
        self.assertEqual(followup.team_id, self.team)
        self.assertEqual(followup.user_id, self.rep)
        self.assertGreater(deal.date_last_followup, past)
        # the agreed next step became an activity of the rep on the deal
        self.assertEqual(followup.activity_id.res_id, deal.id)
        self.assertEqual(followup.activity_id.summary, "发送报价单")
        self.assertEqual(followup.activity_id.date_deadline, next_date)
        self.assertEqual(followup.activity_id.user_id, self.rep)
        self.assertEqual(deal.followup_count, 1)

    def test_purpose_required_on_every_path(self):
        deal = self._new_deal()
        for purpose in (False, "", "   "):
            with self.assertRaises(ValidationError):
                self._log(deal, purpose=purpose)
        followup = self._log(deal)
        with self.assertRaises(ValidationError):
            followup.with_user(self.rep).write({"purpose": " "})
        # import (load) goes through create as well
        result = self.Followup.with_user(self.rep).load(
            ["lead_id/.id", "channel_id/.id", "purpose"], [[str(deal.id), str(self.wechat.id), ""]])
        self.assertFalse(result["ids"])

    def test_people_met_belong_to_the_customer(self):
        deal = self._new_deal()
        with self.assertRaises(ValidationError):
            self._log(deal, contact_ids=[self.stranger.id])
        other = self._new_deal("Other")
        kp_other = self.env["crm.lead.key.person"].create({"lead_id": other.id, "partner_id": self.contact.id})
        with self.assertRaises(ValidationError):
            self._log(deal, key_person_ids=[kp_other.id])
        kp = self.env["crm.lead.key.person"].create({"lead_id": deal.id, "partner_id": self.contact.id})
        self.assertEqual(self._log(deal, key_person_ids=[kp.id]).key_person_ids, kp)

    def test_rep_logs_own_followups_only(self):
        deal = self._new_deal()
        with self.assertRaises(UserError):
            self._log(deal, user_id=self.rep2.id)
        followup = self._log(deal)
        with self.assertRaises(UserError):
            followup.with_user(self.rep).write({"user_id": self.rep2.id})
        with self.assertRaises(AccessError):
            followup.with_user(self.rep2).read(["purpose"])

    def test_checkin_recorded_by_server_and_flagged_when_far(self):
        self.customer.write({"partner_latitude": 31.2989, "partner_longitude": 120.5853})  # Suzhou
        deal = self._new_deal()
        visit = self._log(deal, channel_id=self.visit.id)
        # check-in fields are never typed in, on create or write
        with self.assertRaises(UserError):
            visit.with_user(self.rep).write({"checkin_date": fields.Datetime.now(), "checkin_latitude": 31.3})
        with self.assertRaises(UserError):
            self._log(deal, channel_id=self.visit.id, checkin_latitude=1.0)
        # only the visit's own rep checks in
        with self.assertRaises(AccessError):
            visit.with_user(self.rep2).action_checkin(31.2990, 120.5850)
        with self.assertRaises(ValidationError):
            visit.with_user(self.rep).action_checkin(95, 120)
        visit.with_user(self.rep).action_checkin(31.2990, 120.5850, 15)
        self.assertTrue(visit.checkin_date)
        self.assertLess(visit.checkin_distance, 0.1)
        self.assertFalse(visit.checkin_far)
        with self.assertRaises(UserError):
            visit.with_user(self.rep).action_checkin(31.2990, 120.5850)
        # Shanghai is ~85 km away: flagged
        far = self._log(deal, channel_id=self.visit.id)
        far.with_user(self.rep).action_checkin(31.2304, 121.4737)
        self.assertGreater(far.checkin_distance, 50)
        self.assertTrue(far.checkin_far)
        # a WeChat follow-up is not a visit
        with self.assertRaises(UserError):
            self._log(deal).with_user(self.rep).action_checkin(31.2990, 120.5850)

    def test_checkin_without_customer_coordinates_is_not_compared(self):
        visit = self._log(self._new_deal(), channel_id=self.visit.id)
        visit.with_user(self.rep).action_checkin(31.2304, 121.4737)
        self.assertTrue(visit.checkin_date)
        self.assertFalse(visit.checkin_far)

    def test_followup_on_company_resets_the_reps_deals(self):
        deal = self._new_deal()
        other_rep_deal = self._new_deal("Rep2", user=self.rep2)
        past = fields.Datetime.now() - timedelta(days=9)
        (deal | other_rep_deal).write({"date_last_followup": past})
        self.Followup.with_user(self.rep).create({
            "partner_id": self.customer.id, "channel_id": self.wechat.id, "purpose": "年度拜访"})
        self.assertGreater(deal.date_last_followup, past)
        self.assertEqual(other_rep_deal.date_last_followup, past)
        self.assertEqual(self.customer.followup_count, 1)
        with self.assertRaises(ValidationError):
            self.Followup.with_user(self.rep).create({"channel_id": self.wechat.id, "purpose": "无对象"})

    def test_clock_setting_notes_no_longer_reset_by_default(self):
        deal = self._new_deal()
        past = fields.Datetime.now() - timedelta(days=9)
        deal.date_last_followup = past
        deal.with_user(self.rep).message_post(body="随手记一笔", message_type="comment",
                                              subtype_xmlid="mail.mt_note")
        self.assertEqual(deal.date_last_followup, past)
        activity = deal.activity_schedule("mail.mail_activity_data_call", user_id=self.rep.id)
        activity.with_user(self.rep).action_feedback("已电话沟通")
        self.assertEqual(deal.date_last_followup, past)
        # a call still counts
        deal.with_user(self.rep).log_call("N/A", "确认需求", phone="13800138111")
        self.assertGreater(deal.date_last_followup, past)
        # structured follow-ups only: a call no longer resets the clock
        self.env.company.sfcn_followup_clock = "followup"
        deal.date_last_followup = past
        deal.with_user(self.rep).log_call("N/A", "确认需求", phone="13800138111")
        self.assertEqual(deal.date_last_followup, past)
        self._log(deal)
        self.assertGreater(deal.date_last_followup, past)
        # everything: notes reset it again
        self.env.company.sfcn_followup_clock = "all"
        deal.date_last_followup = past
        deal.with_user(self.rep).message_post(body="随手记一笔", message_type="comment",
                                              subtype_xmlid="mail.mt_note")
        self.assertGreater(deal.date_last_followup, past)
        # and an activity marked done
        deal.date_last_followup = past
        activity = deal.activity_schedule("mail.mail_activity_data_call", user_id=self.rep.id)
        activity.with_user(self.rep).action_feedback("已电话沟通")
        self.assertGreater(deal.date_last_followup, past)

    def test_followup_logging_queries(self):
        """A follow-up by WeChat on the rep's deal (the benchmark's, bench/bench_followup.py, against a call):
        the deal, the customer (its company), the follow-up (INSERT, its check-in distance computed before it),
        the deal's follow-up clock and return-to-pool date (one UPDATE). The customer's level is not derived again: a
        follow-up that is neither a visit nor a meeting cannot change it on an active opportunity (eight
        queries before: the level's three, the meeting channel looked up, the check-in distance written after
        the INSERT). The benchmark's context: no creation line, no follower added."""
        env = self.env(context={"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True,
                                "mail_create_nosubscribe": True})
        first, deal = (self._new_deal(f"跟进计数 {i}").with_env(env) for i in range(2))
        Followup = env["crm.followup"].with_user(self.rep)
        vals = {"channel_id": self.wechat.id, "purpose": "确认演示时间", "content": "沟通了预算"}
        for __ in range(2):  # the caches of the rep (access rules, channel, settings)
            first.invalidate_recordset()
            first.partner_id.invalidate_recordset()
            Followup.create(dict(vals, lead_id=first.id))
        env.flush_all()
        deal.invalidate_recordset()
        deal.partner_id.invalidate_recordset()
        with self.assertQueryCount(4):  # and the deal, read afresh
            followup = Followup.create(dict(vals, lead_id=deal.id))
        self.assertEqual(deal.date_last_followup, followup.date)
        self.assertEqual((followup.checkin_distance, followup.checkin_far), (0.0, False))

    def test_system_message_on_a_deal_costs_no_query_of_the_module(self):
        """A system line in a deal's chatter (crm's tracking line of every stage move is one) costs the module no
        query: whether it is an activity marked done is read from Odoo's cached map of XML ids, not with
        env.ref(), which checks that the subtype exists (a query per message)."""
        deal = self._new_deal()
        note = self.env.ref("mail.mt_note")
        for body in ("一", "二"):  # the caches of the poster
            deal.message_post(body=body, message_type="notification", subtype_id=note.id)
        self.env.flush_all()
        with self.assertQueryCount(5):  # mail's own (6 with env.ref)
            deal.message_post(body="三", message_type="notification", subtype_id=note.id)


@tagged("post_install", "-at_install")
class TestCommunicationReport(SalesFunnelCommon):

    def test_requirement_3_report_and_sheets(self):
        deal = self._new_deal("沟通报表商机")
        self.env["crm.followup"].with_user(self.rep).create({
            "lead_id": deal.id, "channel_id": self.env.ref("sales_funnel_cn.followup_channel_visit").id,
            "purpose": "演示产品", "content": "客户关心数据迁移"})
        deal.with_user(self.rep).log_call("N/A", "约拜访时间", phone="13800138222")
        self.env.flush_all()
        Report = self.env["crm.communication.report"]
        mine = Report.with_user(self.rep).search([("lead_id", "=", deal.id)])
        self.assertEqual(sorted(mine.mapped("kind")), ["call", "followup"])
        self.assertIn("客户关心数据迁移", mine.mapped("content"))
        self.assertFalse(Report.with_user(self.rep2).search([("lead_id", "=", deal.id)]), "own communications only")
        [(user, _grade, count)] = Report._read_group([("lead_id", "=", deal.id)], ["user_id", "customer_grade"],
                                                    ["communication_count:sum"])
        self.assertEqual((user, count), (self.rep, 2))
        today = fields.Date.today()
        wizard = self.env["crm.funnel.export.wizard"].with_user(self.manager).create({
            "date_from": today - timedelta(days=7), "date_to": today, "team_ids": [(6, 0, self.team.ids)]})
        url = wizard.action_export()["url"]
        raw = self.env["ir.attachment"].browse(int(url.split("/web/content/")[1].split("?")[0])).raw
        wb = openpyxl.load_workbook(io.BytesIO(raw))
        detail = [r for r in wb["沟通明细"].iter_rows(values_only=True) if "沟通报表商机" in r]
        self.assertEqual(sorted(r[8] for r in detail), ["演示产品", "约拜访时间"])
        rows = list(wb["沟通记录"].iter_rows(values_only=True))
        head = next(r for r in rows if r[0] == "Salesperson")
        cols = [i for i, h in enumerate(head) if h and h.startswith("Follow-ups")]
        self.assertEqual(len(cols), 3)
        rep_rows = [r for r in rows if r[0] == self.rep.name]
        self.assertEqual(sum(r[i] or 0 for r in rep_rows for i in cols), 3, "one follow-up in three windows")
