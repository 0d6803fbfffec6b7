from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SalesFunnelCommon

BLOCKED = "budget, the project timeline and a matching solution"


@tagged("post_install", "-at_install")
class TestJourneyCriterion(SalesFunnelCommon):
    """Seed 003: budget, timeline and a matching solution make a lead an opportunity; block / warn / off per
    team, on every path that turns a lead into an opportunity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.sfcn_convert_criterion = "block"
        cls.start = fields.Date.today() + relativedelta(months=2)

    def _lead(self, complete=False, **vals):
        if complete:
            vals = {"sfcn_budget": 200000, "date_project_start": self.start, "solution_fit": "high", **vals}
        return self.env["crm.lead"].with_user(self.rep).create({
            "name": "线索", "type": "lead", "team_id": self.team.id, "user_id": self.rep.id, **vals})

    def test_missing_items(self):
        lead = self._lead(solution_fit="low")
        self.assertEqual(lead._sfcn_criterion_missing(), [
            "customer budget", "project timeline (expected project start)",
            "matching solution (solution fit high or medium)"])
        lead.write({"sfcn_budget": 1, "date_project_start": self.start, "solution_fit": "medium"})
        self.assertFalse(lead.sfcn_criterion_missing)

    def test_block_every_path(self):
        lead = self._lead(sfcn_budget=100000)
        paths = {
            "convert_opportunity": lambda: lead.convert_opportunity(self.customer),
            "write type": lambda: lead.write({"type": "opportunity"}),
            "import": lambda: lead.load([".id", "type"], [[str(lead.id), "opportunity"]]),
            "convert wizard": lambda: self.env["crm.lead2opportunity.partner"].with_user(self.rep).with_context(
                active_model="crm.lead", active_id=lead.id, active_ids=lead.ids).create(
                {"name": "convert", "action": "nothing"}).action_apply(),
            "mass convert": lambda: self.env["crm.lead2opportunity.partner.mass"].with_user(self.rep).with_context(
                active_model="crm.lead", active_id=lead.id, active_ids=lead.ids).create(
                {"name": "convert", "action": "nothing", "user_ids": [(6, 0, self.rep.ids)]}).action_mass_convert(),
            "merge and convert": lambda: self.env["crm.lead2opportunity.partner"].with_user(self.rep).with_context(
                active_model="crm.lead", active_id=lead.id, active_ids=lead.ids).create(
                {"name": "merge", "action": "nothing",
                 "duplicated_lead_ids": [(6, 0, (lead | self._lead(name="重复线索")).ids)]}).action_apply(),
        }
        for path, call in paths.items():
            with self.subTest(path=path), self.assertRaisesRegex(UserError, BLOCKED), self.cr.savepoint():
                result = call()
                # load() reports errors instead of raising
                if isinstance(result, dict) and result.get("messages"):
                    raise UserError(result["messages"][0]["message"])
            self.assertEqual(lead.type, "lead", path)
        # a manager is held to the same rule
        with self.assertRaisesRegex(UserError, "project timeline"), self.cr.savepoint():
            lead.with_user(self.manager).convert_opportunity(self.customer)
        # given with the conversion, the missing items count
        lead.with_user(self.rep).write({"type": "opportunity", "date_project_start": self.start,
                                        "solution_fit": "high"})
        self.assertEqual(lead.type, "opportunity")

    def test_complete_lead_converts(self):
        lead = self._lead(complete=True)
        self.env["crm.lead2opportunity.partner"].with_user(self.rep).with_context(
            active_model="crm.lead", active_id=lead.id, active_ids=lead.ids).create(
            {"name": "convert", "action": "nothing"}).action_apply()
        self.assertEqual(lead.type, "opportunity")

    def test_warn_and_off(self):
        self.team.sfcn_convert_criterion = "warn"
        lead = self._lead()
        lead.convert_opportunity(self.customer)
        self.assertEqual(lead.type, "opportunity")
        note = lead.message_ids.filtered(lambda m: "without the criterion" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("customer budget", note.body)
        self.team.sfcn_convert_criterion = "off"
        other = self._lead()
        other.convert_opportunity(self.customer)
        self.assertEqual(other.type, "opportunity")
        self.assertFalse(other.message_ids.filtered(lambda m: "without the criterion" in (m.body or "")))

    def test_refusal_translated(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_funnel_cn"], ["zh_CN"], overwrite=True)
        lead = self._lead()
        with self.assertRaisesRegex(UserError, "客户预算"):
            lead.with_context(lang="zh_CN").write({"type": "opportunity"})

    def test_creating_an_opportunity_is_not_a_conversion(self):
        deal = self._new_deal()
        self.assertEqual(deal.type, "opportunity")


@tagged("post_install", "-at_install")
class TestJourneyMajorLead(SalesFunnelCommon):
    """The company-level major lead (公司级重大线索) beside important / normal / not a lead."""

    def test_major_class_and_notification(self):
        company = self.env.company
        company.sfcn_lead_major_revenue = 3000000
        start = fields.Date.today() + relativedelta(months=1)
        lead = self.env["crm.lead"].with_user(self.rep).create({
            "name": "智慧港口", "type": "lead", "team_id": self.team.id, "user_id": self.rep.id,
            "expected_revenue": 2000000, "customer_importance": "high", "solution_fit": "high",
            "date_project_start": start})
        self.assertEqual(lead.lead_class, "important")
        self.assertFalse(lead.message_ids.filtered(lambda m: "major lead" in (m.body or "")))
        lead.write({"expected_revenue": 3500000})
        self.assertEqual(lead.lead_class, "major")
        notes = lead.message_ids.filtered(lambda m: "major lead" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn(self.manager.partner_id, notes.partner_ids, "the team leader is notified")
        self.assertNotIn(self.rep.partner_id, notes.partner_ids)
        # writing again does not notify twice; falling back and rising again does
        lead.write({"expected_revenue": 4000000})
        self.assertEqual(len(lead.message_ids.filtered(lambda m: "major lead" in (m.body or ""))), 1)
        # the threshold is per company: raising it downgrades the lead
        company.sfcn_lead_major_revenue = 5000000
        self.assertEqual(lead.lead_class, "important")
        created = self.env["crm.lead"].create({
            "name": "重大线索", "type": "lead", "team_id": self.team.id, "expected_revenue": 6000000,
            "customer_importance": "high", "solution_fit": "high", "date_project_start": start})
        self.assertEqual(created.lead_class, "major")
        self.assertTrue(created.message_ids.filtered(lambda m: "major lead" in (m.body or "")))
