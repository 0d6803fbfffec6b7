from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo import fields
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.sfcn_constants import RECLAIM_CURSOR_PARAM
from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestPool(SalesFunnelCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pool = cls.env["crm.pool"].create({
            "name": "Test Pool", "team_id": cls.team.id, "holding_cap": 3, "daily_claim_cap": 5,
            "cooldown_days": 7, "followup_days": 10, "won_days": 35, "warning_days": 2,
        })
        cls.now = fields.Datetime.now()
        # the demo holds overdue deals (the reclaim preview shows them): reclaim them first, so the counts
        # below are the test's own deals
        cls.env["crm.lead"]._pool_reclaim_all()

    def _pooled(self, name="Pooled Deal", **vals):
        deal = self._new_deal(name, user_id=False, phone="13812345678", email_from="li@example.com", **vals)
        self.assertEqual(deal.pool_id, self.pool)
        return deal

    def _held(self, name="Held Deal", user=None, days_claimed=0, days_followup=None, **vals):
        deal = self._new_deal(name, user=user or self.rep, **vals)
        deal.write({
            "date_claimed": self.now - timedelta(days=days_claimed),
            "date_last_followup": days_followup is not None and self.now - timedelta(days=days_followup),
        })
        return deal

    # ------------------------------------------------------------------ claim and its rules
    def test_pool_list_index(self):
        """The public pool list reads its first page in crm's order from the module's partial index of the
        pooled deals (held deals have no entry in it)."""
        self.env.flush_all()
        self.env.cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'sales_funnel_cn_pool_list_index'")
        indexdef = self.env.cr.fetchone()[0]
        self.assertIn("(priority DESC, id DESC)", indexdef)
        self.assertIn("WHERE ((user_id IS NULL) AND (pool_id IS NOT NULL) AND active)", indexdef)
        Lead = self.env["crm.lead"].with_user(self.rep)
        query = Lead._search([("user_id", "=", False), ("pool_id", "!=", False)], limit=80, order=Lead._order)
        sql = query.select()
        self.env.cr.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off")
        try:
            self.env.cr.execute(SQL("EXPLAIN %s", sql))
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        finally:
            self.env.cr.execute("SET LOCAL enable_seqscan = on; SET LOCAL enable_bitmapscan = on")
        self.assertIn("sales_funnel_cn_pool_list_index", plan)

    def test_claim_and_history(self):
        deal = self._pooled()
        deal.with_user(self.rep).action_pool_claim()
        self.assertEqual(deal.user_id, self.rep)
        self.assertTrue(deal.date_claimed)
        history = deal.pool_history_ids
        self.assertEqual(history.mapped("start_reason"), ["claimed"])
        self.assertFalse(history.date_end)
        self.assertIn("Claimed from the public pool", deal.message_ids[:1].body)

    def test_claim_already_claimed(self):
        deal = self._pooled()
        deal.with_user(self.rep).action_pool_claim()
        with self.assertRaisesRegex(UserError, "Already claimed"):
            deal.with_user(self.rep2).action_pool_claim()
        self.assertEqual(deal.user_id, self.rep)

    def test_claim_holding_cap_all_or_nothing(self):
        self._held("Own 1")
        self._held("Own 2")
        deals = self._pooled("P1") | self._pooled("P2")
        with self.assertRaisesRegex(UserError, "Holding cap"):
            deals.with_user(self.rep).action_pool_claim()
        self.assertFalse(deals.user_id, "nothing half-written")
        deals[0].with_user(self.rep).action_pool_claim()
        self.assertEqual(deals[0].user_id, self.rep)

    def test_cap_counts_won_setting(self):
        won_stage = self.env["crm.stage"].search([("is_won", "=", True), ("team_id", "=", False)], limit=1)
        for i in range(3):
            self._held(f"Won {i}", stage_id=won_stage.id, probability=100)
        deal = self._pooled()
        self.pool.cap_counts_won = True
        with self.assertRaisesRegex(UserError, "Holding cap"):
            deal.with_user(self.rep).action_pool_claim()
        self.pool.cap_counts_won = False
        deal.with_user(self.rep).action_pool_claim()
        self.assertEqual(deal.user_id, self.rep)

    def test_moving_back_from_won_counts_against_the_cap(self):
        """A won deal does not count against the cap; moving it back to an open stage does, and is refused over
        the cap. A move between open stages at the cap changes no count (and skips counting: crm_lead_pool.py)."""
        won_stage = self.env["crm.stage"].search([("is_won", "=", True), ("team_id", "=", False)], limit=1)
        first, second = self.env["crm.stage"].search(
            [("is_won", "=", False), ("team_id", "=", False)], order="sequence, id", limit=2)
        won = self._held("Won", stage_id=won_stage.id, probability=100)
        held = self._held("Own 1", stage_id=first.id) | self._held("Own 2", stage_id=first.id) \
            | self._held("Own 3", stage_id=first.id)
        held[0].with_user(self.rep).write({"stage_id": second.id})
        self.assertEqual(held[0].stage_id, second)
        with self.assertRaises(UserError) as refused:  # Odoo's assertRaises: rolled back to a savepoint
            won.with_user(self.rep).write({"stage_id": first.id})
        self.assertIn("Holding cap", str(refused.exception))
        self.assertEqual(won.stage_id, won_stage)
        held[1].with_user(self.rep).action_set_lost()
        won.with_user(self.rep).write({"stage_id": first.id})
        self.assertEqual(won.stage_id, first)

    def test_daily_claim_cap(self):
        self.pool.write({"holding_cap": 100, "daily_claim_cap": 2})
        first = self._pooled("D1") | self._pooled("D2")
        first.with_user(self.rep).action_pool_claim()
        third = self._pooled("D3")
        with self.assertRaisesRegex(UserError, "Daily claim cap"):
            third.with_user(self.rep).action_pool_claim()
        self.assertFalse(third.user_id)
        third.with_user(self.rep2).action_pool_claim()
        self.assertEqual(third.user_id, self.rep2)

    def test_cooldown_previous_owner(self):
        deal = self._held()
        deal.with_user(self.rep)._pool_release("Customer not reachable")
        with self.assertRaisesRegex(UserError, "Cool-down"):
            deal.with_user(self.rep).action_pool_claim()
        deal.date_pooled = self.now - timedelta(days=8)
        deal.with_user(self.rep).action_pool_claim()
        self.assertEqual(deal.user_id, self.rep)

    def test_claim_delay(self):
        self.pool.claim_delay_hours = 24
        deal = self._held()
        deal.with_user(self.rep)._pool_release("Not my territory")
        with self.assertRaisesRegex(UserError, "Claim delay"):
            deal.with_user(self.rep2).action_pool_claim()
        deal.date_pooled = self.now - timedelta(hours=25)
        deal.with_user(self.rep2).action_pool_claim()
        self.assertEqual(deal.user_id, self.rep2)

    def test_non_member_cannot_claim(self):
        self.pool.write({"open_to_all": False, "member_ids": [(6, 0, self.rep2.ids)]})
        deal = self._pooled()
        with self.assertRaisesRegex(UserError, "not a member"):
            deal.sudo().with_user(self.rep)._pool_take(self.rep)
        deal.with_user(self.rep2).action_pool_claim()
        self.assertEqual(deal.user_id, self.rep2)

    # ------------------------------------------------------------------ release and assign
    def test_release_requires_reason_and_ownership(self):
        deal = self._held()
        with self.assertRaisesRegex(UserError, "reason"):
            deal.with_user(self.rep)._pool_release("  ")
        with self.assertRaisesRegex(UserError, "own deals"):
            deal.sudo().with_user(self.rep2)._pool_release("mine now")
        deal.with_user(self.rep)._pool_release("Budget frozen")
        self.assertFalse(deal.user_id)
        self.assertEqual(deal.pool_previous_user_id, self.rep)
        closed = deal.pool_history_ids.filtered("date_end")
        self.assertEqual((closed.end_reason, closed.rule), ("released", "Budget frozen"))
        wizard = self.env["crm.pool.release.wizard"].with_user(self.rep2).with_context(
            active_ids=deal.ids).create({"reason": "x"})
        with self.assertRaisesRegex(UserError, "already in the public pool"):
            wizard.action_release()

    def test_manager_assign_cap_and_override(self):
        for i in range(3):
            self._held(f"Own {i}", user=self.rep2)
        deal = self._pooled()
        with self.assertRaises(AccessError):
            deal.with_user(self.rep)._pool_assign(self.rep2)
        wizard = self.env["crm.pool.assign.wizard"].with_user(self.manager).with_context(
            active_ids=deal.ids).create({"user_id": self.rep2.id})
        with self.assertRaisesRegex(UserError, "Holding cap"):
            wizard.action_assign()
        wizard.override_cap = True
        wizard.action_assign()
        self.assertEqual(deal.user_id, self.rep2)
        opened = deal.pool_history_ids.filtered(lambda h: not h.date_end)
        self.assertEqual(opened.start_reason, "assigned")
        self.assertIn("overridden by Manager Zhou", opened.rule)
        self.assertIn("overridden", deal.message_ids[:1].body)

    def test_rep_cannot_bypass_claim_or_lock(self):
        deal = self._pooled()
        own = self._held()
        with self.assertRaises(AccessError):
            own.with_user(self.rep).write({"pool_locked": True, "pool_lock_reason": "VIP"})
        with self.assertRaisesRegex(UserError, "Release"):
            own.with_user(self.rep).write({"user_id": False})
        with self.assertRaisesRegex(UserError, "managers can reassign"):
            own.with_user(self.rep).write({"user_id": self.rep2.id})
        with self.assertRaises(UserError):
            deal.with_user(self.rep).write({"user_id": self.rep.id})
        self.assertFalse(deal.user_id)
        with self.assertRaises(ValidationError):
            own.with_user(self.manager).write({"pool_locked": True})

    # ------------------------------------------------------------------ reclaim rules
    def test_reclaimed_deal_stays_in_its_company(self):
        """The reclaim cron (run in the main company) returns a deal of another company whose team has no
        company (Odoo's default) to that company's pool: crm would empty the deal's company once it has no
        salesperson, and the pool of no company is the pool of the company running the cron."""
        other = self.env["res.company"].create({"name": "公海分公司"})
        other_pool = self.env["crm.pool"].create({
            "name": "分公司公海", "company_id": other.id, "followup_days": 10, "won_days": 35, "warning_days": 2})
        team = self.env["crm.team"].create({"name": "无公司团队"})
        self.rep.company_ids |= other
        due = self._held("Due elsewhere", days_claimed=12, days_followup=11, team_id=team.id, company_id=other.id)
        self.assertEqual((due.company_id, due.pool_id), (other, other_pool))
        self.env["crm.lead"]._pool_reclaim_all()
        self.assertFalse(due.user_id)
        self.assertEqual((due.company_id, due.pool_id), (other, other_pool))
        # a plain unassignment (a manager's write) keeps crm's rule: no salesperson, team without company, no company
        held = self._held("Unassigned by hand", team_id=team.id, company_id=other.id)
        held.write({"user_id": False})
        self.assertFalse(held.company_id)

    def test_reclaim_keeps_what_reads_only_the_company(self):
        """A return to the pool keeps the deal's company and team, so what reads only them (and facts the release
        does not touch) keeps its value and is not recomputed on every deal of a reclaim: the pool, the grade, the
        lead class. What the owner decides is still recomputed (crm's assignment date, probability). The set
        comes from the registry's dependencies; a company change still recomputes the grade."""
        kept = self.env["crm.lead"]._pool_kept_on_release()
        self.assertTrue({"company_id", "team_id", "pool_id", "customer_grade", "customer_grade_computed",
                         "lead_class", "date_reclaim"} <= set(kept), kept)
        # what the change of owner decides is written or recomputed: crm's assignment date, the previous owner
        self.assertFalse({"user_id", "date_open", "day_open", "pool_previous_user_id", "date_pooled"} & set(kept),
                         kept)
        due = self._held("Graded and due", days_claimed=12, days_followup=11, budget_confirmed=True)
        grade, lead_class = due.customer_grade_computed, due.lead_class
        kept_values = (due.team_id, due.stage_id, due.probability, due.pool_id, due.company_id)
        self.env.flush_all()
        Lead = self.env.registry["crm.lead"]
        compute = Lead._compute_customer_grade_computed
        with patch.object(Lead, "_compute_customer_grade_computed", autospec=True, side_effect=compute) as spy:
            self.assertEqual(self.env["crm.lead"]._pool_reclaim_all(), 1)
            self.env.flush_all()
            self.assertEqual(spy.call_count, 0)
            self.assertFalse(due.user_id)
            self.assertEqual((due.customer_grade_computed, due.lead_class), (grade, lead_class))
            self.assertEqual((due.team_id, due.stage_id, due.probability, due.pool_id, due.company_id), kept_values)
            self.assertFalse(due.date_open or due.date_reclaim)
            other = self.env["res.company"].create({"name": "评级分公司"})
            due.company_id = other
            self.env.flush_all()
            self.assertEqual(spy.call_count, 1, "a company change still recomputes the grade")

    def test_reclaim_no_followup_then_idempotent(self):
        due = self._held("Due", days_claimed=12, days_followup=11)
        fresh = self._held("Fresh", days_claimed=12, days_followup=3)
        self.assertEqual(due.reclaim_rule, "followup")
        self.assertLess(due.date_reclaim, self.now)
        done = self.env["crm.lead"]._pool_reclaim_all()
        self.assertEqual(done, 1)
        self.assertFalse(due.user_id)
        self.assertEqual(fresh.user_id, self.rep)
        closed = due.pool_history_ids.filtered("date_end")
        self.assertEqual(closed.end_reason, "reclaimed")
        self.assertEqual(closed.rule,
                         "No follow-up for more than 10 days, returned to the public pool automatically")
        line = due.message_ids[:1]
        self.assertIn("No follow-up for more than 10 days", line.body)
        # the values of mail.thread._message_log_batch: an internal note, no signature
        self.assertEqual((line.subtype_id, line.message_type, line.is_internal, line.email_add_signature),
                         (self.env.ref("mail.mt_note"), "notification", True, False))
        self.assertEqual(due.pool_previous_user_id, self.rep)
        self.assertFalse(due.date_reclaim or due.reclaim_rule)
        self.assertFalse(self.env["crm.pool.reclaim.count"].search_count([]), "taken by the run's summary")
        self.assertEqual(self.env["crm.lead"]._pool_reclaim_all(), 0, "second run finds nothing")
        self.assertEqual(len(due.pool_history_ids), 1)

    def test_reclaim_not_won_and_grade_override(self):
        not_won = self._held("Slow", days_claimed=36, days_followup=1)
        self.assertEqual(not_won.reclaim_rule, "not_won")
        graded = self._held("Grade A", days_claimed=12, days_followup=11)
        graded.customer_grade = "A"
        self.env["crm.pool.grade.rule"].create({"pool_id": self.pool.id, "grade": "A", "followup_days": 20})
        self.assertGreater(graded.date_reclaim, self.now)
        self.env["crm.lead"]._pool_reclaim_all()
        self.assertFalse(not_won.user_id)
        self.assertIn("Not won within 35 days", not_won.pool_history_ids.filtered("date_end").rule)
        self.assertEqual(graded.user_id, self.rep)

    def test_reclaim_exemptions(self):
        locked = self._held("Locked", days_claimed=40, days_followup=20)
        locked.write({"pool_locked": True, "pool_lock_reason": "Strategic account"})
        won_stage = self.env["crm.stage"].search([("is_won", "=", True), ("team_id", "=", False)], limit=1)
        won = self._held("Won", days_claimed=40, days_followup=20, stage_id=won_stage.id)
        decision = self._held("Decision", days_claimed=40, days_followup=20,
                              date_deadline=fields.Date.today() + timedelta(days=5))
        # the rep sets the expected closing date: ten years ahead buys at most the pool's cap (14 days)
        far = self._held("Far decision", days_claimed=40, days_followup=30,
                         date_deadline=fields.Date.today() + timedelta(days=3650))
        self.assertFalse(self.pool.exempt_future_decision, "the exemption is off by default")
        self.env["crm.lead"]._pool_reclaim_all()
        self.assertFalse((decision | far).user_id, "no exemption by default")
        self.pool.write({"exempt_future_decision": True, "exempt_max_days": 14})
        for deal, followup in ((decision, 20), (far, 30)):
            deal._pool_set_owner(self.rep)
            deal.write({"date_claimed": self.now - timedelta(days=40),
                        "date_last_followup": self.now - timedelta(days=followup)})
        self.env["crm.lead"]._pool_reclaim_all()
        self.assertEqual((locked | won | decision).user_id, self.rep)
        self.assertFalse(far.user_id, "a far expected closing date is capped")
        self.pool.exempt_future_decision = False
        self.env["crm.lead"]._pool_reclaim_all()
        self.assertFalse(decision.user_id)
        self.assertEqual((locked | won).user_id, self.rep)

    def test_reclaim_summary_one_per_rep_and_manager(self):
        for i in range(3):
            self._held(f"Due {i}", days_claimed=12, days_followup=11)
        self._held("Due rep2", user=self.rep2, days_claimed=12, days_followup=11)

        # a release is not a reclaim: not in the summary
        released = self._held("Released by hand", days_claimed=12, days_followup=11)
        released.with_user(self.rep)._pool_release("不再跟进")

        def notifications(user):
            return self.env["mail.message"].search([
                ("partner_ids", "in", user.partner_id.id), ("message_type", "=", "user_notification"),
                ("subject", "=", "Public pool: deals reclaimed")])
        self.env["crm.lead"]._pool_reclaim_all(batch_size=2)  # 4 deals in 2 batches, one summary
        self.assertEqual([len(notifications(u)) for u in (self.rep, self.rep2, self.manager)], [1, 1, 1])
        self.assertIn("3 of your deals", notifications(self.rep).body)
        self.assertIn("1 of your deals", notifications(self.rep2).body)
        self.assertIn("4 deals of your teams", notifications(self.manager).body)
        self.assertFalse(self.env["crm.pool.reclaim.count"].search_count([]))
        self.env["crm.lead"]._pool_reclaim_all(batch_size=2)
        self.assertEqual(len(notifications(self.rep)), 1, "a second run sends nothing")

    def test_reclaim_batches_progress(self):
        deals = self.env["crm.lead"]
        for i in range(5):
            deals |= self._held(f"Due {i}", days_claimed=12, days_followup=11)
        self.assertEqual(self.env["crm.lead"]._cron_pool_reclaim(batch_size=2), (2, 3))
        self.assertEqual(self.env["crm.lead"]._cron_pool_reclaim(batch_size=2), (2, 1))
        self.assertEqual(self.env["crm.lead"]._cron_pool_reclaim(batch_size=2), (1, 0))
        self.assertFalse(deals.user_id)

    def test_reclaim_pass_resumes_after_the_last_batch(self):
        """A pass walks the due deals in (return date, id) order from where the previous call stopped (a batch
        never reads the deals returned before it again); a deal that becomes due behind the cursor is found by the
        exact count at the end of the pass and returned by the next one."""
        early = self._held("Early, not due yet", days_claimed=1, days_followup=1)
        due = self.env["crm.lead"]
        for i in range(4):
            due |= self._held(f"Due {i}", days_claimed=12, days_followup=11)
        Lead = self.env["crm.lead"]
        self.env.flush_all()
        due.invalidate_recordset()
        dates = due.mapped("date_reclaim")
        self.assertEqual(len(set(dates)), 1, "the same return date: in id order")
        self.assertEqual(Lead._cron_pool_reclaim(batch_size=2), (2, 2))
        self.assertEqual(Lead._pool_reclaim_cursor(), (dates[1], due[1].id, 4, 2))
        early.write({"date_claimed": self.now - timedelta(days=12),
                     "date_last_followup": self.now - timedelta(days=11)})
        self.assertEqual(Lead._cron_pool_reclaim(batch_size=2), (2, 1), "the rest of the pass, after the cursor")
        self.assertTrue(early.user_id)
        self.assertEqual(Lead._cron_pool_reclaim(batch_size=2), (0, 1), "pass over: one due behind the cursor")
        self.assertEqual(Lead._pool_reclaim_cursor(), (None, 0, 0, 0))
        self.assertEqual(Lead._cron_pool_reclaim(batch_size=2), (1, 0))
        self.assertFalse((due | early).user_id)

    def test_reclaim_walks_return_dates(self):
        """The deal that has waited longest returns first whatever its id, and the pass goes on after it by
        return date; a cursor an older version wrote (id only) starts a new pass."""
        Lead = self.env["crm.lead"]
        recent = self._held("Due since yesterday", days_claimed=12, days_followup=11)
        oldest = self._held("Due for three days", days_claimed=14, days_followup=13)
        middle = self._held("Due for two days", days_claimed=13, days_followup=12)
        self.env["ir.config_parameter"].sudo().set_param(RECLAIM_CURSOR_PARAM, f"{recent.id}:3:0")
        self.assertEqual(Lead._pool_reclaim_cursor(), (None, 0, 0, 0), "an id-only cursor is no cursor")
        self.assertEqual(Lead._cron_pool_reclaim(batch_size=1), (1, 2))
        self.assertFalse(oldest.user_id)
        self.assertTrue(recent.user_id and middle.user_id)
        self.assertEqual(Lead._cron_pool_reclaim(batch_size=1), (1, 1))
        self.assertFalse(middle.user_id)
        self.assertTrue(recent.user_id)
        self.assertEqual(Lead._cron_pool_reclaim(batch_size=1), (1, 1), "a full batch: the pass may go on")
        self.assertEqual(Lead._cron_pool_reclaim(batch_size=1), (0, 0))
        self.assertFalse(recent.user_id)

    def test_warnings_once_nothing_is_due(self):
        """The reclaim returns the due deals first; the call that leaves nothing due warns the reps of the deals
        about to return, a batch per call, and asks to be called again while a batch is full."""
        for i in range(3):
            self._held(f"Due {i}", days_claimed=12, days_followup=11)
        soon = self.env["crm.lead"]
        for i in range(3):
            soon |= self._held(f"Soon {i}", days_claimed=9, days_followup=9)
        Lead = self.env["crm.lead"]
        Activity = self.env["mail.activity"]

        def warned():
            return Activity.search_count([("res_model", "=", "crm.lead"), ("res_id", "in", soon.ids),
                                          ("summary", "ilike", "returns to the public pool")])
        self.assertEqual(Lead._cron_pool_reclaim(batch_size=2), (2, 1))
        self.assertEqual(warned(), 0, "deals are still due: no warning yet")
        self.assertEqual(Lead._cron_pool_reclaim(batch_size=2), (1, 1), "a full batch of warnings: call again")
        self.assertEqual(warned(), 2)
        self.assertEqual(Lead._cron_pool_reclaim(batch_size=2), (0, 0))
        self.assertEqual(warned(), 3)
        self.assertEqual(Lead._cron_pool_reclaim(batch_size=2), (0, 0))
        self.assertEqual(warned(), 3, "once per return date")

    def test_warnings_follow_each_pools_lead(self):
        """A pool that warns five days ahead warns a deal returning in four days (the warnings read the return
        dates within the largest lead of the pools, not a fixed one); with two days ahead, not yet."""
        self.pool.warning_days = 5
        soon = self._held("Returns in four days", days_claimed=6, days_followup=6)
        self.assertTrue(soon.pool_warning)
        Lead = self.env["crm.lead"]
        self.assertEqual(Lead._cron_pool_reclaim(), (0, 0))
        self.assertEqual(len(soon.activity_ids), 1)
        self.assertEqual(soon.activity_ids.date_deadline, soon.date_reclaim.date())
        self.pool.warning_days = 2
        later = self._held("Also in four days", days_claimed=6, days_followup=6)
        self.assertFalse(later.pool_warning)
        self.assertEqual(Lead._cron_pool_reclaim(), (0, 0))
        self.assertFalse(later.activity_ids)

    def test_warning_badge_filter_activity(self):
        soon = self._held("Soon", days_claimed=9, days_followup=9)
        later = self._held("Later", days_claimed=1, days_followup=1)
        self.assertTrue(soon.pool_warning)
        self.assertEqual(soon.pool_days_left, 0)
        self.assertFalse(later.pool_warning)
        self.assertEqual(later.pool_days_left, 8)
        found = self.env["crm.lead"].with_user(self.rep).search([("pool_warning", "=", True)])
        self.assertIn(soon, found)
        self.assertNotIn(later, found)
        self.env["crm.lead"]._cron_pool_reclaim()
        self.env["crm.lead"]._cron_pool_reclaim()
        self.assertEqual(len(soon.activity_ids), 1, "one warning activity, not one per run")
        self.assertEqual(soon.activity_ids.user_id, self.rep)
        self.assertFalse(later.activity_ids)
        self.assertEqual(soon.user_id, self.rep)
        soon._mark_followup()
        self.assertFalse(soon.pool_warning, "a follow-up pushes the reclaim date")

    def test_dry_run_preview(self):
        due = self._held("Due", days_claimed=12, days_followup=11)
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.rep).action_pool_reclaim_preview()
        action = self.env["crm.lead"].with_user(self.manager).action_pool_reclaim_preview()
        self.assertIn(due.id, action["domain"][0][2])
        self.assertEqual(due.user_id, self.rep, "a preview changes nothing")

    # ------------------------------------------------------------------ masking and record rules
    def test_contact_masking(self):
        deal = self._pooled()
        as_rep = deal.with_user(self.rep)
        values = as_rep.read(["phone", "email_from"])[0]
        self.assertEqual((values["phone"], values["email_from"]), ("138****5678", "l***@example.com"))
        listed = self.env["crm.lead"].with_user(self.rep).search_read([("id", "=", deal.id)], ["phone"])
        self.assertEqual(listed[0]["phone"], "138****5678")
        web = as_rep.web_read({"phone": {}, "mobile": {}})
        self.assertEqual(web[0]["phone"], "138****5678")
        self.assertEqual(deal.with_user(self.manager).read(["phone"])[0]["phone"], "13812345678")
        self.pool.admin_ids = self.rep2
        self.assertEqual(deal.with_user(self.rep2).read(["phone"])[0]["phone"], "13812345678")
        as_rep.action_pool_claim()
        self.assertEqual(as_rep.read(["phone"])[0]["phone"], "13812345678")

    def test_record_rules(self):
        mine = self._held("Mine")
        theirs = self._held("Theirs", user=self.rep2)
        pooled = self._pooled()
        other_pool = self.env["crm.pool"].create({"name": "Closed Pool", "open_to_all": False})
        hidden = self._pooled("Other pool deal")
        hidden.pool_id = other_pool
        visible = self.env["crm.lead"].with_user(self.rep).search([("id", "in", (mine | theirs | pooled | hidden).ids)])
        self.assertEqual(visible, mine | pooled)
        with self.assertRaises(AccessError):
            theirs.with_user(self.rep).write({"name": "hijacked"})
        with self.assertRaises(AccessError):
            pooled.with_user(self.rep).write({"name": "edited in pool"})
        other_pool.member_ids = self.rep
        visible = self.env["crm.lead"].with_user(self.rep).search([("id", "=", hidden.id)])
        self.assertEqual(visible, hidden)

    def test_masked_fields_not_searchable(self):
        deal = self._pooled()
        own = self._held("Own", partner_id=False, phone="13812349999")
        Lead = self.env["crm.lead"].with_user(self.rep)
        for domain in ([("phone", "ilike", "138")], [("phone_sanitized", "ilike", "5678")],
                       [("email_from", "ilike", "li@")], [("email_normalized", "=", "li@example.com")],
                       ["!", ("phone", "not ilike", "1381234")],
                       ["|", ("name", "=", "no such deal"), ("phone", "ilike", "1381234")]):
            found = Lead.search([("id", "in", (deal | own).ids), *domain])
            self.assertNotIn(deal, found, f"pooled deal found through masked field: {domain}")
        self.assertIn(own, Lead.search([("phone", "ilike", "1381234")]), "own deals stay searchable")
        self.assertIn(deal, Lead.search([("name", "=", "Pooled Deal")]), "other criteria still find pooled deals")
        self.assertIn(deal, self.env["crm.lead"].with_user(self.manager).search([("phone", "ilike", "1381234")]))
        self.pool.admin_ids = self.rep2
        self.assertIn(deal, self.env["crm.lead"].with_user(self.rep2).search([("phone", "ilike", "1381234")]))
        deal.with_user(self.rep).action_pool_claim()
        self.assertIn(deal, Lead.search([("phone", "ilike", "1381234")]))
        deal.with_user(self.rep)._pool_release("Wrong number")
        groups = self.env["crm.lead"].with_user(self.rep2)._read_group([], ["phone"], ["__count"])
        self.assertIn("13812345678", [phone for phone, _count in groups], "pool admin: unmasked")
        groups = Lead._read_group([], ["phone"], ["__count"])
        self.assertNotIn("13812345678", [phone for phone, _count in groups],
                         "grouping by a masked field does not list pooled deals' numbers")
        self.assertIn("13812349999", [phone for phone, _count in groups])

    def test_pool_settings_tracked(self):
        """A changed cap or rule leaves a trace in the pool's chatter (old -> new), rules per grade
        included. Tracking is on here (the common setup switches it off for speed)."""
        env = self.env(context={k: v for k, v in self.env.context.items()
                                if k not in ("tracking_disable", "mail_create_nolog")})
        # a pool of an earlier transaction (Odoo does not track changes of a record created in this one)
        pool = env.ref("sales_funnel_cn.crm_pool_default")
        before = (pool.holding_cap, pool.followup_days)
        pool.with_user(self.manager).write({"holding_cap": before[0] + 7, "followup_days": before[1] + 2})
        env.flush_all()
        env.cr.precommit.run()  # Odoo writes tracking values at commit time

        def messages():
            return env["mail.message"].search([("model", "=", "crm.pool"), ("res_id", "=", pool.id)],
                                              order="id desc")

        tracked = messages().tracking_value_ids
        self.assertEqual({(t.field_id.name, t.old_value_integer, t.new_value_integer) for t in tracked},
                         {("holding_cap", before[0], before[0] + 7), ("followup_days", before[1], before[1] + 2)})
        rule = env["crm.pool.grade.rule"].with_context(lang="en_US").create(
            {"pool_id": pool.id, "grade": "A", "followup_days": 20})
        self.assertIn("20 days without follow-up", messages()[:1].body)
        rule.write({"won_days": 60})
        self.assertIn("60 days to win", messages()[:1].body)
        rule.unlink()
        self.assertIn("removed", messages()[:1].body)

    def test_due_rule_written_once(self):
        """The preview lists exactly what the cron's batches take (both read _pool_due_where)."""
        due = self._held("Due", days_claimed=12, days_followup=11)
        self._held("Fresh", days_claimed=12, days_followup=3)
        preview = self.env["crm.lead"].action_pool_reclaim_preview()
        self.assertEqual(preview["domain"], [("id", "in", due.ids)])
        self.assertEqual(self.env["crm.lead"]._cron_pool_reclaim(batch_size=10), (1, 0))

    def test_merge_takes_only_what_a_claim_would(self):
        """A merge deletes all deals but one: a salesperson who sees every lead ("all leads", not a manager) may
        not merge a colleague's deal into his, and a pooled deal only as a claim would (cool-down, caps)."""
        seer = new_test_user(self.env, login="sfcn_all_leads", name="All Leads",
                             groups="base.group_user,sales_team.group_sale_salesman_all_leads")
        self.team.crm_team_member_ids = [Command.create({"user_id": seer.id})]
        mine, colleague = self._held("Mine", user=seer), self._held("Colleague's")
        with self.assertRaisesRegex(UserError, "merge"):
            (mine | colleague).with_user(seer).merge_opportunity()
        self.assertTrue(colleague.exists())
        pooled = self._pooled("Released by me")
        pooled.write({"pool_previous_user_id": seer.id})
        with self.assertRaisesRegex(UserError, "Cool-down"):
            (mine | pooled).with_user(seer).merge_opportunity()
        self.assertTrue(pooled.exists())
