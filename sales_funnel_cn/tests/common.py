from odoo import Command
from odoo.tests.common import TransactionCase
from odoo.tests.common import new_test_user


class SalesFunnelCommon(TransactionCase):
    """Shared fixture: a team with a manager and two reps (own documents only)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        # a company in China: national numbers of deals and contacts without a country of their own are read in
        # China's numbering plan (core's _phone_format falls back on the company's country)
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.manager = new_test_user(
            cls.env, login="sfcn_manager", name="Manager Zhou",
            groups="base.group_user,sales_team.group_sale_manager")
        cls.rep = new_test_user(
            cls.env, login="sfcn_rep", name="Rep Chen",
            groups="base.group_user,sales_team.group_sale_salesman")
        cls.rep2 = new_test_user(
            cls.env, login="sfcn_rep2", name="Rep Lin",
            groups="base.group_user,sales_team.group_sale_salesman")
        cls.team = cls.env["crm.team"].create({
            "name": "SFCN Test Team",
            "user_id": cls.manager.id,
            "crm_team_member_ids": [Command.create({"user_id": u.id}) for u in (cls.rep, cls.rep2)],
        })
        cls.stages = cls.env["crm.stage"].search([("team_id", "in", [False, cls.team.id])])
        cls.customer = cls.env["res.partner"].create({"name": "苏州测试客户有限公司", "is_company": True})

    @classmethod
    def _new_deal(cls, name="Test Deal", user=None, **vals):
        return cls.env["crm.lead"].create({
            "name": name,
            "type": "opportunity",
            "partner_id": cls.customer.id,
            "team_id": cls.team.id,
            "user_id": (user or cls.rep).id,
            **vals,
        })
