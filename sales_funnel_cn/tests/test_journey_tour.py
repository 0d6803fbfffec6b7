from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestJourneyTour(HttpCase):
    """The journey in the browser: channel, score and MQL, hand-off, conversion refused then allowed by the
    seed-003 criterion, won, and a referral lead created from the new customer (all in
    the browser; the server's records are read back here)."""

    def test_journey_tour(self):
        admin = self.env.ref("base.user_admin")
        team = self.env["crm.team"].create({
            "name": "SFCN 旅程团队", "sfcn_convert_criterion": "block", "sfcn_mql_threshold": 50,
            "member_ids": [(6, 0, admin.ids)]})
        self.env["crm.lead.scoring.rule"].search([]).active = False
        self.env["crm.lead.scoring.rule"].create([
            {"name": "SFCN 旅程 规模", "criterion": "size", "size": "200_999", "points": 60}])
        customer = self.env["res.partner"].create({"name": "SFCN 旅程客户", "is_company": True})
        lead = self.env["crm.lead"].create({
            "name": "SFCN 直播留资", "type": "lead", "team_id": team.id, "user_id": False,
            "partner_id": customer.id, "medium_id": self.env.ref("sales_funnel_cn.utm_medium_live").id,
            "sfcn_company_size": "200_999", "solution_fit": "high",
            "date_project_start": fields.Date.today() + relativedelta(months=2)})
        self.env["crm.lead"]._cron_score_leads()
        self.assertTrue(lead.sfcn_mql_date)
        self.start_tour(f"/odoo/crm/{lead.id}", "sales_funnel_cn_journey", login="admin")
        self.env.invalidate_all()
        self.assertEqual((lead.type, lead.user_id, lead.sfcn_budget), ("opportunity", admin, 300000))
        self.assertTrue(lead.sfcn_sql_date)
        # won in the browser: at the won stage, with its after-sale checklist
        self.assertEqual((lead.probability, lead.stage_id.is_won), (100, True))
        self.assertEqual(len(lead.aftersale_ids), 7)
        # the referral lead created from the customer's referrals: referred by it, through the referral channel
        referral = self.env["crm.lead"].search([("name", "=", "SFCN 转介绍：老客户推荐的新项目")])
        self.assertEqual(len(referral), 1)
        self.assertEqual(
            (referral.sfcn_referred_by_id, referral.sfcn_referrer_company_id, referral.medium_id, referral.create_uid),
            (customer, customer, self.env.ref("sales_funnel_cn.utm_medium_referral"), admin))
        self.assertEqual(customer.sfcn_referral_count, 1)
