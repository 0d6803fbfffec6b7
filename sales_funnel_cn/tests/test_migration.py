import importlib.util
import pathlib

from odoo.tests import tagged

from .common import SalesFunnelCommon

MIGRATIONS = pathlib.Path(__file__).resolve().parent.parent / "migrations"


def load_step(version, name):
    path = MIGRATIONS / version / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"sfcn_migration_{version}_{name}".replace(".", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.migrate


@tagged("post_install", "-at_install")
class TestMigration1810(SalesFunnelCommon):
    """18.0.1.0.0 -> 18.0.1.1.0 on a database in the state the previous version left (each step run as Odoo runs
    it on `-u sales_funnel_cn`; the lifecycle test upgrades a real database)."""

    def test_call_logs_get_their_company(self):
        company_b = self.env["res.company"].create({"name": "Migration Company B"})
        self.rep2.write({"company_ids": [(4, company_b.id)], "company_id": company_b.id})
        outcome = self.env["crm.call.outcome"].search([], limit=1)
        deal = self._new_deal("Migration deal", company_id=self.env.company.id)
        Call = self.env["crm.call.log"]
        on_deal = Call.create({"lead_id": deal.id, "outcome_id": outcome.id, "purpose": "p", "user_id": self.rep2.id,
                               "phone": "13900000000"})
        no_deal = Call.create({"phone": "13800000000", "outcome_id": outcome.id, "purpose": "p",
                               "user_id": self.rep2.id})
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE crm_call_log DROP COLUMN company_id CASCADE")
        load_step("18.0.1.1.0", "pre-migrate")(self.env.cr, "18.0.1.0.0")
        self.env.cr.execute("SELECT id, company_id FROM crm_call_log WHERE id IN %s", [(on_deal.id, no_deal.id)])
        self.assertEqual(dict(self.env.cr.fetchall()), {
            on_deal.id: deal.company_id.id,  # the deal's company first
            no_deal.id: company_b.id,  # else the salesperson's
        })

    def test_core_personal_rule_restored(self):
        rule = self.env.ref("crm.crm_rule_personal_lead")
        rule.domain_force = "['|', ('user_id', '=', user.id), '&', ('user_id', '=', False), ('pool_id', '=', False)]"
        load_step("18.0.1.1.0", "post-migrate")(self.env.cr, "18.0.1.0.0")
        rule.invalidate_recordset()
        self.assertEqual(rule.domain_force, "['|',('user_id','=',user.id),('user_id','=',False)]")


@tagged("post_install", "-at_install")
class TestMigration1830(SalesFunnelCommon):
    """18.0.1.2.0 -> 18.0.1.3.0."""

    def test_pending_summary_flags_become_counts(self):
        """Holdings a reclaim run flagged and no summary counted yet are counted (per rep and team leader) by the
        next summary, and the flag's column is gone."""
        deals = [self._new_deal(f"Flagged {i}", user=self.rep if i < 2 else self.rep2) for i in range(3)]
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("ALTER TABLE crm_pool_history ADD COLUMN summary_pending boolean")
        cr.execute("UPDATE crm_pool_history SET summary_pending = TRUE, date_end = now(), end_reason = 'reclaimed'"
                   " WHERE lead_id = ANY(%s)", [[d.id for d in deals]])
        load_step("18.0.1.3.0", "post-migrate")(cr, "18.0.1.2.0")
        cr.execute("SELECT 1 FROM information_schema.columns WHERE table_name = 'crm_pool_history'"
                   " AND column_name = 'summary_pending'")
        self.assertFalse(cr.fetchall())
        cr.execute("SELECT user_id, manager_id, count FROM crm_pool_reclaim_count")
        leader = deals[0].team_id.user_id.id or None
        self.assertEqual(sorted(cr.fetchall()), sorted([(self.rep.id, leader, 2), (self.rep2.id, leader, 1)]))
