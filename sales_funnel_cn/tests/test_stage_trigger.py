"""What records a stage move in the database (crm_lead_stage_history.py): the trigger inside crm_lead's UPDATE,
its next-stage rule against the gate's pipelines, and the answers the gate reads from the deal's row."""
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.crm_lead_stage_history import NEXT_FUNCTION
from ..models.crm_lead_stage_record import CHECKS_DONE_SQL
from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestStageTrigger(SalesFunnelCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Team, Stage = cls.env["crm.team"], cls.env["crm.stage"]
        cls.stages_b2b = cls.env.ref("sales_funnel_cn.funnel_template_b2b").action_apply(cls.team)
        # a team without a template, with a stage of its own between the shared ones
        cls.plain_team = Team.create({"name": "SFCN plain team"})
        cls.own_stage = Stage.create({"name": "Own stage", "sequence": 2, "team_id": cls.plain_team.id,
                                      "check_ids": [Command.create({"name": "Own check", "required": True})]})
        # a team whose template brought no stage of its own yet (keeps Odoo's pipeline), and an archived team
        cls.waiting_team = Team.create({"name": "SFCN waiting team"})
        cls.env.cr.execute("UPDATE crm_team SET funnel_template_id = %s WHERE id = %s",
                           [cls.env.ref("sales_funnel_cn.funnel_template_baidu").id, cls.waiting_team.id])
        cls.archived_team = Team.create({"name": "SFCN archived team", "active": False})
        cls.env.ref("sales_funnel_cn.funnel_template_probability").action_apply(cls.archived_team)
        cls.env.registry.clear_cache()
        cls.env.invalidate_all()

    def test_next_stage_of_the_trigger_is_the_gates(self):
        """For every team (none included) and every stage, the stage whose checklist rows the database writes
        as "the next one" is the next stage of the team's pipeline as the gate sees it (GateConfig)."""
        config = self.env["crm.stage"]._sfcn_gate_config()
        teams = [*self.env["crm.team"].with_context(active_test=False).search([]).ids, None]
        stages = self.env["crm.stage"].search([])
        pairs = [(team_id, stage.id) for team_id in teams for stage in stages]
        self.env.cr.execute(f"SELECT t, s, {NEXT_FUNCTION}(t, s) FROM unnest(%s::int[], %s::int[]) AS r(t, s)",
                            [[t for t, _s in pairs], [s for _t, s in pairs]])
        got = {(t, s): n for t, s, n in self.env.cr.fetchall()}
        own_seen = set()
        for team_id, stage in ((t, self.env["crm.stage"].browse(s)) for t, s in pairs):
            pipeline, own = config.pipeline(team_id)
            key = config.key(stage)
            expected = next((s.id for s in pipeline if s.key > key), None)
            self.assertEqual(got[(team_id, stage.id)], expected, (team_id, stage.name))
            own_seen.add(own)
        self.assertEqual(own_seen, {True, False}, "teams with and without a funnel of their own were compared")

    def test_a_move_in_sql_is_recorded_by_the_update_itself(self):
        """The record of a move does not depend on which code moved the deal: an UPDATE of crm_lead records it."""
        intent, proposal, testing = self.stages_b2b[:3]
        deal = self._new_deal("触发器商机", stage_id=intent.id)
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET stage_id = %s, write_uid = %s WHERE id = %s",
                            [proposal.id, self.rep.id, deal.id])
        self.env.invalidate_all()
        last = deal.stage_history_ids[:1]
        self.assertEqual((last.stage_from_id, last.stage_to_id, last.user_id, last.team_id),
                         (intent, proposal, self.rep, self.team))
        self.assertEqual(last.date, self.env.cr.now().replace(tzinfo=None))
        self.assertTrue((proposal | testing).check_ids <= deal.check_ids.check_id)
        # an UPDATE that leaves the stage as it was records nothing
        count = len(deal.stage_history_ids)
        self.env.cr.execute("UPDATE crm_lead SET stage_id = stage_id, name = 'x' WHERE id = %s", [deal.id])
        self.env.invalidate_all()
        self.assertEqual(len(deal.stage_history_ids), count)

    def test_rows_of_a_move_are_seen_before_the_flush(self):
        """The ORM writes the move at its flush, where the trigger runs: reading the deal's history or checklist
        (or searching them) right after the write sees the move's rows."""
        intent, proposal, testing = self.stages_b2b[:3]
        deal = self._new_deal("未刷新商机", stage_id=intent.id)
        deal.check_ids.filtered(lambda c: c.check_id in intent.check_ids | proposal.check_ids).write({"done": True})
        self.assertFalse(deal.check_ids.filtered(lambda c: c.stage_id == testing))
        deal.with_user(self.rep).write({"stage_id": proposal.id})
        self.assertEqual(deal.stage_history_ids[:1].stage_to_id, proposal)
        self.assertTrue(deal.check_ids.filtered(lambda c: c.stage_id == testing))
        self.assertEqual(self.env["crm.lead.check"].search_count(
            [("lead_id", "=", deal.id), ("stage_id", "=", testing.id)]), len(testing.check_ids))
        self.assertEqual(self.env["crm.lead.stage.history"].search_count(
            [("lead_id", "=", deal.id), ("stage_to_id", "=", proposal.id)]), 1)

    def test_answers_the_gate_reads_follow_the_checklist(self):
        intent, proposal = self.stages_b2b[:2]
        deal = self._new_deal("答案商机", stage_id=intent.id)
        rows = deal.check_ids.filtered(lambda c: c.check_id in intent.check_ids)
        rows[:2].with_user(self.rep).write({"done": True})
        self.assertEqual(deal._sfcn_done_check_ids(), set(rows[:2].check_id.ids))
        rows[:1].with_user(self.rep).write({"done": False})
        self.assertEqual(deal._sfcn_done_check_ids(), set(rows[1:2].check_id.ids))
        # ticked and moved in one save (the qualify dialog's, a form's): the gate reads the new answers
        wanted = intent.check_ids | proposal.check_ids
        deal.with_user(self.rep).write({
            "check_ids": [Command.update(r.id, {"done": True})
                          for r in deal.check_ids.filtered(lambda c: c.check_id in wanted)],
            "stage_id": proposal.id})
        self.assertEqual(deal.stage_id, proposal)
        # the SQL twin (install, migration) gives the same text as the ORM
        self.env.flush_all()
        stored = deal.sfcn_checks_done
        self.assertTrue(stored)
        self.env.cr.execute("UPDATE crm_lead SET sfcn_checks_done = NULL WHERE id = %s", [deal.id])
        self.env.cr.execute(CHECKS_DONE_SQL)
        self.env.invalidate_all()
        self.assertEqual(deal.sfcn_checks_done, stored)

    def test_answers_the_gate_reads_are_nobodys_to_write(self):
        intent, proposal = self.stages_b2b[:2]
        deal = self._new_deal("伪造商机", stage_id=intent.id)
        forged = " ".join(str(i) for i in sorted((intent | proposal).check_ids.ids))
        for user in (self.rep, self.manager, self.env.ref("base.user_admin")):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                deal.with_user(user).write({"sfcn_checks_done": forged, "stage_id": proposal.id})
            with self.subTest(user=user.login), self.assertRaises(UserError):
                self.env["crm.lead"].with_user(user).create({"name": "伪造", "sfcn_checks_done": forged})
        self.assertEqual(deal.stage_id, intent)
        self.assertFalse(deal.sfcn_checks_done)
