from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..hooks import post_init_hook
from .common import SalesFunnelCommon

CHANNELS = ["utm_medium_paid", "utm_medium_direct_sales", "utm_medium_sem_smo", "utm_medium_referral",
            "utm_medium_community", "utm_medium_platform", "utm_medium_live", "utm_medium_relationship"]


@tagged("post_install", "-at_install")
class TestJourneyChannels(SalesFunnelCommon):
    """Seed 001 · 获取方式: eight channels as UTM mediums, on every lead, with their monthly cost."""

    def test_eight_channels_translated(self):
        channels = self.env["utm.medium"].search([("sfcn_channel", "=", True)], order="sfcn_sequence")
        self.assertEqual(channels, self.env["utm.medium"].concat(
            *(self.env.ref(f"sales_funnel_cn.{xmlid}") for xmlid in CHANNELS)))
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_funnel_cn"], ["zh_CN"], overwrite=True)
        names = channels.with_context(lang="zh_CN").mapped("name")
        self.assertEqual(names, ["付费获取", "直销获取", "SEM/SMO", "客户推荐", "社群运营", "平台获取", "直播",
                                 "关系运营"])
        self.assertEqual(channels[0].with_context(lang="en_US").name, "Paid Acquisition")

    def test_every_lead_carries_its_channel(self):
        direct = self.env.ref("sales_funnel_cn.utm_medium_direct_sales")
        live = self.env.ref("sales_funnel_cn.utm_medium_live")
        Lead = self.env["crm.lead"].with_user(self.rep)
        plain, from_live = Lead.create([{"name": "No channel given", "type": "lead"},
                                        {"name": "From the live stream", "type": "lead", "medium_id": live.id}])
        self.assertEqual(plain.medium_id, direct)
        self.assertEqual(from_live.medium_id, live)
        from_live.write({"medium_id": False})
        self.assertEqual(from_live.medium_id, direct, "a lead's channel is never emptied")
        imported = Lead.load(["name", "medium_id/id"], [["Imported lead", "sales_funnel_cn.utm_medium_live"],
                                                        ["Imported, no channel", ""]])
        self.assertFalse(imported["messages"], imported["messages"])
        self.assertEqual(Lead.browse(imported["ids"]).mapped("medium_id"), live | direct)

    def test_channel_cost_per_month(self):
        cost = self.env["crm.channel.cost"].with_user(self.manager).create({
            "medium_id": self.env.ref("sales_funnel_cn.utm_medium_paid").id, "date": "2026-03-17",
            "amount": 5000})
        self.assertEqual(str(cost.date), "2026-03-01", "the period is the month")
        cost.write({"date": "2026-04-30"})
        self.assertEqual(str(cost.date), "2026-04-01")
        with self.assertRaisesRegex(ValidationError, "negative"), self.cr.savepoint():
            cost.write({"amount": -1})
        # a rep reads the costs but cannot enter them
        self.assertEqual(cost.with_user(self.rep).amount, 5000)
        with self.assertRaises(AccessError):
            self.env["crm.channel.cost"].with_user(self.rep).create({
                "medium_id": cost.medium_id.id, "date": "2026-03-01", "amount": 1})

    def test_channel_cost_multi_company(self):
        other = self.env["res.company"].create({"name": "SFCN Other Co"})
        cost = self.env["crm.channel.cost"].create({
            "medium_id": self.env.ref("sales_funnel_cn.utm_medium_paid").id, "date": "2026-03-01",
            "amount": 7, "company_id": other.id})
        self.assertFalse(self.env["crm.channel.cost"].with_user(self.manager).search([("id", "=", cost.id)]))

    def test_rep_cannot_change_channel_list(self):
        paid = self.env.ref("sales_funnel_cn.utm_medium_paid")
        with self.assertRaisesRegex(UserError, "maintained by the system"):
            paid.with_user(self.rep).write({"sfcn_channel": False})
        with self.assertRaisesRegex(UserError, "maintained by the system"):
            self.env["utm.medium"].with_user(self.rep).create({"name": "My own channel", "sfcn_channel": True})
        self.assertTrue(paid.sfcn_channel)
        medium = self.env["utm.medium"].with_user(self.manager).create({"name": "Trade fairs", "sfcn_channel": True})
        self.assertTrue(medium.sfcn_channel)

    def test_install_gives_existing_leads_their_channel(self):
        """post_init_hook: the leads that existed before the module get their channel from their medium, else
        their source, else the default; a channel or a company's own medium is kept."""
        ref = self.env.ref
        own_medium = self.env["utm.medium"].create({"name": "SFCN 公司自有媒介"})
        Lead = self.env["crm.lead"]
        specs = {  # name: (medium, source, expected channel)
            "none": (False, False, "sales_funnel_cn.utm_medium_direct_sales"),
            "adwords": ("utm.utm_medium_google_adwords", False, "sales_funnel_cn.utm_medium_sem_smo"),
            "banner+facebook": ("utm.utm_medium_banner", "utm.utm_source_facebook", "sales_funnel_cn.utm_medium_paid"),
            "source only": (False, "utm.utm_source_monster", "sales_funnel_cn.utm_medium_platform"),
            "channel kept": ("sales_funnel_cn.utm_medium_live", "utm.utm_source_search_engine",
                             "sales_funnel_cn.utm_medium_live"),
            "own medium": (own_medium, False, own_medium),
            "own medium, mapped source": (own_medium, "utm.utm_source_newsletter",
                                          "sales_funnel_cn.utm_medium_relationship"),
        }

        def record(value, model):
            if not value:
                return self.env[model]
            return ref(value) if isinstance(value, str) else value

        leads = {name: Lead.create({"name": f"SFCN install {name}", "type": "lead"}) for name in specs}
        self.env.flush_all()
        for name, (medium, source, __) in specs.items():
            # as before the install: the lead's own medium and source, no channel given by the module
            self.env.cr.execute("UPDATE crm_lead SET medium_id = %s, source_id = %s WHERE id = %s", [
                record(medium, "utm.medium").id or None, record(source, "utm.source").id or None, leads[name].id])
        Lead.invalidate_model()
        post_init_hook(self.env)
        self.assertEqual({name: lead.medium_id for name, lead in leads.items()},
                         {name: record(expected, "utm.medium") for name, (__, __, expected) in specs.items()})
        self.assertEqual(leads["adwords"].source_id, self.env["utm.source"], "the source is left alone")
