from unittest.mock import patch

from odoo.tests import tagged

from ..report.crm_lead_funnel_report import AGGREGATED_KEY
from .common import SalesFunnelCommon

MEASURES = ("__count", "deal_count:sum", "lost_count:sum", "reached_count:sum", "advanced_count:sum", "amount:sum",
            "weighted_amount:sum")


@tagged("post_install", "-at_install")
class TestFunnelReportAggregated(SalesFunnelCommon):
    """The funnel report's sums by stage, team, salesperson, company or grade come from its aggregated form (the
    deals summed before they are expanded into their stages); they must equal the per-deal form's, for every
    user (record rules) and every filter the aggregated form accepts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Stage = cls.env["crm.stage"]
        cls.open_stages = Stage.search([("team_id", "in", [False, cls.team.id]), ("is_won", "=", False)],
                                       order="sequence, id")
        cls.won_stage = Stage.search([("is_won", "=", True), ("team_id", "=", False)], order="sequence, id", limit=1)
        cls.template_team = cls.env["crm.team"].create({"name": "SFCN Template Team", "user_id": cls.manager.id})
        cls.template_stages = cls.env.ref("sales_funnel_cn.funnel_template_b2b").action_apply(cls.template_team)
        grades = ["A", "B", "C", False]
        placed = []  # (deal, stage): placed in SQL, the report reads SQL (the gate is not what is tested here)
        for i in range(14):
            user = (cls.rep, cls.rep2, cls.manager)[i % 3]
            team, stages = ((cls.team, [*cls.open_stages, cls.won_stage]) if i % 2 else
                            (cls.template_team, cls.template_stages))
            deal = cls._new_deal(f"Deal {i}", user=user, team_id=team.id, expected_revenue=1000 * (i + 1),
                                 customer_grade_override=grades[i % 4] or False,
                                 customer_grade_override_reason="test" if grades[i % 4] else False)
            placed.append((deal, stages[i % len(stages)]))
        cls.env.flush_all()
        for deal, stage in placed:
            cls.env.cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id = %s", [stage.id, deal.id])
        lost = placed[3][0]
        cls.env.cr.execute("UPDATE crm_lead SET active = false, probability = 0 WHERE id = %s", [lost.id])
        cls.env.invalidate_all()

    def _both(self, user, domain, groupby, aggregates=MEASURES):
        aggregates = list(aggregates)
        Report = self.env["crm.lead.funnel.report"].with_user(user)
        cls = type(Report)
        with patch.object(cls, "_sfcn_aggregated_query", autospec=True,
                          side_effect=cls._sfcn_aggregated_query) as aggregated:
            fast = Report._read_group(domain, groupby, aggregates)
            used = aggregated.call_count
            # a filter on the deal itself can only be answered per deal: the per-deal form, same deals
            slow = Report._read_group([*domain, ("lead_id", "!=", False)], groupby, aggregates)
            self.assertEqual(aggregated.call_count, used, "the per-deal form for a filter on the deal")
        self.assertTrue(used, f"the aggregated form for {domain} by {groupby}")
        return fast, slow

    def test_aggregated_equals_per_deal(self):
        teams = [self.team.id, self.template_team.id]
        cases = [
            ([("team_id", "in", teams)], ["stage_id"]),
            ([("team_id", "in", teams)], ["stage_id", "user_id"]),
            ([("team_id", "in", teams)], ["user_id"]),
            ([("team_id", "in", teams)], []),
            ([("team_id", "=", self.team.id), ("user_id", "=", self.rep.id)], ["stage_id", "customer_grade"]),
            ([("team_id", "in", teams), ("stage_id", "=", self.open_stages[0].id)], ["team_id"]),
            ([("team_id", "in", teams), ("customer_grade", "=", "A")], ["company_id", "stage_id"]),
            ([("team_id.name", "ilike", "SFCN")], ["stage_sequence", "stage_id"]),
        ]
        for user in (self.env.user, self.manager, self.rep):
            for domain, groupby in cases:
                with self.subTest(user=user.login, domain=domain, groupby=groupby):
                    fast, slow = self._both(user, domain, groupby)
                    self.assertTrue(fast)
                    self.assertEqual(fast, slow)
        # the figures are not trivially empty: the rep sees fewer deals than the manager
        [(rep_count,)] = self.env["crm.lead.funnel.report"].with_user(self.rep)._read_group(
            [("team_id", "in", teams)], [], ["deal_count:sum"])
        [(all_count,)] = self.env["crm.lead.funnel.report"].with_user(self.manager)._read_group(
            [("team_id", "in", teams)], [], ["deal_count:sum"])
        self.assertTrue(0 < rep_count < all_count)

    def test_pivot_figures_equal(self):
        """read_group (the pivot): conversion and reached recomputed from either form's sums alike."""
        Report = self.env["crm.lead.funnel.report"].with_user(self.manager)
        fields = ["conversion_rate:avg", "deal_count:sum", "reached_count:sum", "amount:sum", "lost_count:sum"]
        for groupby in (["stage_id"], ["user_id"], []):
            domain = [("team_id", "=", self.team.id)]
            fast = Report.read_group(domain, fields, groupby, lazy=False)
            slow = Report.read_group([*domain, ("lead_id", "!=", False)], fields, groupby, lazy=False)
            strip = [{k: v for k, v in g.items() if k != "__domain"} for g in fast]
            self.assertEqual(strip, [{k: v for k, v in g.items() if k != "__domain"} for g in slow])

    def test_what_the_aggregated_form_cannot_answer(self):
        """Groups by creation date, other aggregates and HAVING read the per-deal form; a client cannot select
        the aggregated form (the context value is a server-side object)."""
        Report = self.env["crm.lead.funnel.report"]
        self.assertIsNone(Report._sfcn_aggregable([], ["create_date:month"], ["__count"], (), None))
        self.assertIsNone(Report._sfcn_aggregable([], ["stage_id"], ["lead_id:count_distinct"], (), None))
        self.assertIsNone(Report._sfcn_aggregable([], ["stage_id"], ["__count"], [("__count", ">", 1)], None))
        self.assertIsNone(Report._sfcn_aggregable([("create_date", ">=", "2020-01-01")], ["stage_id"], [], (), None))
        self.assertIsNone(Report._sfcn_aggregable([], ["stage_id"], ["__count"], (), "__count desc"))
        self.assertEqual(Report._sfcn_aggregable([("user_id", "=", 1)], ["stage_id"], ["__count"], (), None),
                         ("user_id",))
        rows = Report.with_context(**{AGGREGATED_KEY: True}).search_read(
            [("team_id", "=", self.team.id)], ["lead_id", "create_date"])
        self.assertTrue(rows and all(r["lead_id"] and r["create_date"] for r in rows), "the per-deal form")
