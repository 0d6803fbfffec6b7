from odoo.tests import HttpCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestRoleTours(HttpCase):
    """The README's "What the module does" table, end to end on the demo data, once per role."""

    def test_rep(self):
        zhang = self.env.ref("sales_funnel_cn.user_rep_zhang")
        pooled = self.env.ref("sales_funnel_cn.pool_lead_00")
        self.assertFalse(pooled.user_id)
        self.start_tour("/odoo", "sales_funnel_cn_role_rep", login=zhang.login)
        self.assertEqual(pooled.user_id, zhang, "claimed from the pool")
        deal = self.env["crm.lead"].search([("name", "=", "宁波海通 - CRM 系统")])
        self.assertEqual(deal.call_log_ids[:1].outcome_id.code, "C")
        self.assertIn("support", deal.key_person_ids.mapped("attitude"))

    def test_manager(self):
        self.start_tour("/odoo", "sales_funnel_cn_role_manager",
                        login=self.env.ref("sales_funnel_cn.user_manager_liu").login)

    def test_admin(self):
        self.start_tour("/odoo", "sales_funnel_cn_role_admin", login="admin")
