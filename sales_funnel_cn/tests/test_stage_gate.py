from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models.crm_lead_gate import StageGateError
from .common import SalesFunnelCommon


@tagged("post_install", "-at_install", "is_query_count")
class TestStageGate(SalesFunnelCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("sales_funnel_cn.funnel_template_b2b")
        stages = cls.template.action_apply(cls.team)
        cls.s_intent, cls.s_proposal, cls.s_test, cls.s_business, cls.s_sign, cls.s_won = stages
        cls.intent_checks = cls.s_intent.check_ids
        cls.proposal_checks = cls.s_proposal.check_ids

    def _deal(self, name="门禁商机", qualified=True, **vals):
        """A deal at 意向; qualified: its 意向 checks ticked (asked when it moves on from the first stage)."""
        deal = self._new_deal(name, stage_id=self.s_intent.id, **vals)
        if qualified:
            self._tick(deal, self.intent_checks)
        return deal

    def _tick(self, deal, checks, user=None):
        answers = deal.check_ids.filtered(lambda c: c.check_id in checks)
        answers.with_user(user or self.rep).write({"done": True})

    def test_checklist_rows_take_the_items_current_settings(self):
        """The checklist rows a move inserts carry the item's and the stage's settings as they are now: the
        stage write takes them from the gate's cache, which a change of an item or a stage clears."""
        deal = self._deal()
        item = self.s_test.check_ids[0]  # 测试: the stage after 方案, whose rows a move to 方案 inserts
        item.write({"required": False, "sequence": 77})
        self.s_test.sequence = self.s_test.sequence + 1
        self._tick(deal, self.proposal_checks)
        deal.with_user(self.rep).write({"stage_id": self.s_proposal.id})
        row = deal.check_ids.filtered(lambda c: c.check_id == item)
        self.assertEqual((row.required, row.sequence, row.stage_id, row.stage_sequence),
                         (False, 77, self.s_test, self.s_test.sequence))

    # ------------------------------------------------------------------ templates
    def test_templates_shipped(self):
        prob = self.env.ref("sales_funnel_cn.funnel_template_probability")
        baidu = self.env.ref("sales_funnel_cn.funnel_template_baidu")
        self.assertEqual(prob.line_ids.mapped("probability"), [10, 25, 50, 75, 90, 100])
        self.assertEqual(baidu.line_ids.mapped("probability"), [20, 40, 60, 80, 80, 100])
        self.assertEqual(self.template.with_context(lang="en_US").line_ids.mapped("name"),
                         ["Intent", "Proposal", "Testing", "Negotiation", "Signing", "Maintenance"])
        self.assertEqual(len(self.intent_checks), 3)
        self.assertTrue(all(self.intent_checks.mapped("required")))
        self.assertIn("budget", " ".join(self.intent_checks.with_context(lang="en_US").mapped("name")))
        self.assertEqual(self.s_intent.gate_mode, "block")
        self.assertTrue(self.s_won.is_won)
        # applying twice does not duplicate
        self.assertEqual(len(self.template.action_apply(self.team)), 6)
        self.assertEqual(self.env["crm.stage"].search_count([("team_id", "=", self.team.id)]), 6)

    def test_template_texts_follow_user_language(self):
        """English source texts, zh_CN translations: applying a template gives each user their language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_funnel_cn"], ["zh_CN"], overwrite=True)
        self.env.invalidate_all()
        self.assertEqual(self.template.with_context(lang="zh_CN").name, "B2B 六阶段")
        team = self.env["crm.team"].create({"name": "华东大客户组"})
        stages = self.template.action_apply(team)
        self.rep.lang = "zh_CN"
        self.rep2.lang = "en_US"
        zh_env = self.env(user=self.rep, context=self.rep.with_user(self.rep).context_get())
        en_env = self.env(user=self.rep2, context=self.rep2.with_user(self.rep2).context_get())
        self.assertEqual(stages.with_env(zh_env).mapped("name"), ["意向", "方案", "测试", "商务", "签约", "维护"])
        self.assertEqual(stages.with_env(en_env).mapped("name"),
                         ["Intent", "Proposal", "Testing", "Negotiation", "Signing", "Maintenance"])
        intent = stages[0]
        self.assertEqual(intent.check_ids.with_env(zh_env).mapped("name"),
                         ["需求真实存在", "有与需求对应的资金预算", "需求实现已有明确的时间表"])
        self.assertEqual(intent.check_ids.with_env(en_env).mapped("name"),
                         ["The need is real", "There is a budget matching the need",
                          "There is a clear timeline for meeting the need"])
        self.assertIn("三个标准缺一不可", intent.with_env(zh_env).stage_description)
        self.assertIn("all three criteria", intent.with_env(en_env).stage_description)
        # the deal's checklist and the gate's error speak the user's language too
        deal = self._new_deal("语言商机", team_id=team.id, stage_id=intent.id)
        self.assertEqual(deal.with_env(zh_env).check_ids[0].name, "需求真实存在")
        with self.assertRaises(UserError) as err:
            deal.with_env(zh_env).write({"stage_id": stages[1].id})
        self.assertIn("方案逐一响应了客户需求的各个主要指标", str(err.exception))
        # applying again (English source names) does not duplicate the stages
        self.assertEqual(self.template.with_context(lang="zh_CN").action_apply(team), stages)

    def test_probability_follows_stage(self):
        deal = self._deal()
        self.assertEqual(deal.probability, 10)
        self._tick(deal, self.proposal_checks)
        deal.with_user(self.rep).write({"stage_id": self.s_proposal.id})
        self.assertEqual(deal.probability, 30)
        self.assertIsNotNone(deal.automated_probability)

    # ------------------------------------------------------------------ block gate
    def test_first_stage_checks_asked_when_the_deal_moves_on(self):
        """A deal is created at 意向 before anyone could answer 意向's checks: they are asked when it moves on
        (with those of the stage it enters), so 意向's requirements are enforced like any stage's."""
        deal = self._deal(qualified=False)
        self._tick(deal, self.proposal_checks)
        with self.assertRaises(StageGateError) as err:
            deal.with_user(self.rep).write({"stage_id": self.s_proposal.id})
        self.assertIn(self.intent_checks[0].name, str(err.exception))
        self.assertNotIn(self.proposal_checks[0].name, str(err.exception))
        self.assertEqual(deal.stage_id, self.s_intent)
        self._tick(deal, self.intent_checks)
        deal.with_user(self.rep).write({"stage_id": self.s_proposal.id})
        self.assertEqual(deal.stage_id, self.s_proposal)
        # once past it, 意向 is not asked again: a move from 方案 asks 测试's checks only
        deal.check_ids.filtered(lambda c: c.check_id in self.intent_checks).with_user(self.rep).write(
            {"done": False})
        self._tick(deal, self.s_test.check_ids)
        deal.with_user(self.rep).write({"stage_id": self.s_test.id})
        self.assertEqual(deal.stage_id, self.s_test)

    def test_block_rpc_write_as_salesman(self):
        """Entry criteria: to enter 方案 its own checks must hold (and 意向's, the first stage's, ticked here)."""
        deal = self._deal(qualified=False)
        self.assertEqual(len(deal.check_ids), 6, "a deal lists its stage's checks and those of the next stage")
        self.assertTrue(deal.check_incomplete)
        self._tick(deal, self.intent_checks)
        self._tick(deal, self.proposal_checks[:2])
        with self.assertRaises(UserError) as err:
            deal.with_user(self.rep).write({"stage_id": self.s_proposal.id})
        self.assertIn(self.proposal_checks[2].name, str(err.exception))
        self.assertNotIn(self.proposal_checks[0].name, str(err.exception))
        self.assertNotIn(self.intent_checks[0].name, str(err.exception))
        self.assertEqual(deal.stage_id, self.s_intent)
        self._tick(deal, self.proposal_checks[2:])
        deal.with_user(self.rep).write({"stage_id": self.s_proposal.id})
        self.assertEqual(deal.stage_id, self.s_proposal)
        self.assertFalse(deal.gate_skipped)

    def test_skip_several_stages_checks_every_passed_stage(self):
        deal = self._deal()
        self._tick(deal, self.proposal_checks)
        with self.assertRaises(UserError) as err:
            deal.with_user(self.rep).write({"stage_id": self.s_business.id})
        self.assertIn(self.s_test.check_ids[0].name, str(err.exception), "a skipped stage's checks count")
        self.assertIn(self.s_business.check_ids[0].name, str(err.exception), "the target stage's checks count")
        self.assertNotIn(self.proposal_checks[0].name, str(err.exception))

    def test_won_gated_backward_and_lost_free(self):
        deal = self._deal()
        for attempt in (lambda: deal.with_user(self.rep).write({"stage_id": self.s_won.id}),
                        lambda: deal.with_user(self.rep).action_set_won()):
            with self.assertRaises(UserError) as err:
                attempt()
            self.assertIn(self.s_won.check_ids.name, str(err.exception), "the won stage's check gates winning")
            self.assertIn(self.s_test.check_ids[0].name, str(err.exception), "and those of the skipped stages")
            self.assertEqual(deal.stage_id, self.s_intent)
            self.assertLess(deal.probability, 100)
        all_checks = (self.s_proposal | self.s_test | self.s_business | self.s_won).check_ids
        answers = [{"check_id": c.id, "done": True} for c in all_checks]
        # qualify in one step (what the dialog sends), all but the won stage's check: still refused
        with self.assertRaises(UserError):
            deal.with_user(self.rep).action_sfcn_qualify_and_move(self.s_won.id, answers[:-1])
        self.assertEqual(deal.stage_id, self.s_intent)
        # all answered: on a funnel the won review (reason, summary) comes next and wins the deal
        action = deal.with_user(self.rep).action_sfcn_qualify_and_move(self.s_won.id, answers)
        self.assertEqual(action["res_model"], "crm.lead.won")
        self.assertEqual(deal.stage_id, self.s_intent)
        self.env["crm.lead.won"].with_user(self.rep).with_context(default_lead_ids=deal.ids).create({
            "won_reason_id": self.env.ref("sales_funnel_cn.won_reason_price").id,
            "close_summary": "价格和付款方式打动了客户"}).action_apply()
        self.assertEqual(deal.stage_id, self.s_won)
        self.assertEqual(deal.probability, 100)
        deal2 = self._deal()
        self._tick(deal2, self.proposal_checks)
        deal2.with_user(self.rep).write({"stage_id": self.s_proposal.id})
        deal2.with_user(self.rep).write({"stage_id": self.s_intent.id})
        self.assertEqual(deal2.stage_id, self.s_intent, "backward moves are free")
        answers = deal2.check_ids.filtered(lambda c: c.stage_id == self.s_proposal)
        self.assertEqual(len(answers), 3)
        self.assertTrue(all(answers.mapped("done")), "answers are kept")
        self.assertTrue(all(answers.mapped("needs_reconfirm")))
        answers[0].with_user(self.rep).write({"done": True})
        self.assertFalse(answers[0].needs_reconfirm)
        # lost is not a stage change and is never blocked
        deal3 = self._deal()
        deal3.with_user(self.rep).action_set_lost(lost_reason_id=self.env.ref("sales_funnel_cn.lost_reason_refused").id)
        self.assertFalse(deal3.active)

    def test_multi_record_write(self):
        ok, missing = self._deal("OK"), self._deal("Missing")
        self._tick(ok, self.proposal_checks)
        with self.assertRaises(UserError) as err:
            (ok | missing).with_user(self.rep).write({"stage_id": self.s_proposal.id})
        self.assertIn("Missing", str(err.exception))
        self.assertEqual((ok | missing).mapped("stage_id"), self.s_intent, "nothing half-written")
        self._tick(missing, self.proposal_checks)
        (ok | missing).with_user(self.rep).write({"stage_id": self.s_proposal.id})
        self.assertEqual((ok | missing).mapped("stage_id"), self.s_proposal)
        self.assertEqual(len((ok | missing).stage_history_ids.filtered(
            lambda h: h.stage_to_id == self.s_proposal)), 2)

    # ------------------------------------------------------------------ warn / force
    def test_warn_gate_flags_and_logs(self):
        self.s_proposal.gate_mode = "warn"
        deal = self._deal()
        # the web client (its user context asks first) gets the qualify dialog's error, not a silent move
        with self.assertRaises(UserError):
            deal.with_user(self.rep).with_context(sfcn_gate_ask=True).write({"stage_id": self.s_proposal.id})
        self.assertEqual(deal.stage_id, self.s_intent)
        deal.with_user(self.rep).write({"stage_id": self.s_proposal.id})
        self.assertEqual(deal.stage_id, self.s_proposal)
        self.assertTrue(deal.gate_skipped)
        body = deal.message_ids[0].body
        self.assertIn(self.proposal_checks[0].name, body)

    def test_manager_force_with_reason(self):
        deal = self._deal()
        for key in ("sfcn_force_reason", "sfcn_skip_gate", "sfcn_gate_override"):
            with self.assertRaises(UserError):
                deal.with_user(self.rep).with_context(**{key: "trust me"}).write({"stage_id": self.s_proposal.id})
            with self.assertRaises(UserError):
                deal.with_user(self.manager).with_context(**{key: "trust me"}).write({"stage_id": self.s_proposal.id})
        with self.assertRaises(UserError):
            deal.with_user(self.rep)._sfcn_move_stage_forced(self.s_proposal, "trust me")
        with self.assertRaises(UserError):
            self.env["crm.lead.force.stage"].with_user(self.rep).create({
                "lead_id": deal.id, "stage_id": self.s_proposal.id, "reason": "trust me"}).action_force()
        self.assertEqual(deal.stage_id, self.s_intent)
        wizard = self.env["crm.lead.force.stage"].with_user(self.manager).create({
            "lead_id": deal.id, "stage_id": self.s_proposal.id, "reason": "老客户续约，一把手已拍板"})
        wizard.action_force()
        self.assertEqual(deal.stage_id, self.s_proposal)
        self.assertTrue(deal.gate_skipped)
        self.assertIn("老客户续约", deal.message_ids[0].body)
        self.assertEqual(deal.stage_history_ids[0].forced_reason, "老客户续约，一把手已拍板")

    # ------------------------------------------------------------------ audit trail
    def test_audit_trail_keeps_every_tick(self):
        deal = self._deal(qualified=False)
        answer = deal.check_ids[0].with_user(self.rep)
        answer.write({"done": True, "note": "客户邮件确认"})
        self.assertEqual(answer.user_id, self.rep)
        self.assertTrue(answer.date)
        answer.write({"done": False})
        answer.write({"done": True})
        logs = self.env["crm.lead.check.log"].search([("lead_check_id", "=", answer.id)], order="id")
        self.assertEqual(logs.mapped("done"), [True, False, True])
        self.assertEqual(logs[0].note, "客户邮件确认")
        self.assertEqual(logs.user_id, self.rep)

    # ------------------------------------------------------------------ history
    def test_history_on_create_write_and_merge(self):
        deal = self._deal()
        self.assertEqual(len(deal.stage_history_ids), 1)
        self.assertFalse(deal.stage_history_ids.stage_from_id)
        self.assertEqual(deal.stage_history_ids.stage_to_id, self.s_intent)
        deal.date_last_stage_update = fields.Datetime.now() - timedelta(days=3)
        self._tick(deal, self.proposal_checks)
        deal.with_user(self.rep).write({"stage_id": self.s_proposal.id})
        last = deal.stage_history_ids.sorted("id")[-1]
        self.assertEqual((last.stage_from_id, last.stage_to_id), (self.s_intent, self.s_proposal))
        self.assertAlmostEqual(last.days_in_previous, 3.0, delta=0.1)
        self.assertEqual(last.user_id, self.rep)
        self.assertEqual(last.team_id, self.team)
        # merge into a team without these stages: crm moves the survivor to that team's first stage
        team2 = self.env["crm.team"].create({"name": "SFCN Team 2"})
        other = self._new_deal("合并商机", stage_id=self.s_intent.id)
        merged = (deal | other)._merge_opportunity(team_id=team2.id, auto_unlink=False)
        self.assertNotIn(merged.stage_id, self.s_intent | self.s_proposal)
        last = merged.stage_history_ids.sorted("id")[-1]
        self.assertEqual(last.stage_to_id, merged.stage_id)
        self.assertIn(last.stage_from_id, self.s_intent | self.s_proposal)

    def test_history_on_import(self):
        result = self.env["crm.lead"].load(
            ["name", "type", "team_id/.id", "stage_id/.id"],
            [["导入商机", "opportunity", str(self.team.id), str(self.s_intent.id)]])
        self.assertFalse(result["messages"])
        lead = self.env["crm.lead"].browse(result["ids"])
        self.assertEqual(lead.stage_history_ids.stage_to_id, self.s_intent)

    # ------------------------------------------------------------------ stale / pause / filters
    def test_stale_cron_twice_and_pause(self):
        old = fields.Datetime.now() - timedelta(days=self.s_intent.max_days + 2)
        stale = self._deal("停滞")
        paused = self._deal("暂缓", pause_until=fields.Date.today() + timedelta(days=5), pause_reason="客户春节放假")
        fresh = self._deal("新鲜")
        (stale | paused).write({"date_last_stage_update": old})
        with self.assertRaises(ValidationError):
            fresh.with_user(self.rep).write({"pause_until": fields.Date.today()})
        Lead = self.env["crm.lead"]
        found = Lead.search([("is_stale", "=", True), ("team_id", "=", self.team.id)])
        self.assertEqual(found, stale)
        self.assertIn(fresh, Lead.search([("is_stale", "=", False), ("team_id", "=", self.team.id)]))
        self.assertEqual(Lead.search([("is_paused", "=", True), ("team_id", "=", self.team.id)]), paused)
        self.assertTrue(stale.is_stale)
        self.assertFalse(paused.is_stale)
        for _run in range(2):
            Lead._cron_stale_deals()
        activities = self.env["mail.activity"].search([("res_model", "=", "crm.lead"), ("res_id", "=", stale.id)])
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.rep)
        notes = self.env["mail.message"].search([
            ("model", "=", "crm.lead"), ("res_id", "=", stale.id),
            ("message_type", "=", "user_notification"),
            ("partner_ids", "in", self.manager.partner_id.ids)])
        self.assertEqual(len(notes), 1)
        self.assertFalse(self.env["mail.activity"].search([("res_model", "=", "crm.lead"), ("res_id", "=", paused.id)]))

    def test_checklist_incomplete_filter(self):
        done, todo = self._deal("完成", qualified=False), self._deal("未完成", qualified=False)
        self._tick(done, self.intent_checks)
        found = self.env["crm.lead"].search([("check_incomplete", "=", True), ("team_id", "=", self.team.id)])
        self.assertEqual(found, todo)
        self.assertIn(done, self.env["crm.lead"].search([("check_incomplete", "=", False)]))

    # ------------------------------------------------------------------ query counts
    def _count_stage_write(self, deals, stage):
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.cr.sql_log_count
        deals.with_user(self.rep).write({"stage_id": stage.id})
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_gate_query_count_constant(self):
        # time stands still for the count: a second ticking over between the measured writes must not
        # change which timestamps differ (and so which UPDATEs are issued)
        with freeze_time(fields.Datetime.now()):
            self._check_gate_query_count_constant()

    def _check_gate_query_count_constant(self):
        self.s_proposal.gate_mode = "block"
        one = self._deal("one")
        self._tick(one, self.proposal_checks)
        many = self.env["crm.lead"]
        for i in range(5):
            many |= self._deal(f"many {i}")
        self._tick(many, self.proposal_checks)
        # more checklist items on the entered stage
        self.env["crm.stage.check"].create([{"stage_id": self.s_proposal.id, "name": f"extra {i}"} for i in range(5)])
        extra = self.s_proposal.check_ids - self.proposal_checks
        self.env["crm.lead.check"].create([{"lead_id": d.id, "check_id": c.id, "done": True}
                                           for d in one | many for c in extra])
        warm = self._deal("warm-up")
        self._tick(warm, self.s_proposal.check_ids)
        self._count_stage_write(warm, self.s_proposal)  # fill the ormcaches (groups, rules, ...)
        q_one = self._count_stage_write(one, self.s_proposal)
        q_many = self._count_stage_write(many, self.s_proposal)
        self.assertEqual(q_one, q_many, "a stage write costs the same for 1 and 5 deals, 3 or 8 items")
        back = one | many
        back.with_user(self.rep).write({"stage_id": self.s_intent.id})
        self.env.invalidate_all()
        with self.assertQueryCount(q_one):
            one.with_user(self.rep).write({"stage_id": self.s_proposal.id})
            self.env.flush_all()

    def test_stage_write_query_count(self):
        """The benchmark's shape (bench/bench_stage_gate.py): deals at 意向 with the required checks of 方案
        (block gate) ticked, moved one by one, each write flushed. One query: crm's UPDATE, inside which the
        stage trigger writes the stage history and the checklist rows of the next stage; the gate reads the
        answers from the deal's row, loaded with it. crm's own look-up of the won stages is answered by the
        module's stage cache (crm.lead._handle_won_lost): plain crm makes two queries. The customer's level is
        not recomputed by a move between two open stages."""
        env = self.env(context=dict(self.env.context, tracking_disable=True, mail_notrack=True,
                                    mail_create_nolog=True))
        self.s_proposal.gate_mode = "block"
        company = env["res.partner"].create({"name": "南京基准客户有限公司", "is_company": True})
        deals = env["crm.lead"].browse([self._deal(f"基准 {i}", partner_id=company.id).id for i in range(3)])
        self._tick(deals, self.proposal_checks)
        level_history = company.customer_level_history_ids
        self.env.flush_all()
        self.env.invalidate_all()
        deals[0].write({"stage_id": self.s_proposal.id})  # fills the caches (config, groups, rules)
        self.env.flush_all()
        self.env.cr.flush()  # the transaction's pending hooks, which clear the record cache
        deals.mapped("stage_id")  # the deals read once, as the benchmark's loop over its recordset has them
        for deal in deals[1:]:
            # as the benchmark counts: the write and its flush (what runs at commit is not the gate's)
            with self.assertQueryCount(1, flush=False):
                deal.write({"stage_id": self.s_proposal.id})
                self.env.flush_all()
        self.assertEqual(deals.stage_id, self.s_proposal)
        history = self.env["crm.lead.stage.history"].search([("lead_id", "in", deals.ids)])
        self.assertEqual(len(history.filtered(lambda h: h.stage_to_id == self.s_proposal)), 3)
        self.assertTrue(all(d.check_ids.filtered(lambda c: c.stage_id == self.s_test) for d in deals),
                        "the next stage's checklist rows are written by the same query")
        self.assertEqual(company.customer_level_history_ids, level_history)
        self.assertEqual(company.customer_level, "lead")
        # a move that changes what the level reads (won) still recomputes it at once
        wanted = (self.s_test | self.s_business | self.s_sign | self.s_won).check_ids
        rows = deals[0].check_ids.filtered(lambda c: c.check_id in wanted)
        rows.write({"done": True})
        env["crm.lead.check"].create([{"lead_id": deals[0].id, "check_id": c.id, "done": True}
                                      for c in wanted - rows.check_id])
        deals[0].write({"stage_id": self.s_won.id})
        self.assertEqual(company.customer_level, "signed")

    def test_won_lost_counts_kept(self):
        """crm's predictive scoring counts every win, loss and restore although the module answers crm's
        won-stage look-up from its stage cache: a move between open stages counts nothing, winning counts
        once, and a won stage created in the transaction is known at once (the cache is cleared)."""
        Frequency = self.env["crm.lead.scoring.frequency"]

        def counts():
            self.env.flush_all()
            rows = Frequency.search([("team_id", "=", self.team.id)])
            return sum(rows.mapped("won_count")), sum(rows.mapped("lost_count"))

        (self.s_intent | self.s_proposal | self.s_test | self.s_business | self.s_sign | self.s_won).write(
            {"gate_mode": "off"})
        deal, other = self._deal("计数 1"), self._deal("计数 2")
        before = counts()
        deal.write({"stage_id": self.s_proposal.id})
        self.assertEqual(counts(), before, "a move between open stages changes no count")
        deal.write({"stage_id": self.s_won.id})
        won = counts()
        self.assertGreater(won[0], before[0], "winning is counted")
        deal.write({"stage_id": self.s_proposal.id})
        self.assertLess(counts()[0], won[0], "leaving the won stage is counted")
        new_won = self.s_won.copy({"name": "赢单（新）", "sequence": self.s_won.sequence + 1})
        self.assertTrue(new_won.is_won)
        before = counts()
        other.write({"stage_id": new_won.id})
        self.assertGreater(counts()[0], before[0], "a won stage created just before is known")
        other.action_archive()
        self.assertGreater(counts()[1], before[1], "losing (archiving) is counted")

    def test_refused_move_writes_nothing(self):
        """The gate reads the answers in the query that writes the history and the checklist rows: a refused
        move (block gate; warn gate when the web client asks first) leaves neither, even when the caller goes
        on after the error without rolling back."""
        deal = self._deal("拒绝")
        rows = deal.check_ids
        for mode, lead in (("block", deal), ("warn", deal.with_context(sfcn_gate_ask=True))):
            self.s_proposal.gate_mode = mode
            refused = None
            try:
                lead.with_user(self.rep).write({"stage_id": self.s_proposal.id})
            except StageGateError as error:
                refused = error
            self.assertTrue(refused, f"the {mode} gate let the move through")
            self.env.invalidate_all()
            self.assertFalse(self.env["crm.lead.stage.history"].search(
                [("lead_id", "=", deal.id), ("stage_to_id", "=", self.s_proposal.id)]), mode)
            self.assertEqual(deal.check_ids, rows, "no checklist row of the stage after 方案 either")
            self.assertEqual(deal.stage_id, self.s_intent)
        # told to go on (the dialog's "go on"), the warn move is written once, flagged
        deal.with_user(self.rep).write({"stage_id": self.s_proposal.id})
        self.assertEqual(len(self.env["crm.lead.stage.history"].search(
            [("lead_id", "=", deal.id), ("stage_to_id", "=", self.s_proposal.id)])), 1)
        self.assertTrue(deal.gate_skipped)

    def test_stale_default_limit_from_settings(self):
        self.env.company.sfcn_default_stage_max_days = 5
        self.s_proposal.max_days = 0
        deal = self._deal("默认时限")
        self._tick(deal, self.proposal_checks)
        deal.stage_id = self.s_proposal
        deal.date_last_stage_update = fields.Datetime.now() - timedelta(days=6)
        self.assertTrue(deal.is_stale)
        self.assertIn(deal, self.env["crm.lead"].search([("is_stale", "=", True)]))
        self.s_proposal.max_days = 10
        deal.invalidate_recordset(["is_stale"])
        self.assertFalse(deal.is_stale)
        self.assertNotIn(deal, self.env["crm.lead"].search([("is_stale", "=", True)]))

    def test_ticks_saved_with_the_stage_in_one_write(self):
        """The form saves ticked answers and the new stage in one write: answers count first."""
        from odoo import Command
        deal = self._deal()
        deal.with_user(self.rep).write({
            "stage_id": self.s_proposal.id,
            "check_ids": [Command.update(c.id, {"done": True}) for c in deal.check_ids
                          if c.stage_id == self.s_proposal]})
        self.assertEqual(deal.stage_id, self.s_proposal)

    def test_rep_sees_only_own_deal_checklists(self):
        deal = self._deal()
        Check = self.env["crm.lead.check"]
        self.assertEqual(Check.with_user(self.rep).search([("lead_id", "=", deal.id)]), deal.check_ids)
        self.assertFalse(Check.with_user(self.rep2).search([("lead_id", "=", deal.id)]))
        self.assertFalse(self.env["crm.lead.stage.history"].with_user(self.rep2).search([("lead_id", "=", deal.id)]))
