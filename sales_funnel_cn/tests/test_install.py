from datetime import timedelta

from odoo import Command
from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from ..hooks import post_init_hook
from ..models.crm_lead_install import INSTALL_SQL_COLUMNS
from ..models.crm_lead_stage_history import TRIGGER
from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestInstallOnExistingData(SalesFunnelCommon):
    """post_init_hook on deals that existed before the module: set-based, nothing lost, nobody surprised.

    The deals are made to look as they did before the install (no pool data, no histories, no checklist rows,
    created months ago) and the hook runs on them; sales_funnel_cn's lifecycle test (tests/test_lifecycle.py
    at the repo root) installs the module for real on a crm-only database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Stage = cls.env["crm.stage"]
        cls.s1, cls.s2, cls.s3 = (Stage.create({
            "name": f"Install stage {i}", "sequence": 900 + i, "team_id": cls.team.id,
            "gate_mode": "block"}) for i in (1, 2, 3))
        cls.s4 = Stage.create({"name": "Install stage 4", "sequence": 904, "team_id": cls.team.id})
        for stage in (cls.s1, cls.s2, cls.s3):
            stage.check_ids = [Command.create({"name": f"Check of {stage.name}", "required": True})]
        # the expected-closing exemption is off by default; this company switched it on (capped at 90 days)
        cls.env["crm.pool"].search([("company_id", "=", cls.env.company.id)]).write(
            {"exempt_future_decision": True, "exempt_max_days": 90})
        # created at the pipeline's start and put at their stages in SQL below, as before the install
        cls.deal1 = cls._new_deal("Old deal at stage 1")
        cls.deal3 = cls._new_deal("Old deal at stage 3", date_deadline=fields.Date.today() + timedelta(days=60))
        cls.pooled = cls.env["crm.lead"].create({
            "name": "Old unassigned deal", "type": "opportunity", "user_id": False, "team_id": cls.team.id})
        cls.company_b = cls.env["res.company"].create({"name": "Install Company B"})
        cls.rep.company_ids = [Command.link(cls.company_b.id)]
        cls.deal_b = cls.env["crm.lead"].create({
            "name": "Old deal of company B", "type": "opportunity", "user_id": cls.rep.id,
            "company_id": cls.company_b.id})
        cls.deals = cls.deal1 | cls.deal3 | cls.pooled | cls.deal_b
        cls.env.flush_all()
        # as before the install: no stage trigger records the SQL moves below
        cls.env.cr.execute(f"""
            ALTER TABLE crm_lead DISABLE TRIGGER {TRIGGER};
            DELETE FROM crm_pool_history WHERE lead_id = ANY(%(ids)s);
            DELETE FROM crm_lead_stage_history WHERE lead_id = ANY(%(ids)s);
            DELETE FROM crm_lead_check WHERE lead_id = ANY(%(ids)s);
            DELETE FROM crm_pool WHERE company_id = %(b)s;
            UPDATE crm_lead SET pool_id = NULL, date_claimed = NULL, date_pooled = NULL, date_reclaim = NULL,
                   date_reclaim_warning = NULL, reclaim_rule = NULL,
                   create_date = now() at time zone 'UTC' - interval '90 days',
                   date_last_stage_update = now() at time zone 'UTC' - interval '40 days'
             WHERE id = ANY(%(ids)s);
            UPDATE crm_lead SET stage_id = %(s1)s WHERE id = %(d1)s;
            UPDATE crm_lead SET stage_id = %(s3)s WHERE id = %(d3)s;
            UPDATE crm_lead SET stage_id = %(s2)s WHERE id = %(pooled)s;
            ALTER TABLE crm_lead ENABLE TRIGGER {TRIGGER}""", {
            "ids": cls.deals.ids, "b": cls.company_b.id, "s1": cls.s1.id, "s2": cls.s2.id, "s3": cls.s3.id,
            "d1": cls.deal1.id, "d3": cls.deal3.id, "pooled": cls.pooled.id})
        cls.env.invalidate_all()
        cls.now = fields.Datetime.now()
        post_init_hook(cls.env)

    def test_pools_per_company_and_clock_from_install(self):
        pool_b = self.env["crm.pool"].search([("company_id", "=", self.company_b.id)])
        self.assertEqual(len(pool_b), 1, "a default pool for the second company")
        self.assertEqual(self.deal_b.pool_id, pool_b)
        self.assertEqual((self.deal1 | self.deal3 | self.pooled).pool_id.company_id, self.env.company)
        for deal in self.deal1 | self.deal_b:
            self.assertEqual(deal.date_claimed, self.env.cr.now().replace(tzinfo=None))
            # grace period: the follow-up days count from the install, not from the deal's creation
            self.assertEqual(deal.date_reclaim, deal.date_claimed + timedelta(days=deal.pool_id.followup_days))
            self.assertEqual(deal.reclaim_rule, "followup")
            history = deal.pool_history_ids
            self.assertEqual(len(history), 1)
            self.assertEqual((history.user_id, history.date_end), (self.rep, False))
        # a future decision date keeps the deal until the day after it
        self.assertEqual(self.deal3.date_reclaim.date(), self.deal3.date_deadline + timedelta(days=1))
        self.assertFalse(self.pooled.date_reclaim)
        self.assertTrue(self.pooled.date_pooled)
        self.assertFalse(self.pooled.pool_history_ids)
        # nothing of it is due right after the install
        self.env["crm.lead"]._pool_reclaim_all()
        self.assertEqual((self.deal1 | self.deal3 | self.deal_b).user_id, self.rep)

    def test_stage_history_checklists_and_entered_before_the_checklist(self):
        for deal in self.deal1 | self.deal3 | self.pooled:
            history = deal.stage_history_ids
            self.assertEqual(len(history), 1)
            self.assertEqual((history.stage_to_id, history.date), (deal.stage_id, deal.date_last_stage_update))
            self.assertAlmostEqual(history.days_since_create, 50, delta=0.01)
            # the current stage's checks are there (with the earlier stages' answered ones, see below)
            self.assertTrue(deal.stage_id.check_ids <= deal.check_ids.check_id, deal.name)
        # every deal reached its stage before the checklists: the checks of its stage and the earlier ones
        # are answered "entered before the checklist" by the install, and the deal carries the gate's mark
        for deal, stages in ((self.deal1, self.s1), (self.deal3, self.s1 | self.s2 | self.s3),
                             (self.pooled, self.s1 | self.s2)):
            self.assertTrue(deal.sfcn_historical, deal.name)
            answered = deal.check_ids.filtered("done")
            self.assertEqual(answered.check_id, stages.check_ids, deal.name)
            self.assertEqual(set(answered.mapped("note")), {"Entered before the checklist"})
            self.assertEqual(answered.user_id, self.env.user)
            # what the gate reads of them, filled in SQL, is what the ORM computes
            self.assertEqual(deal._sfcn_done_check_ids(), set(stages.check_ids.ids), deal.name)
        self.assertFalse(self.deal_b.sfcn_historical, "no checklist in company B's stages")
        # never blocked retroactively: the marked deal moves on without the checks nobody could tick
        deal3 = self.deal3.with_user(self.rep)
        deal3.write({"stage_id": self.s4.id})
        self.assertEqual(self.deal3.stage_id, self.s4)
        # the next stage's checks are asked as for any deal
        with self.assertRaises(UserError):
            self.deal1.with_user(self.rep).write({"stage_id": self.s2.id})
        self.assertEqual(self.deal1.stage_id, self.s1)

    def test_mark_set_by_the_installation_or_a_manager_only(self):
        with self.assertRaises(UserError):
            self.deal_b.with_user(self.rep).write({"sfcn_historical": True})
        with self.assertRaises(UserError):
            self.env["crm.lead"].with_user(self.rep).create({"name": "x", "sfcn_historical": True})
        self.assertFalse(self.deal_b.sfcn_historical)

    def test_summary_to_administrators(self):
        admin = self.env.ref("base.user_admin")
        message = self.env["mail.message"].search([
            ("partner_ids", "in", admin.partner_id.ids),
            ("subject", "=", "Sales Funnel CN: installation summary")], limit=1)
        self.assertIn("Install Company B", message.body)
        self.assertIn(self.env.company.name, message.body)

    def test_sql_reclaim_dates_match_the_orm(self):
        """The install's set-based return-to-pool dates follow the same rules as _compute_date_reclaim."""
        pool = self.deal1.pool_id
        self.env["crm.pool.grade.rule"].create({"pool_id": pool.id, "grade": "A", "followup_days": 3,
                                                "won_days": 4})
        won = self.stages.filtered("is_won")[:1]
        deals = self.deal1 | self.deal3 | self.deal_b | self._new_deal("Locked", pool_locked=True,
                                                                        pool_lock_reason="key account")
        deals |= self._new_deal("Won", stage_id=won.id) | self._new_deal("Followed up",
                                                                          date_last_followup=self.now)
        grade_a = self._new_deal("Grade A", customer_grade_override="A", customer_grade_override_reason="why")
        deals |= grade_a
        deals |= self._new_deal("Past deadline", date_deadline=fields.Date.today() - timedelta(days=3))
        far = self._new_deal("Far deadline", date_deadline=fields.Date.today() + timedelta(days=400))
        deals |= far
        self.env.flush_all()
        orm = {d.id: (d.date_reclaim, d.date_reclaim_warning, d.reclaim_rule) for d in deals}
        self.env.cr.execute("UPDATE crm_lead SET date_reclaim = NULL, reclaim_rule = 'followup' WHERE id = ANY(%s)",
                            [deals.ids])
        self.env["crm.lead"]._sfcn_reclaim_dates_sql(deals.ids)
        sql = {d.id: (d.date_reclaim, d.date_reclaim_warning, d.reclaim_rule) for d in deals}
        self.assertEqual(sql, orm)
        # the cases are not all alike: grade rules, exemptions and exclusions were exercised
        self.assertEqual(orm[grade_a.id][:2], (grade_a.date_claimed + timedelta(days=3),
                                               grade_a.date_claimed + timedelta(days=3 - pool.warning_days)))
        self.assertEqual(sum(1 for value in orm.values() if not value[0]), 2, "locked and won deals")
        self.assertGreater(orm[self.deal3.id][0], orm[self.deal1.id][0])
        self.assertEqual(orm[far.id][0], far.date_claimed + timedelta(days=pool.followup_days + 90),
                         "the exemption is capped by the pool")

    def test_install_values_match_the_orm(self):
        """The install's one pass over the deals (and the ORM for the deals with facts) gives every deal and
        contact of the database the stored computed values a fresh compute gives: varied deals (grade rules,
        exemptions, locked, won, followed up, phone formats, key persons, facts)."""
        pool = self.deal1.pool_id
        self.env["crm.pool.grade.rule"].create({"pool_id": pool.id, "grade": "A", "followup_days": 3,
                                                "won_days": 4})
        won = self.stages.filtered("is_won")[:1]
        today = fields.Date.today()
        new = self._new_deal
        new("Locked", pool_locked=True, pool_lock_reason="key account", phone="138 0013 8000")
        new("Won", stage_id=won.id, phone="+86-13800138001", mobile="13900000000")
        new("Followed up", date_last_followup=self.now, phone="", mobile="(021) 5555-1234")
        new("Grade A", customer_grade_override="A", customer_grade_override_reason="why", phone="8613800138002")
        new("Past deadline", date_deadline=today - timedelta(days=3), phone="not a number")
        new("Far deadline", date_deadline=today + timedelta(days=400), phone="12345")
        new("Unassigned", user_id=False, phone="+1 650 253 0000")
        new("Archived", active=False, phone="021-55551234")
        new("Hot and important", date_project_start=today + timedelta(days=30), expected_revenue=10 ** 7,
            customer_importance="high", solution_fit="high")
        new("Referred", sfcn_referred_by_id=self.customer.id, phone="13800138009")
        new("Not a lead", solution_fit="low", expected_revenue=1, date_project_start=today + timedelta(days=300))
        at_75 = new("At 75% without EB", probability=80)
        backed = new("At 75% with an approving EB", probability=90, budget_confirmed=True,
                     date_decision=today + timedelta(days=10))
        Person = self.env["crm.lead.key.person"]
        Person.create([{"lead_id": backed.id, "partner_id": self.customer.id, "role": "eb", "approved": True,
                        "attitude": "support", "need_confirmed": True, "objection_handled": True},
                       {"lead_id": at_75.id, "partner_id": self.customer.id, "role": "ub"}])
        self.customer.write({"phone": "138-0013-8003", "mobile": "+86 139 0000 0001"})
        self.env.flush_all()
        lead_fields = [name for name in INSTALL_SQL_COLUMNS["crm_lead"]
                       if self.env["crm.lead"]._fields[name].compute]
        partner_fields = [name for name in INSTALL_SQL_COLUMNS["res_partner"]
                          if self.env["res.partner"]._fields[name].compute]
        leads = self.env["crm.lead"].with_context(active_test=False).search([])
        partners = self.env["res.partner"].with_context(active_test=False).search([])

        def values():
            return ({lead.id: {name: lead[name] for name in lead_fields} for lead in leads},
                    {partner.id: {name: partner[name] for name in partner_fields} for partner in partners})

        # a fresh compute of every deal and contact
        self.env.invalidate_all()
        for records, names in ((leads, lead_fields), (partners, partner_fields)):
            for name in names:
                self.env.add_to_compute(records._fields[name], records)
        orm = values()
        self.env.flush_all()
        Lead = self.env["crm.lead"]
        # a database whose views read these columns gets the same values by an UPDATE instead of a rewrite
        for view in (False, True):
            if view:
                self.env.cr.execute("CREATE VIEW sfcn_test_install_view AS SELECT id, pool_id FROM crm_lead")
            self.env.cr.execute(SQL("UPDATE crm_lead SET %s", SQL(", ").join(
                SQL("%s = NULL", SQL.identifier(name)) for name in lead_fields)))
            if partner_fields:
                self.env.cr.execute(SQL("UPDATE res_partner SET %s", SQL(", ").join(
                    SQL("%s = NULL", SQL.identifier(name)) for name in partner_fields)))
            self.env.invalidate_all()
            Lead._sfcn_install_rewrite(fields.Datetime.now())
            Lead._sfcn_install_fill_computed()
            self.maxDiff = None
            self.assertEqual(values(), orm, f"with a view: {view}")
        # the values are varied: every field has more than one value among the deals
        for name in lead_fields:
            self.assertGreater(len({str(v[name]) for v in orm[0].values()}), 1, name)
        self.assertTrue(orm[0][at_75.id]["eb_missing_warning"])
        self.assertFalse(orm[0][backed.id]["eb_missing_warning"])
        self.assertTrue(orm[0][backed.id]["customer_grade_computed"])

    def test_install_reads_crm_phone_numbers(self):
        """The call numbers are crm's own phone_sanitized, stored by crm before the install: the install writes
        no number of its own and leaves crm's as they are; a number flagged before is found by them."""
        def new(name, **vals):
            return self._new_deal(name, partner_id=False, **vals)  # a customer's number would become the deal's

        deals = (new("Mobile and phone", phone="+86-13800138001", mobile="13900000000")
                 | new("Phone", phone="138 0013 8000") | new("Landline", mobile="(021) 5555-1234")
                 | new("Abroad", phone="+1 650 253 0000") | new("Not a number", phone="not a number"))
        self.env.flush_all()
        self.assertFalse({"phone_sanitized", "mobile", "phone"} & set(INSTALL_SQL_COLUMNS["crm_lead"]))
        self.env["crm.phone.suppression"].create({"phone_sanitized": "+862155551234", "reason": "invalid"})
        self.env.cr.execute("SELECT id, phone_sanitized FROM crm_lead WHERE id = ANY(%s)", [deals.ids])
        before = dict(self.env.cr.fetchall())
        self.env["crm.lead"]._sfcn_install_rewrite(fields.Datetime.now())
        self.env["crm.lead"]._sfcn_install_fill_computed()
        self.env.cr.execute("SELECT id, phone_sanitized FROM crm_lead WHERE id = ANY(%s)", [deals.ids])
        self.assertEqual(dict(self.env.cr.fetchall()), before)
        self.assertEqual(deals.mapped("phone_sanitized"),
                         ["+8613900000000", "+8613800138000", "+862155551234", "+16502530000", False],
                         "mobile first, then phone, as core sanitises; nothing for what is not a number")
        self.assertEqual(deals.filtered("call_suppressed").mapped("name"), ["Landline"])

    def test_install_columns_cover_every_computed_and_defaulted_field(self):
        """Every stored computed field and every field with a default the module adds to crm.lead and
        res.partner (tables that already hold a company's data) is pre-created by the pre-init hook, with the
        column type, default and NOT NULL Odoo gives it: else Odoo computes or writes it row by row at install."""
        for model, table in (("crm.lead", "crm_lead"), ("res.partner", "res_partner")):
            Model = self.env[model]
            expected = {}
            for name, field in Model._fields.items():
                if field._module != "sales_funnel_cn" or not field.store or not field.column_type:
                    continue
                if set(field._modules) != {"sales_funnel_cn"}:
                    continue  # a core field the module only extends (e.g. stage_id's context): its column exists
                if field.compute or field.default:
                    default = field.convert_to_column_insert(
                        field.convert_to_write(field.default(Model), Model), Model) if field.default else None
                    expected[name] = (field.column_type[0], default, bool(field.required))
            self.assertTrue(expected, model)
            self.assertEqual(INSTALL_SQL_COLUMNS[table], expected, model)
