from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.sfcn_batch import read_cursor
from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestLeadQualification(SalesFunnelCommon):

    def test_temperature_from_project_start(self):
        today = fields.Date.context_today(self.env["crm.lead"])
        cases = [
            (None, False), (today, "hot"), (today + relativedelta(months=3), "hot"),
            (today + relativedelta(months=3, days=1), "warm"), (today + relativedelta(months=6), "warm"),
            (today + relativedelta(months=6, days=1), "cold"), (today + relativedelta(months=12), "cold"),
            (today + relativedelta(months=12, days=1), False),
        ]
        for start, expected in cases:
            with self.subTest(start=start):
                self.assertEqual(self._new_deal(date_project_start=start).temperature, expected)

    def test_daily_cron_recomputes_date_dependent_fields(self):
        today = fields.Date.context_today(self.env["crm.lead"])
        deal = self._new_deal(date_project_start=today + relativedelta(months=4))
        self.assertEqual(deal.temperature, "warm")
        # pretend the deal was computed long ago: store a stale value, then let the cron run
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET temperature = 'cold' WHERE id = %s", [deal.id])
        deal.invalidate_recordset(["temperature"])
        self.assertEqual(deal.temperature, "cold")
        self.env.ref("sales_funnel_cn.ir_cron_recompute_date_dependent").method_direct_trigger()
        deal.invalidate_recordset(["temperature"])
        self.assertEqual(deal.temperature, "warm")

    def test_daily_cron_is_batched_and_resumes(self):
        """The cron follows Odoo 18's progress protocol: one batch per call, progress notified, the
        runner calls again while records remain, each call resumes where the previous one stopped."""
        today = fields.Date.context_today(self.env["crm.lead"])
        for months in (1, 4, 8, 14, 2):
            self._new_deal(date_project_start=today + relativedelta(months=months))
        Lead = self.env["crm.lead"]
        domain = ["|", "|", ("date_project_start", "!=", False), ("date_decision", "!=", False),
                  ("date_deadline", "!=", False)]
        dated = Lead.search(domain)
        self.assertGreaterEqual(len(dated), 5)
        fnames = ["temperature", "customer_grade_computed", "customer_grade"]

        def snapshot():
            self.env.invalidate_all()
            return {lead.id: tuple(lead[f] for f in fnames) for lead in Lead.search(domain)}

        expected = snapshot()
        self.assertIn("warm", [v[0] for v in expected.values()])
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET temperature = NULL, customer_grade_computed = NULL, "
                            "customer_grade = NULL WHERE id IN %s", [tuple(dated.ids)])
        self.assertNotEqual(snapshot(), expected)
        cron = self.env.ref("sales_funnel_cn.ir_cron_recompute_date_dependent")

        def run_like_the_cron_runner(batch_size):
            calls, cursors = 0, []
            while True:
                progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "done": 0, "remaining": 0})
                Lead.with_context(ir_cron_progress_id=progress.id, cron_id=cron.id) \
                    ._cron_recompute_date_dependent(batch_size=batch_size)
                calls += 1
                cursors.append(read_cursor(self.env, "sales_funnel_cn.recompute_cursor"))
                self.assertLessEqual(progress.done, batch_size)
                if not progress.remaining:
                    return calls, cursors
                self.assertEqual(progress.done, batch_size)
                self.assertLess(calls, 1000, "the cron never finished")

        batches = -(-len(dated) // 2)
        registry_class = type(self.env.registry)
        with patch.object(registry_class, "clear_cache", autospec=True) as clear_cache, \
                patch.object(type(Lead), "search_count", autospec=True,
                             side_effect=type(Lead).search_count) as search_count:
            calls, cursors = run_like_the_cron_runner(2)
        self.assertFalse(clear_cache.called, "the cursor is kept without clearing every cache of the registry")
        self.assertEqual(search_count.call_count, 1, "the deals are counted once, when the sweep starts")
        self.assertEqual(calls, batches, "each call resumed after the previous batch")
        self.assertEqual(len(set(cursors)), len(cursors), "the stored cursor moved on every batch")
        self.assertTrue(cursors[-1].endswith(":done"))
        self.assertEqual(snapshot(), expected, "every dated deal was recomputed")
        # a second sweep starts over and changes nothing
        calls, _cursors = run_like_the_cron_runner(2)
        self.assertEqual(calls, batches)
        self.assertEqual(snapshot(), expected)

    def test_lead_grading(self):
        today = fields.Date.context_today(self.env["crm.lead"])
        cases = [
            ({}, False),
            ({"solution_fit": "high", "customer_importance": "high", "expected_revenue": 2000000,
              "date_project_start": today + timedelta(days=30)}, "important"),
            ({"solution_fit": "high", "customer_importance": "high", "expected_revenue": 2000000}, "normal"),
            ({"solution_fit": "high", "customer_importance": "medium", "expected_revenue": 200000}, "normal"),
            ({"solution_fit": "low", "customer_importance": "medium", "expected_revenue": 10000000}, "not_lead"),
            ({"solution_fit": "low", "customer_importance": "high", "expected_revenue": 10000000}, "normal"),
            ({"solution_fit": "medium", "customer_importance": "low", "expected_revenue": 49999}, "not_lead"),
        ]
        for vals, expected in cases:
            with self.subTest(vals=vals):
                self.assertEqual(self._new_deal(**vals).lead_class, expected)
        self.env["res.config.settings"].create({"sfcn_lead_min_revenue": 10000}).execute()
        self.assertEqual(self._new_deal(solution_fit="medium", customer_importance="low",
                                        expected_revenue=49999).lead_class, "normal")

    def test_discard_not_lead_in_one_click(self):
        deal = self._new_deal(solution_fit="low", customer_importance="low").with_user(self.rep)
        deal.action_discard_not_lead()
        self.assertFalse(deal.active)
        self.assertEqual(deal.lost_reason_id, self.env.ref("sales_funnel_cn.lost_reason_not_lead"))
        good = self._new_deal(solution_fit="high", customer_importance="high").with_user(self.rep)
        with self.assertRaisesRegex(UserError, "Not a Lead"):
            good.action_discard_not_lead()
        self.assertTrue(good.active)

    def test_customer_profile_on_company(self):
        self.customer.write({"sfcn_development_stage": "growth", "sfcn_decision_pattern": "eb_ub_tb",
                             "sfcn_purchasing_habit": "quarterly", "sfcn_employee_count": 300})
        self.assertEqual(self.env["res.partner"].search(
            [("sfcn_decision_pattern", "=", "eb_ub_tb"), ("id", "=", self.customer.id)]), self.customer)

    def test_list_and_kanban_read_query_count_is_constant(self):
        """Reading grade and temperature for a page of deals costs the same whatever the deals hold."""
        today = fields.Date.context_today(self.env["crm.lead"])
        person = self.env["res.partner"].create({"name": "王总", "parent_id": self.customer.id})
        fnames = ["name", "customer_grade", "temperature", "eb_missing_warning", "lead_class", "stage_id"]

        def make(count, kp_roles):
            return self.env["crm.lead"].create([{
                "name": "Q %s" % i, "type": "opportunity", "partner_id": self.customer.id,
                "team_id": self.team.id, "user_id": self.rep.id, "date_project_start": today,
                "key_person_ids": [Command.create({"partner_id": person.id, "role": r}) for r in kp_roles],
            } for i in range(count)])

        warmup, small, big = make(2, []), make(5, ["eb"]), make(80, ["eb", "ub", "tb", "coach"])
        self.env.flush_all()
        model = self.env["crm.lead"].with_user(self.rep)
        model.web_search_read([("id", "in", warmup.ids)], {f: {} for f in fnames})
        for deals in (small, big):
            self.env.invalidate_all()
            # 2 for the search and the read, 3 for the public pool's record rule (the rep's pools)
            with self.assertQueryCount(5):
                result = model.web_search_read([("id", "in", deals.ids)], {f: {} for f in fnames})
            self.assertEqual(result["length"], len(deals))
            self.assertEqual({r["temperature"] for r in result["records"]}, {"hot"})
