import json
from datetime import timedelta

from odoo import Command
from odoo import fields
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase
from odoo.tests import new_test_user
from odoo.tests import tagged

from .common import SalesFunnelCommon

WON = {"approved": True, "need_confirmed": True, "objection_handled": True, "attitude": "support"}


@tagged("post_install", "-at_install")
class TestCustomerGrade(SalesFunnelCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["crm.lead"])
        cls.people = cls.env["res.partner"].create([
            {"name": name, "parent_id": cls.customer.id} for name in ("王总", "李工", "张经理", "赵主任")])

    def _kp(self, role, person=0, **vals):
        return Command.create({"partner_id": self.people[person].id, "role": role, **vals})

    def _a_facts(self, days=7):
        return {
            "budget_confirmed": True, "procurement_state": "started", "quote_state": "confirmed",
            "competitor_known": True, "competitor_excluded": True,
            "date_decision": self.today + timedelta(days=days),
        }

    def test_grade_table(self):
        """Seed 002's table, one row per case: key persons, facts, expected grade."""
        def d(days):
            return self.today + timedelta(days=days)

        cases = [
            ("nobody", [], {}, False),
            ("only a coach", [("coach", 0, {})], {}, False),
            ("first contact with a TB", [("tb", 0, {})], {}, "D"),
            ("one won over, budget, 60 days", [("eb", 0, WON)],
             {"budget_confirmed": True, "date_deadline": d(60)}, "C"),
            ("one won over, budget, 61 days", [("eb", 0, WON)],
             {"budget_confirmed": True, "date_deadline": d(61)}, "D"),
            ("one won over, no budget", [("eb", 0, WON)], {"date_deadline": d(10)}, "D"),
            ("won but needs not confirmed", [("eb", 0, dict(WON, need_confirmed=False))],
             {"budget_confirmed": True, "date_deadline": d(10)}, "D"),
            ("two won over, procurement clear, 30 days", [("eb", 0, WON), ("ub", 1, WON)],
             {"budget_confirmed": True, "procurement_state": "clear", "date_deadline": d(30)}, "B"),
            ("two won over, procurement unknown", [("eb", 0, WON), ("ub", 1, WON)],
             {"budget_confirmed": True, "date_deadline": d(30)}, "C"),
            ("two won over, 31 days", [("eb", 0, WON), ("ub", 1, WON)],
             {"budget_confirmed": True, "procurement_state": "clear", "date_deadline": d(31)}, "C"),
            ("all of A, decision in exactly 7 days", [("eb", 0, WON), ("ub", 1, WON), ("tb", 2, WON)],
             self._a_facts(7), "A"),
            ("all of A but decision in 8 days", [("eb", 0, WON), ("ub", 1, WON), ("tb", 2, WON)],
             self._a_facts(8), "B"),
            ("A with EB+TB approved, UB reached and settled",
             [("eb", 0, WON), ("tb", 2, WON), ("ub", 1, {"need_confirmed": True, "objection_handled": True})],
             self._a_facts(3), "A"),
            ("missing EB: UB and TB won over", [("ub", 1, WON), ("tb", 2, WON)], self._a_facts(3), "B"),
            ("opposing EB", [("eb", 0, {"attitude": "oppose", "need_confirmed": True,
                                        "objection_handled": True}), ("ub", 1, WON), ("tb", 2, WON)],
             self._a_facts(3), "B"),
            ("competitor not excluded", [("eb", 0, WON), ("ub", 1, WON), ("tb", 2, WON)],
             dict(self._a_facts(3), competitor_excluded=False), "B"),
            ("quote still negotiating", [("eb", 0, WON), ("ub", 1, WON), ("tb", 2, WON)],
             dict(self._a_facts(3), quote_state="negotiating"), "B"),
            ("one contact holds EB and UB", [("eb", 0, WON), ("ub", 0, WON)],
             {"budget_confirmed": True, "procurement_state": "clear", "date_deadline": d(20)}, "B"),
        ]
        for label, kps, facts, expected in cases:
            with self.subTest(label):
                deal = self._new_deal(label, key_person_ids=[self._kp(r, p, **v) for r, p, v in kps], **facts)
                self.assertEqual(deal.customer_grade_computed, expected)
                self.assertEqual(deal.customer_grade, expected)

    def test_why_lists_blocking_criteria(self):
        deal = self._new_deal(key_person_ids=[self._kp("eb", 0, **WON)], budget_confirmed=True,
                              date_deadline=self.today + timedelta(days=20))
        self.assertEqual(deal.customer_grade, "C")
        self.assertIn("Grade C holds", deal.customer_grade_why)
        self.assertIn("To reach grade B", deal.customer_grade_why)
        self.assertIn("✗ Two of EB/UB/TB approved", deal.customer_grade_why)
        self.assertIn("✗ Procurement process clear", deal.customer_grade_why)
        self.assertIn("✓ Budget confirmed", deal.customer_grade_why)
        top = self._new_deal(key_person_ids=[self._kp(r, i, **WON) for i, r in enumerate(("eb", "ub", "tb"))],
                             **self._a_facts(1))
        self.assertEqual(top.customer_grade, "A")
        self.assertNotIn("To reach", top.customer_grade_why)
        self.assertIn("No grade yet", self._new_deal().customer_grade_why)

    def test_recompute_on_fact_change_and_kp_deletion(self):
        deal = self._new_deal(key_person_ids=[self._kp("eb", 0, **WON), self._kp("tb", 2, **WON)],
                              budget_confirmed=True, procurement_state="clear",
                              date_deadline=self.today + timedelta(days=20))
        self.assertEqual(deal.customer_grade, "B")
        deal.key_person_ids.filtered(lambda kp: kp.role == "tb").unlink()
        self.assertEqual(deal.customer_grade, "C")
        deal.budget_confirmed = False
        self.assertEqual(deal.customer_grade, "D")
        deal.key_person_ids.unlink()
        self.assertFalse(deal.customer_grade)
        # stored: searchable and groupable
        deal.key_person_ids = [self._kp("ub", 1)]
        self.assertIn(deal, self.env["crm.lead"].search([("customer_grade", "=", "D")]))
        groups = self.env["crm.lead"]._read_group([("id", "=", deal.id)], ["customer_grade"], ["__count"])
        self.assertEqual(groups, [("D", 1)])

    def test_thresholds_are_settings(self):
        deal = self._new_deal(key_person_ids=[self._kp("eb", 0, **WON)], budget_confirmed=True,
                              date_deadline=self.today + timedelta(days=70))
        self.assertEqual(deal.customer_grade, "D")
        self.env["res.config.settings"].create({"sfcn_grade_c_decision_days": 90}).execute()
        self.assertEqual(deal.customer_grade, "C")

    def test_manager_override_logged_and_computed_kept(self):
        deal = self._new_deal(key_person_ids=[self._kp("ub", 1)])
        self.assertEqual(deal.customer_grade, "D")
        with self.assertRaises(UserError):
            deal.with_user(self.rep).write({"customer_grade_override": "B", "customer_grade_override_reason": "x"})
        with self.assertRaises(ValidationError):
            deal.with_user(self.manager).write({"customer_grade_override": "B"})
        deal.with_user(self.manager).write({"customer_grade_override": "B",
                                            "customer_grade_override_reason": "老客户，总经理已口头确认"})
        self.assertEqual(deal.customer_grade, "B")
        self.assertEqual(deal.customer_grade_computed, "D")
        self.assertIn("老客户，总经理已口头确认", deal.message_ids[0].body)
        deal.with_user(self.manager).write({"customer_grade_override": False})
        self.assertEqual(deal.customer_grade, "D")
        self.assertFalse(deal.customer_grade_override_reason)
        self.assertIn("override removed", deal.message_ids[0].body)

    def test_bad_inputs_give_clear_errors(self):
        deal = self._new_deal()
        with self.assertRaisesRegex(ValidationError, "Unknown key person role 'cfo'"):
            self.env["crm.lead.key.person"].with_user(self.rep).create(
                {"lead_id": deal.id, "partner_id": self.people[0].id, "role": "cfo"})
        # the rep's own today (their time zone: from 23:00 UTC the test admin's Brussels date is a day ahead)
        rep_today = fields.Date.context_today(deal.with_user(self.rep))
        with self.assertRaisesRegex(ValidationError, "in the past"):
            deal.with_user(self.rep).write({"date_decision": rep_today - timedelta(days=1)})
        self.assertFalse(deal.date_decision)
        with self.assertRaisesRegex(ValidationError, "both opposed and approved"):
            deal.write({"key_person_ids": [self._kp("eb", 0, approved=True, attitude="oppose")]})
        self.assertFalse(deal.key_person_ids)

    def test_eb_warning_at_75_percent(self):
        deal = self._new_deal(probability=80, key_person_ids=[self._kp("ub", 1, **WON)])
        self.assertTrue(deal.eb_missing_warning)
        deal.key_person_ids = [self._kp("eb", 0, attitude="oppose")]
        self.assertTrue(deal.eb_missing_warning)
        deal.key_person_ids.filtered(lambda kp: kp.role == "eb").write({"attitude": "support", "approved": True})
        self.assertFalse(deal.eb_missing_warning)
        low = self._new_deal(probability=50)
        self.assertFalse(low.eb_missing_warning)

    def test_rep_sees_only_key_persons_of_own_deals(self):
        mine = self._new_deal(key_person_ids=[self._kp("eb", 0)])
        theirs = self._new_deal(user=self.rep2, key_person_ids=[self._kp("eb", 0)])
        visible = self.env["crm.lead.key.person"].with_user(self.rep).search([])
        self.assertIn(mine.key_person_ids, visible)
        self.assertNotIn(theirs.key_person_ids, visible)


@tagged("post_install", "-at_install")
class TestCustomerGradeRpc(HttpCase):
    """Bad inputs through JSON-RPC, as any client would send them: a clear error and nothing written."""

    def _call(self, model, method, args, kwargs=None):
        response = self.url_open("/web/dataset/call_kw", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }), headers={"Content-Type": "application/json"})
        return response.json()

    def test_rpc_bad_inputs(self):
        rep = new_test_user(self.env, login="sfcn_rpc_rep", password="sfcn_rpc_rep_pw",
                            groups="base.group_user,sales_team.group_sale_salesman")
        contact = self.env["res.partner"].create({"name": "王总"})
        deal = self.env["crm.lead"].create({"name": "RPC deal", "type": "opportunity", "user_id": rep.id})
        self.authenticate("sfcn_rpc_rep", "sfcn_rpc_rep_pw")

        answer = self._call("crm.lead.key.person", "create",
                            [{"lead_id": deal.id, "partner_id": contact.id, "role": "cfo"}])
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.ValidationError")
        self.assertIn("Unknown key person role 'cfo'", answer["error"]["data"]["message"])

        yesterday = fields.Date.to_string(fields.Date.today() - timedelta(days=1))
        answer = self._call("crm.lead", "write", [[deal.id], {"date_decision": yesterday}])
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.ValidationError")
        self.assertIn("is in the past", answer["error"]["data"]["message"])

        answer = self._call("crm.lead", "write", [[deal.id], {"customer_grade_override": "A",
                                                              "customer_grade_override_reason": "trust me"}])
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.UserError")

        deal.invalidate_recordset()
        self.assertFalse(deal.key_person_ids)
        self.assertFalse(deal.date_decision)
        self.assertFalse(deal.customer_grade)
