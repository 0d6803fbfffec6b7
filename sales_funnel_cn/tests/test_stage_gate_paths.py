from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.crm_lead_gate import StageGateError
from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestStageGatePaths(SalesFunnelCommon):
    """Entry criteria as the seeds mean them, on every path that creates or moves a deal; each team sees
    its own funnel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("sales_funnel_cn.funnel_template_probability")
        cls.stages = cls.template.action_apply(cls.team)
        cls.s10, cls.s25, cls.s50, cls.s75, cls.s90, cls.s100 = cls.stages
        cls.generic = cls.env["crm.stage"].search([("team_id", "=", False)])

    def _deal(self, name="入口商机", stage=None, qualified=True, **vals):
        """A deal at 10% (or ``stage``); qualified: its 10% checks ticked (asked when it moves on from the
        first stage)."""
        deal = self._new_deal(name, stage_id=(stage or self.s10).id, **vals)
        if qualified:
            deal.check_ids.filtered(lambda c: c.check_id in self.s10.check_ids).with_user(self.rep).write(
                {"done": True})
        return deal

    def _answers(self, *stages):
        return [{"check_id": c.id, "done": True, "note": "客户确认"} for s in stages for c in s.check_ids]

    # ------------------------------------------------------------------ create / import / copy
    def test_create_at_later_stage_is_gated(self):
        Lead = self.env["crm.lead"].with_user(self.rep)
        vals = {"name": "直接意向", "type": "opportunity", "team_id": self.team.id, "user_id": self.rep.id}
        with self.assertRaises(UserError) as err:
            Lead.create(dict(vals, stage_id=self.s75.id))
        self.assertIn(self.s25.check_ids[0].name, str(err.exception), "skipped stages' checks count")
        self.assertIn(self.s75.check_ids[0].name, str(err.exception))
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "直接意向")]))
        # the first stage of the pipeline is where a deal is born
        deal = Lead.create(dict(vals, stage_id=self.s10.id))
        self.assertEqual(deal.stage_id, self.s10)
        # a rep cannot claim a deal was entered before the checklist
        with self.assertRaises(UserError):
            Lead.create(dict(vals, stage_id=self.s75.id, sfcn_historical=True))
        with self.assertRaises(UserError):
            deal.write({"sfcn_historical": True})

    def test_manager_brings_in_historical_deal(self):
        deal = self.env["crm.lead"].with_user(self.manager).create({
            "name": "历史商机", "type": "opportunity", "team_id": self.team.id, "user_id": self.rep.id,
            "stage_id": self.s75.id, "sfcn_historical": True})
        self.assertEqual(deal.stage_id, self.s75)
        self.assertEqual(deal.probability, 75)
        marked = deal.check_ids.filtered(lambda c: c.note == "Entered before the checklist")
        self.assertEqual(set(marked.check_id.ids),
                         set((self.s10 | self.s25 | self.s50 | self.s75).check_ids.filtered("required").ids))
        self.assertTrue(all(marked.mapped("done")))
        self.assertEqual(marked.user_id, self.manager)
        self.assertTrue(marked.log_ids, "the audit trail records it")
        self.assertIn("entered before the checklist", deal.message_ids[0].body)

    def test_import_load_gated_and_manager_historical(self):
        fields_ = ["name", "type", "team_id/.id", "stage_id/.id"]
        row = ["导入意向", "opportunity", str(self.team.id), str(self.s75.id)]
        result = self.env["crm.lead"].with_user(self.rep).load(fields_, [row])
        self.assertFalse(result["ids"])
        self.assertIn(self.s75.check_ids[0].name, " ".join(m["message"] for m in result["messages"]))
        result = self.env["crm.lead"].with_user(self.rep).load([*fields_, "sfcn_historical"], [[*row, "1"]])
        self.assertFalse(result["ids"])
        result = self.env["crm.lead"].with_user(self.manager).load([*fields_, "sfcn_historical"], [[*row, "1"]])
        self.assertFalse(result["messages"])
        lead = self.env["crm.lead"].browse(result["ids"])
        self.assertEqual(lead.stage_id, self.s75)
        self.assertTrue(lead.sfcn_historical)

    def test_copy_starts_at_first_stage(self):
        deal = self._deal()
        deal.with_user(self.rep).action_sfcn_qualify_and_move(self.s50.id, self._answers(self.s25, self.s50))
        self.assertEqual(deal.stage_id, self.s50)
        dup = deal.with_user(self.rep).copy()
        self.assertEqual(dup.stage_id, self.s10, "a duplicate is a new deal: it starts at the first stage")
        self.assertEqual(dup.probability, 10)
        self.assertFalse(dup.check_ids.filtered("done"))

    # ------------------------------------------------------------------ moves
    def test_qualify_and_move_in_one_step(self):
        deal = self._deal()
        with self.assertRaises(StageGateError) as err:
            deal.with_user(self.rep).write({"stage_id": self.s50.id})
        payload = err.exception.context["sfcn_gate"]
        self.assertEqual(payload["stage_id"], self.s50.id)
        self.assertEqual(payload["mode"], "block")
        self.assertEqual({i["check_id"] for i in payload["items"]}, set((self.s25 | self.s50).check_ids.ids))
        self.assertTrue(all(i["missing"] for i in payload["items"]))
        deal.with_user(self.rep).action_sfcn_qualify_and_move(self.s50.id, self._answers(self.s25, self.s50))
        self.assertEqual(deal.stage_id, self.s50)
        self.assertEqual(deal.probability, 50)
        ticked = deal.check_ids.filtered(lambda c: c.check_id in (self.s25 | self.s50).check_ids)
        self.assertTrue(all(ticked.mapped("done")))
        self.assertEqual(set(ticked.mapped("note")), {"客户确认"})
        self.assertEqual(ticked.user_id, self.rep)
        self.assertFalse(deal.gate_skipped)

    def test_warn_dialog_goes_on_and_records(self):
        self.s25.gate_mode = "warn"
        deal = self._deal()
        ask = deal.with_user(self.rep).with_context(sfcn_gate_ask=True)
        with self.assertRaises(StageGateError) as err:
            ask.write({"stage_id": self.s25.id})
        self.assertEqual(err.exception.context["sfcn_gate"]["mode"], "warn")
        answers = self._answers(self.s25)[:1]
        ask.action_sfcn_qualify_and_move(self.s25.id, answers, True)
        self.assertEqual(deal.stage_id, self.s25)
        self.assertTrue(deal.gate_skipped)
        self.assertIn(self.s25.check_ids[1].name, deal.message_ids[0].body)
        self.assertNotIn(self.s25.check_ids[0].name, deal.message_ids[0].body)

    def test_probability_follows_stage_whatever_the_client_sends(self):
        deal = self._deal()
        # the form sends the predicted probability with the new stage
        deal.with_user(self.rep).write({"stage_id": self.s25.id, "probability": 98.08,
                                         "check_ids": [Command.update(c.id, {"done": True})
                                                       for c in deal.check_ids if c.stage_id == self.s25]})
        self.assertEqual(deal.probability, 25)
        self.assertEqual(deal.stage_id, self.s25)
        created = self._deal("带概率", probability=98.08)
        self.assertEqual(created.probability, 10)

    def test_stage_outside_the_team_pipeline_refused(self):
        deal = self._deal()
        with self.assertRaises(UserError) as err:
            deal.with_user(self.rep).write({"stage_id": self.generic[0].id})
        self.assertIn("pipeline", str(err.exception))
        self.assertEqual(deal.stage_id, self.s10)

    def test_conversion_and_merge(self):
        lead = self.env["crm.lead"].create({"name": "线索", "type": "lead", "team_id": self.team.id,
                                            "user_id": self.rep.id, "partner_id": self.customer.id})
        lead.with_user(self.rep).convert_opportunity(self.customer, user_ids=self.rep.ids, team_id=self.team.id)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.stage_id, self.s10, "converted into the team's first funnel stage")
        a, b = self._deal("合并甲"), self._deal("合并乙")
        a.with_user(self.rep).action_sfcn_qualify_and_move(self.s25.id, self._answers(self.s25))
        merged = (a | b).with_user(self.rep)._merge_opportunity(auto_unlink=False)
        self.assertEqual(merged, a)
        self.assertEqual(merged.stage_id, self.s25, "a merge keeps the most advanced deal's verified stage")

    # ------------------------------------------------------------------ team pipelines
    def test_team_sees_only_its_funnel(self):
        self._deal()
        Lead = self.env["crm.lead"].with_user(self.rep).with_context(default_team_id=self.team.id)
        groups = Lead.read_group([("team_id", "=", self.team.id)], ["stage_id"], ["stage_id"])
        self.assertEqual([g["stage_id"][0] for g in groups], self.stages.ids)
        # Odoo 18's pipeline action sets no default team: the domain's team, else the user's own team
        Lead = self.env["crm.lead"].with_user(self.rep)
        for domain in ([("team_id", "=", self.team.id)], [("user_id", "=", self.rep.id)]):
            groups = Lead.read_group(domain, ["stage_id"], ["stage_id"])
            self.assertEqual([g["stage_id"][0] for g in groups], self.stages.ids, domain)
        deal = self._deal("状态栏")
        self.assertEqual(deal.sfcn_stage_ids, self.stages)
        funnel = self.env["crm.lead.funnel.report"]._funnel([("team_id", "=", self.team.id)])
        self.assertEqual([row[0] for row in funnel], list(self.s10),
                         "the report shows the team's funnel only (no generic stage reached before 10 %)")
        history = self.env["crm.lead.stage.history"].search([("lead_id", "=", deal.id)])
        self.assertTrue(history and history.stage_to_id <= self.stages)
        other_team = self.env["crm.team"].create({"name": "无模板组"})
        other = self._new_deal("通用", team_id=other_team.id)
        self.assertEqual(other.sfcn_stage_ids, self.generic | self.env["crm.stage"].search(
            [("team_id", "=", other_team.id)]), "a team without a template keeps Odoo's stages")
        self.assertIn(other.stage_id, self.generic)

    def test_stage_suggestions_follow_the_pipeline_in_view(self):
        """The search bar's "Search Stage for" (crm.stage.name_search with the search view's context and the
        deal's stage field's own context) lists the stages of the pipeline in view, not every team's."""
        other = self.env["crm.team"].create({"name": "另一个概率组"})
        other_stages = self.template.action_apply(other)
        plain = self.env["crm.team"].create({"name": "通用组"})
        plain_stage = self.env["crm.stage"].create({"name": "通用组专属阶段", "team_id": plain.id})
        # what the web client's search bar merges into the context of its name_search
        views = self.env["crm.lead"].with_user(self.rep).get_views([(False, "search")])
        field_context = views["models"]["crm.lead"]["fields"]["stage_id"]["context"]
        Stage = self.env["crm.stage"].with_user(self.rep)

        def suggested(name="", **context):
            return Stage.with_context(**context).name_search(name, [], "ilike", limit=100)

        def ids(result):
            return {stage_id for stage_id, _label in result}

        # a team's pipeline (the team's kanban): its funnel only, not the other team's copies of its stages
        self.assertEqual(ids(suggested(default_team_id=self.team.id)), set(self.stages.ids))
        self.assertEqual(ids(suggested(self.s25.name, default_team_id=self.team.id)), {self.s25.id})
        self.assertEqual(ids(suggested(self.s25.name, default_team_id=other.id)), {other_stages[1].id})
        # a team without a template: Odoo's pipeline (the shared stages and its own)
        self.assertEqual(ids(suggested(default_team_id=plain.id)), set((self.generic | plain_stage).ids))
        # My Pipeline (no team in the context): the pipelines of the user's teams, for the deal's stage field
        self.assertEqual(ids(suggested(**field_context)), set(self.stages.ids))
        self.assertEqual(ids(suggested(self.s25.name, **field_context)), {self.s25.id})
        manager = Stage.with_user(self.manager).with_context(**field_context)  # leads the team, no member
        self.assertEqual(ids(manager.name_search(self.s25.name, [], "ilike", 100)), {self.s25.id})
        # a user in no team (an administrator) and any other stage field keep Odoo's list
        admin = self.env["crm.stage"].with_user(self.env.ref("base.user_admin"))
        admin.env.user.crm_team_member_ids.unlink()
        self.env["crm.team"].search([("user_id", "=", admin.env.uid)]).user_id = False
        every = set(self.env["crm.stage"].search([("name", "ilike", self.s25.name)]).ids)
        self.assertTrue({self.s25.id, other_stages[1].id} <= every)
        self.assertEqual(ids(admin.with_context(**field_context).name_search(self.s25.name, [], "ilike", 100)),
                         every)
        self.assertEqual(ids(suggested(self.s25.name)), every)
        # a domain of the caller's own (a form's stage field) decides alone
        self.assertEqual(ids(Stage.with_context(default_team_id=self.team.id).name_search(
            self.s25.name, [("team_id", "=", other.id)], "ilike", 100)), {other_stages[1].id})
        # suggestions only: a search on the stage by name still finds every team's deals
        theirs = self._new_deal("另一组商机", team_id=other.id)
        found = self.env["crm.lead"].with_context(default_team_id=self.team.id).search(
            [("stage_id", "ilike", self.s10.name), ("id", "=", theirs.id)])
        self.assertEqual(found, theirs)

    def test_apply_template_maps_open_deals(self):
        team = self.env["crm.team"].create({
            "name": "华南组", "user_id": self.manager.id,
            "crm_team_member_ids": [Command.create({"user_id": self.rep.id})]})
        won_stage = self.generic.filtered("is_won")[:1]
        open_stage = self.generic.filtered(lambda s: not s.is_won)[:1]
        low = self._new_deal("低", team_id=team.id, stage_id=open_stage.id, probability=12)
        high = self._new_deal("高", team_id=team.id, stage_id=open_stage.id, probability=70)
        won = self._new_deal("赢", team_id=team.id, stage_id=won_stage.id)
        wizard = self.env["crm.funnel.template.apply"].with_user(self.manager).create(
            {"team_id": team.id, "template_id": self.template.id})
        self.assertEqual(wizard.deal_count, 3)
        self.assertIn("低", wizard.preview)
        self.assertEqual(low.stage_id, open_stage, "the preview writes nothing")
        with self.assertRaises(UserError):
            self.env["crm.funnel.template.apply"].with_user(self.rep).create(
                {"team_id": team.id, "template_id": self.template.id}).action_apply()
        wizard.action_apply()
        stages = self.env["crm.stage"].search([("team_id", "=", team.id)])
        by_prob = {s.stage_probability: s for s in stages}
        self.assertEqual(low.stage_id, by_prob[10])
        self.assertEqual(high.stage_id, by_prob[75])
        self.assertEqual(won.stage_id, by_prob[100])
        for deal in (low, high, won):
            last = deal.stage_history_ids.sorted("id")[-1]
            self.assertEqual(last.stage_to_id, deal.stage_id)
            self.assertTrue(last.forced_reason)
        self.assertFalse(high.gate_skipped, "never blocked nor flagged retroactively")
        # switching a deal's team maps its stage the same way
        self.assertEqual(team.funnel_template_id, self.template)
        moved = high
        moved.with_user(self.manager).write({"team_id": self.team.id})
        self.assertEqual(moved.stage_id, self.s75)
        self.assertEqual(moved.stage_history_ids.sorted("id")[-1].stage_to_id, self.s75)

    def test_language_loaded_later_reaches_template_stages(self):
        """The demo team's funnel is applied before zh_CN is loaded: loading it translates the stages."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.assertNotEqual(self.s10.with_context(lang="zh_CN").name, "10% 目标客户", "the terms are not loaded yet")
        self.env["ir.module.module"]._load_module_terms(["sales_funnel_cn"], ["zh_CN"], overwrite=True)
        self.env.invalidate_all()
        self.assertEqual(self.s10.with_context(lang="zh_CN").name, "10% 目标客户")
        self.assertEqual(self.s100.check_ids.with_context(lang="zh_CN").name, "合同签订，收到预付款")

    def test_settings_template_for_new_teams(self):
        settings = self.env["res.config.settings"].create({"sfcn_default_funnel_template_id": self.template.id})
        settings.execute()
        team = self.env["crm.team"].create({"name": "新团队"})
        self.assertEqual(team.funnel_template_id, self.template)
        stages = self.env["crm.stage"].search([("team_id", "=", team.id)])
        self.assertEqual(stages.mapped("stage_probability"), [10, 25, 50, 75, 90, 100])
        deal = self._new_deal("新团队商机", team_id=team.id)
        self.assertEqual(deal.stage_id, stages[0], "a new deal starts at the team's first funnel stage")

    def test_team_detour_cannot_win_a_deal(self):
        """A rep moves a deal to a team without checklists, wins it there on Odoo's stages, and moves it
        back: the mapping back into the funnel is gated like a new deal entering at that stage."""
        plain = self.env["crm.team"].create({
            "name": "普通组", "crm_team_member_ids": [Command.create({"user_id": self.rep.id})]})
        deal = self._deal("绕行")
        deal.with_user(self.rep).write({"team_id": plain.id})
        self.assertIn(deal.stage_id, self.generic, "mapped onto the plain team's pipeline")
        deal.with_user(self.rep).write({"stage_id": self.generic.filtered("is_won")[:1].id})
        self.assertEqual(deal.probability, 100)
        with self.assertRaises(UserError) as err:
            deal.with_user(self.rep).write({"team_id": self.team.id})
        self.assertIn(self.s100.check_ids.name, str(err.exception))
        self.assertEqual(deal.team_id, plain)
