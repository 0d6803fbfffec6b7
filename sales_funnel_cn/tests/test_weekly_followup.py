from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestWeeklyFollowup(SalesFunnelCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Lead = cls.env["crm.lead"]
        cls.week_start = cls.Lead._week_start()
        cls.env["crm.lead"].search([("user_id", "!=", False)]).write({"date_last_followup": fields.Datetime.now()})

    def test_followed_up_this_week_flag_and_search(self):
        done = self._new_deal("done", date_last_followup=self.week_start + timedelta(hours=1))
        missed = self._new_deal("missed", date_last_followup=self.week_start - timedelta(hours=1))
        never = self._new_deal("never")
        self.assertTrue(done.followed_up_this_week)
        self.assertFalse(missed.followed_up_this_week)
        self.assertFalse(never.followed_up_this_week)
        found = self.Lead.search([("followed_up_this_week", "=", False), ("team_id", "=", self.team.id)])
        self.assertEqual(found, missed | never)
        found = self.Lead.search([("followed_up_this_week", "=", True), ("team_id", "=", self.team.id)])
        self.assertEqual(found, done)

    def test_weekly_digest_once_per_person_in_their_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.rep.lang = "zh_CN"
        Digest = self.env["crm.followup.digest"]
        _week, since = Digest._reviewed_week()
        old = since - timedelta(days=2)
        for i in range(3):
            self._new_deal(f"rep deal {i}", date_last_followup=old)
        self._new_deal("rep2 deal", user=self.rep2, date_last_followup=old)
        self._new_deal("rep2 fine", user=self.rep2, date_last_followup=since + timedelta(days=1))
        before = self.env["mail.message"].search_count([("model", "=", Digest._name)])
        self.Lead._cron_weekly_followup_digest()
        digests = Digest.search([("user_id", "in", (self.rep | self.rep2 | self.manager).ids)])
        self.assertEqual(sorted((d.user_id.login, d.kind, d.deal_count) for d in digests), [
            ("sfcn_manager", "leader", 4), ("sfcn_rep", "rep", 3), ("sfcn_rep2", "rep", 1)])
        rep_message = digests.filtered(lambda d: d.user_id == self.rep).message_id
        self.assertIn(self.rep.partner_id, rep_message.notification_ids.res_partner_id)
        self.assertIn("rep deal 0", rep_message.body)
        self.assertIn("未跟进", rep_message.subject)
        leader_body = digests.filtered(lambda d: d.kind == "leader").message_id.body
        self.assertLess(leader_body.index("Rep Chen"), leader_body.index("Rep Lin"), "the worst rep first")
        sent = self.env["mail.message"].search_count([("model", "=", Digest._name)])
        # run twice, send once
        self.Lead._cron_weekly_followup_digest()
        self.assertEqual(self.env["mail.message"].search_count([("model", "=", Digest._name)]), sent)
        self.assertGreater(sent, before)

    def _queries(self, func):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        return self.cr.sql_log_count - before

    def test_weekly_list_and_digest_constant_in_queries(self):
        Digest = self.env["crm.followup.digest"]
        _week, since = Digest._reviewed_week()
        due = [("team_id", "=", self.team.id), ("followed_up_this_week", "=", False)]

        def weekly_list():
            self.Lead.web_search_read(due, {"name": {}, "user_id": {}, "pool_days_left": {}, "stage_id": {}})

        def digest():
            Digest.search([]).unlink()
            self.Lead._cron_weekly_followup_digest()

        for i in range(4):
            self._new_deal(f"few {i}", user=self.rep if i % 2 else self.rep2,
                           date_last_followup=since - timedelta(days=1))
        digest()  # warm-up
        few = (self._queries(weekly_list), self._queries(digest))
        for i in range(40):
            self._new_deal(f"more {i}", user=self.rep if i % 2 else self.rep2,
                           date_last_followup=since - timedelta(days=1))
        many = (self._queries(weekly_list), self._queries(digest))
        self.assertEqual(few, many, "queries of the weekly list and the digest do not grow with the deals")
