from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestSalesFunnelTours(HttpCase):

    def test_open_deal_shows_funnel_tab(self):
        self.env["crm.lead"].create({
            "name": "SFCN 巡检商机",
            "type": "opportunity",
            "user_id": self.env.ref("base.user_admin").id,
            "date_last_stage_update": fields.Datetime.now() - timedelta(days=6, hours=1),
        })
        self.start_tour("/odoo", "sales_funnel_cn_open_deal", login="admin")


@tagged("post_install", "-at_install")
class TestCallOutcomeTour(HttpCase):

    def test_wn_call_flags_number_on_other_lead(self):
        admin = self.env.ref("base.user_admin")
        Lead = self.env["crm.lead"]
        self.env["crm.phone.suppression"].search([]).write({"active": False})
        lead_a = Lead.create({"name": "SFCN 外呼 A", "type": "opportunity", "user_id": admin.id,
                              "phone": "138 0013 8000"})
        lead_b = Lead.create({"name": "SFCN 外呼 B", "type": "opportunity", "user_id": admin.id,
                              "phone": "+86-13800138000"})
        self.start_tour(f"/odoo/crm/{lead_a.id}", "sales_funnel_cn_call_wn", login="admin")
        self.assertEqual(lead_a.call_log_ids.outcome_id.code, "W/N")
        self.assertTrue(lead_b.call_suppressed)

    def test_contact_call_list_and_banner(self):
        self.env["crm.phone.suppression"].search([]).write({"active": False})
        contact = self.env["res.partner"].create({"name": "SFCN 回拨联系人", "phone": "021 6000 5555"})
        contact.write({"call_next_date": fields.Datetime.now() - timedelta(hours=1)})
        self.assertTrue(contact.call_due_today)
        self.start_tour("/odoo/action-sales_funnel_cn.res_partner_action_call_today",
                        "sales_funnel_cn_call_contact", login="admin")
        contact.invalidate_recordset()
        self.assertEqual(self.env["crm.call.log"].search([("partner_id", "=", contact.id)]).code, "B/L")
        self.assertTrue(contact.call_suppressed)
        self.assertFalse(contact.call_due_today)

    def test_funnel_plan_form(self):
        team = self.env["crm.team"].create({"name": "SFCN 巡检团队"})
        plan = self.env["crm.funnel.plan"].create({
            "year": fields.Date.today().year, "team_id": team.id, "target_amount": 300.0,
            "avg_contract_amount": 3.0, "target_units": 200.0, "avg_units_per_contract": 2.0, "win_rate": 10.0})
        self.assertEqual(plan.name, f"{plan.year} SFCN 巡检团队")
        team.name = "SFCN 平衡计划"
        self.assertEqual(plan.name, f"{plan.year} SFCN 平衡计划")
        self.start_tour("/odoo", "sales_funnel_cn_funnel_plan", login="admin")
        self.assertEqual(plan.target_amount, 600.0)
        self.assertEqual(plan.customers_needed_month, 166.7)


@tagged("post_install", "-at_install")
class TestCustomerGradeTour(HttpCase):

    def test_three_key_persons_raise_grade_d_to_b(self):
        company = self.env["res.partner"].create({"name": "杭州巡检科技有限公司", "is_company": True})
        self.env["res.partner"].create([
            {"name": "李工程师", "parent_id": company.id}, {"name": "张经理", "parent_id": company.id}])
        deal = self.env["crm.lead"].create({
            "name": "SFCN 关键人商机",
            "type": "opportunity",
            "partner_id": company.id,
            "user_id": self.env.ref("base.user_admin").id,
            "budget_confirmed": True,
            "procurement_state": "clear",
            "date_deadline": fields.Date.today() + timedelta(days=20),
        })
        self.assertFalse(deal.customer_grade)
        self.start_tour(f"/odoo/action-crm.crm_lead_action_pipeline/{deal.id}",
                        "sales_funnel_cn_customer_grade", login="admin")
        self.assertEqual(deal.customer_grade, "B")
        self.assertEqual(sorted(deal.key_person_ids.mapped("role")), ["eb", "tb", "ub"])
        self.assertEqual(deal.key_person_ids.filtered(lambda kp: kp.role == "eb").partner_id.name, "王建国")
