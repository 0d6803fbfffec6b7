from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestJourneyAftersale(SalesFunnelCommon):
    """转化客户 after the win: the after-sale checklist (who, when) and the renewal opportunity."""

    def _won(self, **vals):
        deal = self._new_deal(name="已赢单项目", expected_revenue=80000, **vals)
        self.env.flush_all()
        # won directly (the stage gate and the won review have their own tests)
        deal.sudo().write({"probability": 100})
        return deal

    def test_checklist_on_win(self):
        deal = self._won()
        self.assertEqual(deal.aftersale_ids.mapped("step"), [
            "quote_confirmed", "invoice", "payment", "delivery", "health_check", "renewal", "upsell"])
        step = deal.aftersale_ids[0]
        step.with_user(self.rep).action_done()
        self.assertEqual((step.done, step.user_id), (True, self.rep))
        self.assertTrue(step.date_done)
        with self.assertRaisesRegex(UserError, "already done"):
            step.with_user(self.rep).action_done()
        with self.assertRaisesRegex(UserError, "maintained by the system"):
            deal.aftersale_ids[1].with_user(self.rep).write({"done": True})
        with self.assertRaises(AccessError):
            deal.aftersale_ids[1].with_user(self.rep2).action_done()
        step.with_user(self.rep).write({"note": "客户已盖章"})
        self.assertEqual(step.note, "客户已盖章")
        deal.sudo().write({"probability": 100, "name": "again"})
        self.assertEqual(len(deal.aftersale_ids), 7, "once per deal")

    def test_renewal_created_before_contract_end(self):
        today = fields.Date.today()
        self.env.company.sfcn_renewal_days_before = 60
        soon = self._won(sfcn_contract_end=today + timedelta(days=59))
        later = self._won(sfcn_contract_end=today + timedelta(days=61))
        self.env["crm.lead"]._cron_create_renewals()
        renewal = soon.sfcn_renewal_lead_id
        self.assertTrue(renewal)
        self.assertFalse(later.sfcn_renewal_lead_id)
        self.assertEqual((renewal.partner_id, renewal.user_id, renewal.team_id, renewal.expected_revenue),
                         (soon.partner_id, soon.user_id, soon.team_id, 80000))
        self.assertEqual(renewal.sfcn_renewal_of_id, soon)
        self.assertEqual(renewal.date_deadline, soon.sfcn_contract_end)
        self.assertEqual(renewal.type, "opportunity")
        self.env["crm.lead"]._cron_create_renewals()
        self.assertEqual(self.env["crm.lead"].search_count([("sfcn_renewal_of_id", "=", soon.id)]), 1)
