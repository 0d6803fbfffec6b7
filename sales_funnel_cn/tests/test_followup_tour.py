from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestFollowupTour(HttpCase):

    def test_log_visit_with_checkin(self):
        admin = self.env.ref("base.user_admin")
        customer = self.env["res.partner"].create({
            "name": "SFCN 拜访客户", "is_company": True, "partner_latitude": 31.2989, "partner_longitude": 120.5853})
        old = fields.Datetime.now() - timedelta(days=8)
        Lead = self.env["crm.lead"]
        deal = Lead.create({"name": "SFCN 拜访商机", "type": "opportunity", "user_id": admin.id,
                            "partner_id": customer.id, "date_last_followup": old})
        Lead.create({"name": "SFCN 未跟进商机", "type": "opportunity", "user_id": admin.id,
                     "partner_id": customer.id, "date_last_followup": old})
        self.start_tour(f"/odoo/crm/{deal.id}", "sales_funnel_cn_followup_visit", login="admin")
        visit = deal.followup_ids
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.purpose, "确认上线计划")
        self.assertTrue(visit.checkin_date)
        self.assertAlmostEqual(visit.checkin_latitude, 31.299, places=3)
        self.assertFalse(visit.checkin_far)
        self.assertTrue(deal.followed_up_this_week)
