from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestWinLoss(SalesFunnelCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.refused = cls.env.ref("sales_funnel_cn.lost_reason_refused")
        cls.price = cls.env.ref("sales_funnel_cn.won_reason_price")
        cls.open_stages = cls.stages.filtered(lambda s: not s.is_won).sorted("sequence")

    def test_seed_lost_reasons_shipped(self):
        names = self.env["crm.lost.reason"].with_context(lang="en_US").search([]).mapped("name")
        for name in ("Clearly refused", "Cannot be contacted or followed", "Not a fit for our product",
                     "Bought another company's product"):
            self.assertIn(name, names)
        self.assertGreaterEqual(self.env["crm.won.reason"].search_count([]), 3)

    def test_lost_by_code_keeps_core_api_and_its_stage(self):
        """Core's action_set_lost() without a reason keeps working for code (crm's own flows and tests call
        it so); the reason and summary are asked by the lost dialog (see the next test)."""
        deal = self._new_deal(stage_id=self.open_stages[1].id)
        deal.with_user(self.rep).action_set_lost()
        self.assertFalse(deal.active)
        self.assertEqual(deal.stage_id, self.open_stages[1], "a lost deal keeps the stage it was lost at")
        deal.action_unarchive()
        deal.with_user(self.rep).action_set_lost(lost_reason_id=self.refused.id)
        self.assertFalse(deal.active)
        self.assertEqual(deal.lost_reason_id, self.refused)

    def test_lost_dialog_needs_no_summary_for_a_lead(self):
        """A lead (线索) is disqualified with a reason only; the summary is asked for deals."""
        lead = self._new_deal("Raw lead", type="lead")
        self.env["crm.lead.lost"].with_user(self.rep).create({
            "lead_ids": [lead.id], "lost_reason_id": self.refused.id, "lost_feedback": "<p></p>",
        }).action_lost_reason_apply()
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, self.refused)
        self.assertFalse(lead.close_summary)

    def test_lost_wizard_asks_reason_and_summary(self):
        deal = self._new_deal()
        Wizard = self.env["crm.lead.lost"].with_user(self.rep)
        with self.assertRaises(UserError):
            Wizard.create({"lead_ids": [deal.id], "lost_reason_id": self.refused.id,
                           "lost_feedback": "<p><br></p>"}).action_lost_reason_apply()
        self.assertTrue(deal.active)
        Wizard.create({"lead_ids": [deal.id], "lost_reason_id": self.refused.id,
                       "lost_feedback": "<p>客户选择了竞争对手的低价方案</p>"}).action_lost_reason_apply()
        self.assertFalse(deal.active)
        self.assertEqual(deal.lost_reason_id, self.refused)
        self.assertEqual(deal.close_summary, "客户选择了竞争对手的低价方案")

    def _funnel_deal(self):
        """A deal of a team running the B2B template, every required item answered (the gate is another
        test's subject); returns the deal and the team's stages."""
        team = self.env["crm.team"].create({
            "name": "Funnel Team", "user_id": self.manager.id,
            "crm_team_member_ids": [Command.create({"user_id": self.rep.id})]})
        stages = self.env.ref("sales_funnel_cn.funnel_template_b2b").action_apply(team)
        deal = self._new_deal(team_id=team.id, stage_id=stages[0].id)
        for check in stages.check_ids.filtered("required"):
            row = deal.check_ids.filtered(lambda r, c=check: r.check_id == c)
            if row:
                row.write({"done": True})
            else:
                self.env["crm.lead.check"].create({"lead_id": deal.id, "check_id": check.id, "done": True})
        return deal, stages

    def _commit_hooks(self):
        self.env.cr.flush()  # what a commit runs: the flush, then the precommit hooks

    def _review_requests(self, deal):
        return self.env["mail.activity"].search([
            ("res_model", "=", "crm.lead"), ("res_id", "=", deal.id),
            ("activity_type_id", "=", self.env.ref("sales_funnel_cn.mail_activity_type_win_loss_review").id)])

    def test_won_by_drag_asks_the_review_once(self):
        """A drag to the won stage (a plain write of stage_id, as the kanban does) cannot show the dialog: the
        owner gets one activity asking for the review, closed when the review is given."""
        deal, stages = self._funnel_deal()
        won = stages.filtered("is_won")[:1]
        deal.with_user(self.rep).write({"stage_id": won.id})
        self._commit_hooks()
        self.assertTrue(deal.review_pending)
        self.assertIn(deal, self.env["crm.lead"].search([("review_pending", "=", True)]))
        request = self._review_requests(deal)
        self.assertEqual(len(request), 1)
        self.assertEqual(request.user_id, self.rep)
        self.assertIn(deal.name, request.with_context(lang="en_US").summary)
        deal.with_user(self.rep).write({"expected_revenue": 5000, "stage_id": won.id})
        self._commit_hooks()
        self.assertEqual(len(self._review_requests(deal)), 1, "asked once per win")
        action = deal.with_user(self.rep).action_sfcn_give_review()
        self.assertEqual(action["res_model"], "crm.lead.won")
        self.env["crm.lead.won"].with_user(self.rep).with_context(**action["context"]).create(
            {"won_reason_id": self.price.id, "close_summary": "老客户推荐，技术方案领先"}).action_apply()
        self._commit_hooks()
        self.assertFalse(deal.review_pending)
        self.assertFalse(self._review_requests(deal), "the request is done once the review is given")
        self.assertFalse(deal.date_review_requested)
        self.assertNotIn(deal, self.env["crm.lead"].search([("review_pending", "=", True)]))
        self.assertIn(deal, self.env["crm.lead"].search([("review_pending", "!=", True)]))

    def test_archived_without_reason_asks_the_lost_review(self):
        """Archiving (core's action, import of active=False, action_set_lost() without a reason) loses the
        deal without its reason: the owner is notified once (Odoo removes activities of archived records);
        the lost dialog then closes the request."""
        deal, _stages = self._funnel_deal()
        deal.with_user(self.rep).action_archive()
        self._commit_hooks()
        self.assertTrue(deal.review_pending)
        notices = self.env["mail.message"].search([
            ("model", "=", "crm.lead"), ("res_id", "=", deal.id), ("message_type", "=", "user_notification")])
        self.assertEqual(len(notices), 1)
        self.assertIn(self.rep.partner_id, notices.partner_ids)
        self.assertTrue(deal.date_review_requested)
        deal.with_user(self.rep).write({"description": "<p>客户预算冻结</p>"})
        self._commit_hooks()
        self.assertEqual(self.env["mail.message"].search_count([
            ("model", "=", "crm.lead"), ("res_id", "=", deal.id), ("message_type", "=", "user_notification")]), 1)
        action = deal.with_user(self.rep).action_sfcn_give_review()
        self.assertEqual(action["res_model"], "crm.lead.lost")
        self.env["crm.lead.lost"].with_user(self.rep).with_context(**action["context"]).create({
            "lost_reason_id": self.refused.id, "lost_feedback": "<p>客户明确表示拒绝</p>",
        }).action_lost_reason_apply()
        self._commit_hooks()
        self.assertFalse(deal.review_pending)
        self.assertFalse(deal.date_review_requested)

    def test_review_request_is_a_system_field(self):
        deal, _stages = self._funnel_deal()
        with self.assertRaises(UserError):
            deal.with_user(self.rep).write({"date_review_requested": "2026-01-01 00:00:00"})

    def test_odoo_pipeline_asks_no_review(self):
        """Outside the module's funnels nothing is asked, whatever the path (core's behaviour)."""
        deal = self._new_deal()
        deal.with_user(self.rep).action_archive()
        won = self._new_deal("Won on Odoo's pipeline")
        won.with_user(self.rep).action_set_won()
        self._commit_hooks()
        self.assertFalse((deal | won).filtered("review_pending"))
        self.assertFalse(self._review_requests(won))
        self.assertFalse(deal.date_review_requested)

    def test_won_button_asks_reason_and_summary(self):
        deal, _stages = self._funnel_deal()
        action = deal.with_user(self.rep).action_set_won_rainbowman()
        self.assertEqual(action["res_model"], "crm.lead.won")
        self.assertNotEqual(deal.probability, 100)
        Wizard = self.env["crm.lead.won"].with_user(self.rep).with_context(default_lead_ids=deal.ids)
        with self.assertRaises(UserError):
            Wizard.create({"won_reason_id": self.price.id, "close_summary": "  "}).action_apply()
        Wizard.create({"won_reason_id": self.price.id, "close_summary": "价格和付款方式打动了客户"}).action_apply()
        self.assertTrue(deal.stage_id.is_won)
        self.assertEqual(deal.won_reason_id, self.price)

    def test_won_on_odoo_pipeline_keeps_core_rainbow_man(self):
        """Outside the module's funnels (Odoo's own stages) Won asks nothing: core's rainbow man."""
        deal = self._new_deal(expected_revenue=999999997)
        action = deal.with_user(self.rep).action_set_won_rainbowman()
        self.assertTrue(deal.stage_id.is_won)
        self.assertEqual(action["effect"]["type"], "rainbow_man")

    def test_funnel_report_counts_lost_deals_in_conversion(self):
        Report = self.env["crm.lead.funnel.report"]
        domain = [("team_id", "=", self.team.id)]
        first, second = self.open_stages[0], self.open_stages[1]
        self._new_deal("Moved on", stage_id=second.id)
        lost = self._new_deal("Lost at first", stage_id=first.id)
        self.env.flush_all()

        def row(stage):
            return next(r for r in Report._funnel(domain) if r[0] == stage)
        lost.action_set_lost(lost_reason_id=self.refused.id)
        self.env.flush_all()
        # the lost deal still reached the first stage and did not move on: conversion 1 of 2 (it used to drop
        # out of the funnel: 1 of 1, conversion 100%)
        self.assertEqual(row(first)[2], 2)
        self.assertEqual(row(first)[5], 0.5)
        self.assertEqual(row(first)[1], 0, "no open deal sits in the first stage")
        [(lost_count,)] = Report._read_group([*domain, ("stage_id", "=", first.id)], [], ["lost_count:sum"])
        self.assertEqual(lost_count, 1)
