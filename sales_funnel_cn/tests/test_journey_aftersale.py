from datetime import datetime
from datetime import time
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
        today = fields.Date.context_today(self.env["crm.lead"])  # the cron's today (its user's time zone)
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

    def _delivered(self, days_ago, step="delivery", **vals):
        """A won deal whose after-sale ``step`` was done ``days_ago`` days ago."""
        deal = self._won(**vals)
        done = deal.aftersale_ids.filtered(lambda s: s.step == step)
        # mid-day of that date (UTC 10:00 is the same date from UTC-10 to UTC+13): "days ago" in whole days, never
        # shifted across a midnight by the user's time zone or a daylight-saving change in between
        day = fields.Date.context_today(deal) - timedelta(days=days_ago)
        done.sudo().write({"done": True, "user_id": deal.user_id.id, "date_done": datetime.combine(day, time(10))})
        return deal

    def test_upsell_after_delivery(self):
        """增购: the upsell opportunity is opened the configured days after delivery, once."""
        self.env.company.write({"sfcn_upsell_after_step": "delivery", "sfcn_upsell_days_after": 30})
        due, early, undelivered = self._delivered(31), self._delivered(29), self._won()
        paid = self._delivered(40, step="payment")
        self.env["crm.lead"]._cron_create_upsells()
        upsell = due.sfcn_upsell_lead_id
        self.assertTrue(upsell)
        self.assertFalse((early | undelivered | paid).sfcn_upsell_lead_id, "not before its date, only its step")
        self.assertEqual((upsell.type, upsell.partner_id, upsell.user_id, upsell.team_id, upsell.sfcn_upsell_of_id),
                         ("opportunity", due.partner_id, due.user_id, due.team_id, due))
        self.assertIn("Upsell", upsell.name)
        self.assertIn(due.name, upsell.message_ids[0].body)
        # a re-run opens nothing twice, and the upsell deal's own steps do not count for the original one
        self.env["crm.lead"]._cron_create_upsells()
        self.assertEqual(self.env["crm.lead"].search_count([("sfcn_upsell_of_id", "=", due.id)]), 1)
        # the company chooses another step, or none
        self.env.company.sfcn_upsell_after_step = "payment"
        self.env["crm.lead"]._cron_create_upsells()
        self.assertTrue(paid.sfcn_upsell_lead_id)
        self.env.company.sfcn_upsell_days_after = 0
        late = self._delivered(400, step="payment")
        self.env["crm.lead"]._cron_create_upsells()
        self.assertFalse(late.sfcn_upsell_lead_id, "0 days: no upsell opportunities")
        # the links are the system's
        with self.assertRaisesRegex(UserError, "maintained by the system"):
            late.with_user(self.rep).write({"sfcn_upsell_lead_id": upsell.id})

    def test_upsell_per_company(self):
        """Each deal follows its own company's step and delay; the opportunity stays in that company."""
        self.env.company.write({"sfcn_upsell_after_step": "delivery", "sfcn_upsell_days_after": 10})
        other = self.env["res.company"].create({"name": "SFCN 增购 Other Co", "sfcn_upsell_after_step": "delivery",
                                                "sfcn_upsell_days_after": 100})
        self.rep.company_ids = [(4, other.id)]
        team = self.env["crm.team"].create({"name": "SFCN Other team", "company_id": other.id})
        here = self._delivered(50)
        there = self._delivered(50, company_id=other.id, team_id=team.id,
                                partner_id=self.env["res.partner"].create({"name": "SFCN Other customer"}).id)
        self.env["crm.lead"]._cron_create_upsells()
        self.assertTrue(here.sfcn_upsell_lead_id)
        self.assertFalse(there.sfcn_upsell_lead_id, "company B waits 100 days")
        other.sfcn_upsell_days_after = 50
        self.env["crm.lead"]._cron_create_upsells()
        self.assertEqual(there.sfcn_upsell_lead_id.company_id, other)
        self.assertEqual(here.sfcn_upsell_lead_id.company_id, here.company_id)
