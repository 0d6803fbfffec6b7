from odoo import Command
from odoo.tests import HttpCase
from odoo.tests import new_test_user
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestStageGateTour(HttpCase):

    def test_rep_qualifies_and_wins_through_the_dialog(self):
        # a Chinese rep: the template's stages and checks show in zh_CN
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_funnel_cn"], ["zh_CN"], overwrite=True)
        rep = new_test_user(self.env, login="sfcn_tour_rep", name="Tour Rep", lang="zh_CN",
                            groups="base.group_user,sales_team.group_sale_salesman")
        team = self.env["crm.team"].create({
            "name": "Tour Team", "crm_team_member_ids": [Command.create({"user_id": rep.id})]})
        stages = self.env.ref("sales_funnel_cn.funnel_template_b2b").action_apply(team)
        deal = self.env["crm.lead"].create({
            "name": "门禁巡检商机", "type": "opportunity", "team_id": team.id, "user_id": rep.id,
            "stage_id": stages[0].id})
        # qualified at 意向, the first stage (whose checks are asked when the deal moves on)
        deal.check_ids.filtered(lambda c: c.stage_id == stages[0]).write({"done": True})
        self.start_tour("/odoo", "sales_funnel_cn_stage_gate", login="sfcn_tour_rep")
        self.env.invalidate_all()
        self.assertEqual(deal.stage_id, stages[5], "won through the dialog")
        self.assertEqual(deal.probability, 100)
        self.assertEqual(deal.won_reason_id, self.env.ref("sales_funnel_cn.won_reason_price"), "the won review")
        self.assertEqual(deal.close_summary, "价格和付款方式打动了客户")
        proposal = deal.check_ids.filtered(lambda c: c.stage_id == stages[1])
        self.assertTrue(all(proposal.mapped("done")))
        self.assertEqual(proposal.log_ids.user_id, rep)
        self.assertIn("周会纪要", proposal.mapped("note"))
        won_check = deal.check_ids.filtered(lambda c: c.stage_id == stages[5])
        self.assertTrue(won_check.done)
        history = deal.stage_history_ids.sorted("id")
        self.assertEqual(history.mapped("stage_to_id"), stages[0] | stages[1] | stages[5])
        self.assertFalse(deal.gate_skipped)
