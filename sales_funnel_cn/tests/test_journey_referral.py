from odoo.tests import Form
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestJourneyReferral(SalesFunnelCommon):
    """裂变客户: referred-by on leads, the referral channel, counts and won revenue per referring customer
    against the 一老客户裂变三个新客户 target, and the referral chain."""

    def test_referrals_counted_per_customer(self):
        contact = self.env["res.partner"].create({"name": "王经理", "parent_id": self.customer.id})
        referral = self.env.ref("sales_funnel_cn.utm_medium_referral")
        live = self.env.ref("sales_funnel_cn.utm_medium_live")
        Lead = self.env["crm.lead"].with_user(self.rep)
        new_a = self.env["res.partner"].create({"name": "新客户甲", "is_company": True})
        new_b = self.env["res.partner"].create({"name": "新客户乙", "is_company": True})
        leads = Lead.create([
            {"name": "转介绍 1", "type": "opportunity", "partner_id": new_a.id, "sfcn_referred_by_id": contact.id,
             "expected_revenue": 50000, "user_id": self.rep.id},
            {"name": "转介绍 2", "type": "opportunity", "partner_id": new_b.id,
             "sfcn_referred_by_id": self.customer.id, "expected_revenue": 30000, "user_id": self.rep.id},
            {"name": "转介绍 3", "type": "lead", "sfcn_referred_by_id": self.customer.id, "medium_id": live.id,
             "user_id": self.rep.id},
        ])
        self.assertEqual(leads.mapped("medium_id"), referral | live, "referrals come through 客户推荐 by default")
        self.assertEqual(leads[0].sfcn_referrer_company_id, self.customer)
        leads[:2].sudo().write({"probability": 100})
        customer = self.customer
        customer.invalidate_recordset()
        self.assertEqual((customer.sfcn_referral_count, customer.sfcn_referral_won_count,
                          customer.sfcn_referral_won_revenue, customer.sfcn_referral_target),
                         (3, 2, 80000.0, 3))
        self.assertAlmostEqual(customer.sfcn_referral_progress, 66.7)
        self.assertEqual(contact.sfcn_referral_count, 3, "a contact shows its company's referrals")
        # the chain: 新客户乙 was referred by the customer, whom nobody referred
        self.assertEqual(new_b.sfcn_referral_chain, f"新客户乙 ← {self.customer.display_name}")
        third = self.env["res.partner"].create({"name": "新客户丙", "is_company": True})
        Lead.create({"name": "二级转介绍", "type": "opportunity", "partner_id": third.id,
                     "sfcn_referred_by_id": new_b.id, "user_id": self.rep.id})
        self.assertEqual(third.sfcn_referral_chain, f"新客户丙 ← 新客户乙 ← {self.customer.display_name}")
        action = customer.action_sfcn_referral_leads()
        self.assertEqual(self.env["crm.lead"].with_context(active_test=False).search(action["domain"]), leads)

    def test_referrals_in_channel_metrics(self):
        referral = self.env.ref("sales_funnel_cn.utm_medium_referral")
        campaign = self.env["utm.campaign"].create({"name": "裂变活动"})
        self.env["crm.lead"].create([{"name": f"推荐 {i}", "type": "lead", "campaign_id": campaign.id,
                                      "sfcn_referred_by_id": self.customer.id} for i in range(2)])
        metrics = self.env["crm.channel.report"]._metrics([("campaign_id", "=", campaign.id)])
        self.assertEqual(list(metrics), [referral])
        self.assertEqual(metrics[referral]["lead_count"], 2)

    def test_referral_from_the_customer_form_comes_through_the_referral_channel(self):
        """A lead opened from the customer's referrals (its default referrer) and a lead on the default channel
        given a referrer in the form come through 客户推荐; a channel chosen by the user is kept."""
        referral = self.env.ref("sales_funnel_cn.utm_medium_referral")
        live = self.env.ref("sales_funnel_cn.utm_medium_live")
        action = self.customer.action_sfcn_referral_leads()
        Lead = self.env["crm.lead"].with_user(self.rep).with_context(**action["context"])
        self.assertEqual(Lead.default_get(["medium_id", "sfcn_referred_by_id"])["medium_id"], referral.id)
        self.assertEqual(Lead.with_context(default_medium_id=live.id).default_get(["medium_id"])["medium_id"],
                         live.id)
        with Form(self.env["crm.lead"].with_user(self.rep)) as form:
            form.name = "SFCN form referral"
            self.assertEqual(form.medium_id, self.env.ref("sales_funnel_cn.utm_medium_direct_sales"))
            form.sfcn_referred_by_id = self.customer
            self.assertEqual(form.medium_id, referral)
        with Form(self.env["crm.lead"].with_user(self.rep)) as form:
            form.name = "SFCN form referral, live"
            form.medium_id = live
            form.sfcn_referred_by_id = self.customer
            self.assertEqual(form.medium_id, live, "a channel the user chose is kept")
