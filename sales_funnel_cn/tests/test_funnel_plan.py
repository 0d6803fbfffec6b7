from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestFunnelPlan(SalesFunnelCommon):

    def _plan(self, **vals):
        return self.env["crm.funnel.plan"].create({
            "year": fields.Date.today().year, "team_id": self.team.id, "target_amount": 300.0,
            "avg_contract_amount": 3.0, "target_units": 200.0, "avg_units_per_contract": 2.0,
            "win_rate": 10.0, **vals})

    def test_seed_worked_example(self):
        plan = self._plan()
        self.assertEqual(plan.contracts_needed, 100.0)
        self.assertEqual(plan.customers_needed_year, 1000.0)
        self.assertEqual(plan.customers_needed_month, 83.3)
        self.assertEqual(plan.contracts_needed_units, 100.0)
        self.assertEqual(plan.customers_needed_year_units, 1000.0)
        self.assertEqual(round(plan.customers_needed_month_units, 1), 83.3)

    def test_bad_input_is_refused_and_nothing_saved(self):
        Plan = self.env["crm.funnel.plan"]
        before = Plan.search_count([])
        for vals in ({"avg_contract_amount": 0.0}, {"avg_contract_amount": -3.0},
                     {"avg_units_per_contract": 0.0}, {"win_rate": 0.0}, {"win_rate": -5.0},
                     {"win_rate": 100.5}, {"team_id": False}):
            with self.subTest(vals=vals), self.assertRaises(ValidationError), self.env.cr.savepoint():
                self._plan(**vals)
        self.assertEqual(Plan.search_count([]), before)
        plan = self._plan(win_rate=100.0)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            plan.write({"target_amount": 500.0, "avg_contract_amount": 0.0})
        plan.invalidate_recordset()
        self.assertEqual((plan.target_amount, plan.avg_contract_amount), (300.0, 3.0))

    def test_against_reality(self):
        open_stage = self.stages.filtered(lambda s: not s.is_won)[:1]
        self._new_deal("Won one", expected_revenue=60000, stage_id=open_stage.id).action_set_won()
        self._new_deal("Open one", expected_revenue=100000, probability=50, stage_id=open_stage.id)
        self._new_deal("Open two", expected_revenue=200000, probability=25, stage_id=open_stage.id)
        lost = self._new_deal("Lost one", expected_revenue=10000, stage_id=open_stage.id)
        lost.action_set_lost(lost_reason_id=self.env.ref("sales_funnel_cn.lost_reason_refused").id)
        plan = self._plan()
        self.assertAlmostEqual(plan.won_amount, 6.0)
        self.assertAlmostEqual(plan.remaining_target, 294.0)
        self.assertAlmostEqual(plan.weighted_pipeline, 10.0)  # 5 + 5 万
        self.assertEqual(plan.coverage, round(10.0 / 294.0, 2))
        self.assertEqual(plan.open_deals, 2)
        self.assertAlmostEqual(plan.observed_win_rate, 50.0)
        self.assertTrue(plan.funnel_warning, "10 万 weighted for 294 万 to go is too thin")
        # a rich funnel clears the warning on coverage
        rich = self._plan(target_amount=6.0, avg_contract_amount=3.0, win_rate=100.0)
        self.assertEqual(rich.remaining_target, 0.0)
        self.assertNotIn("remaining target", rich.funnel_warning or "")

    def test_new_target_customers_per_month(self):
        plan = self._plan()
        start, end = plan._year_bounds()
        before = plan._new_target_customers(start, end)
        self._new_deal("New this year")
        self._new_deal("Other team", team_id=self.env["crm.team"].create({"name": "Other"}).id)
        self.assertEqual(plan._new_target_customers(start, end), before + 1)
        plan.invalidate_recordset()
        months = plan._months_elapsed()
        self.assertGreater(months, 0)
        self.assertEqual(plan.actual_customers_month, round((before + 1) / months, 1))
        past = self._plan(year=fields.Date.today().year - 1)
        self.assertEqual(past._months_elapsed(), 12)
        future = self._plan(year=(fields.Date.today() + timedelta(days=400)).year)
        self.assertEqual(future.actual_customers_month, 0.0)

    def test_rep_reads_plans_but_cannot_write(self):
        plan = self._plan()
        self.assertEqual(plan.with_user(self.rep).customers_needed_year, 1000.0)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            plan.with_user(self.rep).write({"target_amount": 1.0})

    def test_new_target_customers_from_stage_history(self):
        """A deal enters the funnel at its first stage-history entry: a deal created now but whose first
        entry is last year does not count; a lost deal counts; a deal without history counts at creation."""
        plan = self._plan()
        start, end = plan._year_bounds()
        History = self.env["crm.lead.stage.history"]
        before = plan._new_target_customers(start, end)
        counted = self._new_deal("Entered this year")
        old = self._new_deal("Entered last year")
        entries = History.search([("lead_id", "=", old.id)])
        self.assertEqual(len(entries), 1, "the creation is recorded in the stage history")
        entries.date = start - timedelta(days=2)
        lost = self._new_deal("Entered and lost")
        lost.action_set_lost(lost_reason_id=self.env.ref("sales_funnel_cn.lost_reason_refused").id)
        no_history = self._new_deal("Created before the history existed")
        History.search([("lead_id", "=", no_history.id)]).unlink()
        self.env.flush_all()
        self.assertEqual(plan._new_target_customers(start, end), before + 3)
        self.assertEqual(plan._new_target_customers(start - timedelta(days=10), start), 1)
        # the same figure per month on the plan form
        expected = History.with_context(active_test=False)._read_group(
            [("lead_id.team_id", "=", self.team.id)], ["lead_id"], ["date:min"])
        entered = sum(1 for _lead, first in expected if start <= first < end) + 1  # + the one without history
        plan.invalidate_recordset()
        self.assertEqual(plan.actual_customers_month, round(entered / plan._months_elapsed(), 1))
        self.assertTrue(counted.exists())
