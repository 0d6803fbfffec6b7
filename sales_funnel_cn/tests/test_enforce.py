from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.sfcn_access import SYSTEM_FIELDS
from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestEnforce(SalesFunnelCommon):
    """System fields, trusted owner changes and masking of the pooled deal's customer (issue 10)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pool = cls.env["crm.pool"].create({
            "name": "Enforce Pool", "team_id": cls.team.id, "cooldown_days": 0, "claim_delay_hours": 0})
        cls.pooled_customer = cls.env["res.partner"].create({
            "name": "公海客户", "phone": "13911112222", "email": "boss@pooled.cn"})

    def test_every_declared_system_field_exists(self):
        for model, concerns in SYSTEM_FIELDS.items():
            for names in concerns.values():
                for fname in names:
                    self.assertIn(fname, self.env[model]._fields, f"{model}.{fname}")

    def test_rep_cannot_write_system_fields_manager_correction_logged(self):
        deal = self._new_deal("Own")
        ahead = fields.Datetime.now() + timedelta(days=365)
        with self.assertRaisesRegex(UserError, "Last Follow-up.*maintained by the system"):
            deal.with_user(self.rep).write({"date_last_followup": ahead})
        with self.assertRaisesRegex(UserError, "Public Pool"):
            deal.with_user(self.rep).write({"pool_id": False})
        self.assertEqual(deal.pool_id, self.pool)
        deal.with_user(self.rep).write({"name": "Own (renamed)", "date_last_followup": deal.date_last_followup})
        self.assertEqual(deal.name, "Own (renamed)", "an unchanged system value is not a change")
        before = deal.date_reclaim
        deal.with_user(self.manager).with_context(tracking_disable=False).write({"date_last_followup": ahead})
        self.assertGreater(deal.date_reclaim, before)
        note = deal.message_ids.filtered(lambda m: "corrected by Manager Zhou" in m.body)
        self.assertTrue(note, "the correction is logged")
        self.assertIn(str(ahead.replace(microsecond=0)), note[0].body)

    def test_trusted_owner_change_without_context(self):
        deal = self._new_deal("Pooled", user_id=False)
        deal._pool_set_owner(self.rep, start_reason="claimed", start_rule="by test")
        self.assertEqual(deal.user_id, self.rep)
        self.assertEqual(deal.pool_history_ids[:1].start_reason, "claimed")
        deal._pool_set_owner(self.env["res.users"], end_reason="released", end_rule="no budget")
        self.assertFalse(deal.user_id)
        self.assertEqual(deal.pool_previous_user_id, self.rep)
        self.assertEqual(deal.pool_history_ids.filtered("date_end").mapped("rule"), ["no budget"])
        with self.assertRaises(UserError):
            deal.with_user(self.rep).with_context(sfcn_pool_bypass=True).write({"user_id": self.rep.id})

    def test_pooled_customer_masked_and_not_reachable(self):
        pooled = self._new_deal("Pooled customer deal", user_id=False, partner_id=self.pooled_customer.id,
                                phone="13911112222")
        partner = self.pooled_customer.with_user(self.rep)
        self.assertEqual(partner.read(["phone", "email"])[0], {
            "id": partner.id, "phone": "139****2222", "email": "b***@pooled.cn"})
        self.assertFalse(self.env["res.partner"].with_user(self.rep).search([("phone", "=", "13911112222")]))
        rows = partner._export_rows([["phone"], ["email"]])
        self.assertEqual(rows[0], ["139****2222", "b***@pooled.cn"])
        with self.assertRaisesRegex(UserError, "public pool"):
            self.env["crm.lead"].with_user(self.rep).create({"name": "Side door", "partner_id": partner.id})
        with self.assertRaisesRegex(UserError, "claim it before"):
            pooled.with_user(self.rep).log_call("N/A", "try")
        self.assertEqual(self.pooled_customer.with_user(self.manager).read(["phone"])[0]["phone"], "13911112222")
        pooled.with_user(self.rep).action_pool_claim()
        self.assertEqual(partner.read(["phone"])[0]["phone"], "13911112222", "claimed: the customer is his")

    def test_rep_everyday_paths_still_work(self):
        """The guard is the outermost layer: the module's own values (claim date on create, follow-up date on a
        stage change or a call, call state) are not refused as if the rep had sent them."""
        deal = self.env["crm.lead"].with_user(self.rep).create({
            "name": "Mine", "type": "opportunity", "team_id": self.team.id, "user_id": self.rep.id,
            "phone": "13800001234"})
        self.assertTrue(deal.date_claimed)
        stage = self.stages.filtered(lambda s: not s.is_won and s != deal.stage_id)[:1]
        deal.with_user(self.rep).write({"stage_id": stage.id})
        self.assertTrue(deal.date_last_followup)
        deal.with_user(self.rep).log_call("N/A", "first try")
        self.assertEqual(deal.call_na_count, 1)
        check = self.env["crm.stage.check"].create({"stage_id": stage.id, "name": "Optional", "required": False})
        answer = self.env["crm.lead.check"].with_user(self.rep).create(
            {"lead_id": deal.id, "check_id": check.id, "done": True})
        self.assertEqual((answer.user_id, answer.log_ids.user_id), (self.rep, self.rep))
