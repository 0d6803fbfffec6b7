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
