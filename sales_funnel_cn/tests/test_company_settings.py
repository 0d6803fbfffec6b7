from datetime import timedelta

from odoo import Command
from odoo import fields
from odoo.tests import tagged

from ..models.sfcn_dates import local_period_utc
from ..models.sfcn_settings import SETTING_DEFAULTS
from .common import SalesFunnelCommon
from .test_migration import load_step

WON = {"approved": True, "need_confirmed": True, "objection_handled": True, "attitude": "support"}


@tagged("post_install", "-at_install")
class TestCompanySettings(SalesFunnelCommon):
    """Two companies, each with its own settings: every reader takes the value of the right company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "SFCN Company B"})
        cls.env.user.company_ids = [Command.link(cls.company_b.id)]
        cls.rep2.write({"company_ids": [Command.link(cls.company_b.id)], "company_id": cls.company_b.id})
        cls.team_b = cls.env["crm.team"].with_company(cls.company_b).create({
            "name": "SFCN Team B", "company_id": cls.company_b.id,
            "crm_team_member_ids": [Command.create({"user_id": cls.rep2.id})]})
        cls.today = fields.Date.context_today(cls.env["crm.lead"])

    def _deal_b(self, name, **vals):
        return self._new_deal(name, user=self.rep2, team_id=self.team_b.id, company_id=self.company_b.id, **vals)

    def _settings(self, company, vals):
        self.env["res.config.settings"].with_company(company).create(vals).execute()
        self.env.invalidate_all()

    def test_defaults_declared_on_the_company(self):
        self.assertEqual((self.company_b.sfcn_call_daily_goal, self.company_b.sfcn_default_stage_max_days,
                          self.company_b.sfcn_grade_c_decision_days, self.company_b.sfcn_followup_clock),
                         (60, 30, 60, "followup_call"))
        settings = self.env["res.config.settings"].with_company(self.company_b).create({})
        self.assertEqual(settings.sfcn_call_daily_goal, 60)

    def test_every_setting_declares_its_default_once(self):
        """Each setting of the module is a res.company field whose default comes from SETTING_DEFAULTS (the one
        declaration the readers share), edited in Settings through a related field without a default of its
        own."""
        company_fields = self.env["res.company"]._fields
        settings_fields = self.env["res.config.settings"]._fields
        settings = {name for name in company_fields if name.startswith("sfcn_")
                    and company_fields[name].type != "many2one"}
        self.assertEqual(settings, set(SETTING_DEFAULTS))
        fresh = self.env["res.company"].create({"name": "SFCN Company C"})
        for name, default in SETTING_DEFAULTS.items():
            self.assertEqual(fresh[name], default, name)
            self.assertEqual(settings_fields[name].related, f"company_id.{name}", name)

    def test_local_periods_from_date_utils(self):
        """A rep's day and week start at local midnight (Monday for the week), as naive UTC datetimes."""
        day_start, day_end = local_period_utc("Asia/Shanghai")
        self.assertEqual((day_start.hour, day_end - day_start), (16, timedelta(days=1)))
        week_start, week_end = local_period_utc("Asia/Shanghai", "week")
        self.assertEqual(((week_start + timedelta(hours=8)).weekday(), week_end - week_start),
                         (0, timedelta(days=7)))
        self.assertLessEqual(week_start, day_start)
        self.assertEqual(local_period_utc(False)[0].hour, 0)

    def test_settings_edit_the_current_company_only(self):
        self._settings(self.company_a, {"sfcn_call_daily_goal": 40, "sfcn_default_stage_max_days": 12})
        self._settings(self.company_b, {"sfcn_call_daily_goal": 80})
        self.assertEqual((self.company_a.sfcn_call_daily_goal, self.company_a.sfcn_default_stage_max_days),
                         (40, 12))
        self.assertEqual((self.company_b.sfcn_call_daily_goal, self.company_b.sfcn_default_stage_max_days),
                         (80, 30), "company A's settings left company B's alone")
        settings_b = self.env["res.config.settings"].with_company(self.company_b).create({})
        self.assertEqual(settings_b.sfcn_call_daily_goal, 80)
        self.assertFalse(self.env["ir.config_parameter"].sudo().search([
            ("key", "in", ["sales_funnel_cn.call_daily_goal", "sales_funnel_cn.default_stage_max_days"])]))

    def test_daily_call_goal_of_the_reps_company(self):
        self.company_a.write({"sfcn_call_daily_goal": 40, "sfcn_call_daily_conversion_goal": 4})
        self.company_b.write({"sfcn_call_daily_goal": 90, "sfcn_call_daily_conversion_goal": 9})
        Report = self.env["crm.call.report"]
        self.assertEqual((Report._daily_progress(self.rep)["goal_calls"],
                          Report._daily_progress(self.rep2)["goal_calls"]), (40, 90))
        spec = {"goal_calls": {}, "goal_conversions": {}}
        Wizard = self.env["crm.call.log.wizard"]
        values = Wizard.with_user(self.rep2).onchange({}, [], spec)["value"]
        self.assertEqual((values["goal_calls"], values["goal_conversions"]), (90, 9))
        values = Wizard.with_user(self.rep).onchange({}, [], spec)["value"]
        self.assertEqual((values["goal_calls"], values["goal_conversions"]), (40, 4))
        # the rep working in company A now (company switcher) sees company A's goal
        values = Wizard.with_user(self.rep2).with_company(self.company_a).onchange({}, [], spec)["value"]
        self.assertEqual(values["goal_calls"], 40)

    def test_default_stage_max_days_of_the_deals_company(self):
        self.company_a.sfcn_default_stage_max_days = 5
        self.company_b.sfcn_default_stage_max_days = 30
        deal_a = self._new_deal("A 公司商机")
        deal_b = self._deal_b("B 公司商机")
        self.assertEqual((deal_a.company_id, deal_b.company_id), (self.company_a, self.company_b))
        (deal_a.stage_id | deal_b.stage_id).max_days = 0
        (deal_a | deal_b).date_last_stage_update = fields.Datetime.now() - timedelta(days=10)
        self.assertEqual((deal_a.is_stale, deal_b.is_stale), (True, False))
        stale = self.env["crm.lead"].search([("id", "in", (deal_a | deal_b).ids), ("is_stale", "=", True)])
        self.assertEqual(stale, deal_a)
        not_stale = self.env["crm.lead"].search([("id", "in", (deal_a | deal_b).ids), ("is_stale", "=", False)])
        self.assertEqual(not_stale, deal_b)
        self._settings(self.company_b, {"sfcn_default_stage_max_days": 7})
        self.assertEqual((deal_a.is_stale, deal_b.is_stale), (True, True))
        self.assertEqual(self.company_a.sfcn_default_stage_max_days, 5)

    def test_grade_decision_days_of_the_deals_company(self):
        self.company_a.sfcn_grade_c_decision_days = 60
        self.company_b.sfcn_grade_c_decision_days = 30
        facts = {"budget_confirmed": True, "date_deadline": self.today + timedelta(days=45)}
        eb_a = self.env["res.partner"].create({"name": "王总", "parent_id": self.customer.id})
        eb_b = self.env["res.partner"].create({"name": "李总", "parent_id": self.customer.id})
        deal_a = self._new_deal("A 公司评级", key_person_ids=[
            Command.create({"partner_id": eb_a.id, "role": "eb", **WON})], **facts)
        deal_b = self._deal_b("B 公司评级", key_person_ids=[
            Command.create({"partner_id": eb_b.id, "role": "eb", **WON})], **facts)
        self.assertEqual((deal_a.customer_grade, deal_b.customer_grade), ("C", "D"))
        self.assertIn("30", deal_b.customer_grade_why)
        # Settings in company B: the stored grade of B's deal follows, A's window and deal stay
        self._settings(self.company_b, {"sfcn_grade_c_decision_days": 50})
        self.assertEqual((deal_a.customer_grade, deal_b.customer_grade), ("C", "C"))
        self.assertEqual(self.company_a.sfcn_grade_c_decision_days, 60)
        self._settings(self.company_a, {"sfcn_grade_c_decision_days": 40})
        self.assertEqual((deal_a.customer_grade, deal_b.customer_grade), ("D", "C"))
        self.assertEqual(self.company_b.sfcn_grade_c_decision_days, 50)

    def test_lead_revenue_thresholds_of_the_deals_company(self):
        self.company_b.sfcn_lead_min_revenue = 200000
        vals = {"solution_fit": "medium", "customer_importance": "medium", "expected_revenue": 100000}
        deal_a = self._new_deal("A 线索", **vals)
        deal_b = self._deal_b("B 线索", **vals)
        self.assertEqual((deal_a.lead_class, deal_b.lead_class), ("normal", "not_lead"))
        self.company_b.sfcn_lead_min_revenue = 50000
        self.assertEqual(deal_b.lead_class, "normal")

    def test_migration_moves_parameters_to_every_company(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("sales_funnel_cn.call_daily_goal", "33")
        params.set_param("sales_funnel_cn.followup_clock", "all")
        params.set_param("sales_funnel_cn.checkin_max_km", "2.5")
        params.set_param("sales_funnel_cn.recompute_cursor", "2026-01-01:done")
        migrate = load_step("18.0.1.1.0", "post-migrate")
        migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        for company in self.company_a | self.company_b:
            self.assertEqual((company.sfcn_call_daily_goal, company.sfcn_followup_clock,
                              company.sfcn_checkin_max_km, company.sfcn_default_stage_max_days),
                             (33, "all", 2.5, 30))
        self.assertFalse(params.get_param("sales_funnel_cn.call_daily_goal"))
        self.assertEqual(params.get_param("sales_funnel_cn.recompute_cursor"), "2026-01-01:done")
        # run again: nothing left to copy, a company's own value stays
        self.company_b.sfcn_call_daily_goal = 70
        migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual((self.company_a.sfcn_call_daily_goal, self.company_b.sfcn_call_daily_goal), (33, 70))
