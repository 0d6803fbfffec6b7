from odoo.tests import HttpCase
from odoo.tests import new_test_user
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestPoolTour(HttpCase):

    def test_pool_claim_cap_release(self):
        rep = new_test_user(self.env, login="sfcn_pool_rep", name="Pool Rep",
                            groups="base.group_user,sales_team.group_sale_salesman")
        team = self.env["crm.team"].create({"name": "Pool Tour Team", "member_ids": [(6, 0, rep.ids)]})
        self.env["crm.pool"].create({"name": "Tour Pool", "team_id": team.id, "holding_cap": 2})
        Lead = self.env["crm.lead"]
        Lead.create({"name": "Pool Tour Held", "type": "opportunity", "team_id": team.id, "user_id": rep.id})
        pooled = Lead.create([{"name": f"Pool Tour {x}", "type": "opportunity", "team_id": team.id,
                               "user_id": False, "phone": "13912345678"} for x in "AB"])
        self.start_tour("/odoo/action-sales_funnel_cn.crm_lead_action_pool", "sales_funnel_cn_pool", login=rep.login)
        deal_a, deal_b = pooled
        self.assertFalse(deal_b.user_id)
        self.assertFalse(deal_a.user_id, "claimed, then released")
        history = deal_a.pool_history_ids
        self.assertEqual(history.mapped("end_reason"), ["released"])
        self.assertEqual(history.rule, "Customer went with a competitor")
