import io
from datetime import timedelta

import openpyxl
from psycopg2.errors import ReadOnlySqlTransaction

from odoo import fields
from odoo.exceptions import AccessError
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import crm_funnel_export_job as job_module
from .common import SalesFunnelCommon


class ExportJobCommon(SalesFunnelCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the job writes its progress and result in transactions of their own (registry.cursor()): in test
        # mode those are savepoints of the test's transaction, rolled back with it
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.cron = cls.env.ref("sales_funnel_cn.ir_cron_funnel_export")
        cls.open_stage = cls.stages.filtered(lambda s: not s.is_won).sorted("sequence")[:1]
        cls.mine = cls.env["crm.lead"]
        for i in range(3):
            cls.mine |= cls._new_deal(f"Rep deal {i}", user=cls.rep, stage_id=cls.open_stage.id,
                                      expected_revenue=10000 * (i + 1))
        cls.theirs = cls._new_deal("Rep2 secret deal", user=cls.rep2, stage_id=cls.open_stage.id,
                                   expected_revenue=990000)
        cls.env.company.sfcn_export_background_threshold = 2

    def _wizard(self, user):
        today = fields.Date.today()
        return self.env["crm.funnel.export.wizard"].with_user(user).create({
            "date_from": today - timedelta(days=30), "date_to": today, "team_ids": [(6, 0, self.team.ids)]})

    def _run_cron_call(self):
        """One call of the cron's code as ir.cron runs it (a progress record in the context)."""
        progress = self.env["ir.cron.progress"].create({"cron_id": self.cron.id, "done": 0, "remaining": 0})
        self.env["crm.funnel.export.job"].with_context(ir_cron_progress_id=progress.id)._cron_run_exports()
        self.env.invalidate_all()
        return progress


@tagged("post_install", "-at_install")
class TestExportJob(ExportJobCommon):

    def test_small_export_stays_immediate(self):
        self.env.company.sfcn_export_background_threshold = 1000
        wizard = self._wizard(self.rep)
        self.assertFalse(wizard.in_background)
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertFalse(self.env["crm.funnel.export.job"].sudo().search([("user_id", "=", self.rep.id)]))

    def test_large_export_lifecycle(self):
        """Queued and triggered at once, built by the cron as the requester, file attached and reopened,
        requester notified in his language, progress reported to the cron runner."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_funnel_cn"], ["zh_CN"], overwrite=True)
        self.rep.lang = "zh_CN"
        Trigger = self.env["ir.cron.trigger"]
        triggers = Trigger.search_count([("cron_id", "=", self.cron.id)])
        wizard = self._wizard(self.rep)
        self.assertEqual(wizard.deal_count, 3, "the rep counts the deals he may read, not his colleague's")
        self.assertTrue(wizard.in_background)
        action = wizard.action_export()
        self.assertEqual((action["type"], action["res_model"]), ("ir.actions.act_window", "crm.funnel.export.job"))
        job = self.env["crm.funnel.export.job"].with_user(self.rep).browse(action["res_id"])
        self.assertEqual((job.state, job.user_id, job.deal_count, job.progress), ("queued", self.rep, 3, 0.0))
        self.assertEqual(Trigger.search_count([("cron_id", "=", self.cron.id)]), triggers + 1, "triggered at once")
        other = self._wizard(self.manager).action_export()  # a second queued job: the cron says one remains

        progress = self._run_cron_call()
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        self.assertEqual((job.state, job.progress), ("done", 100.0))
        self.assertTrue(job.date_done and job.attachment_id)
        self.assertEqual(job.action_download()["url"], f"/web/content/{job.attachment_id.id}?download=true")
        # the file: the requester's figures only (his record rules applied, not the cron's superuser)
        attachment = job.attachment_id.with_user(self.rep)
        self.assertEqual((attachment.res_model, attachment.res_id), (job._name, job.id))
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        self.assertIn("明细", book.sheetnames)
        self.assertEqual(book["明细"]["A7"].value, "商机", "built in the requester's language")
        names = [row[0] for row in book["明细"].iter_rows(min_row=8, values_only=True) if row[0]]
        self.assertEqual(sorted(names), sorted(self.mine.mapped("name")))
        self.assertNotIn("Rep2 secret deal", [c for r in book["销售人员"].iter_rows(values_only=True) for c in r])
        self.assertEqual(book["漏斗总览"]["B2"].value, self.env.company.name)
        # the notification, in the rep's language
        message = self.env["mail.message"].search([("model", "=", job._name), ("res_id", "=", job.id),
                                                   ("partner_ids", "in", self.rep.partner_id.ids)])
        self.assertEqual(len(message), 1)
        self.assertIn("已生成", message.subject)
        # the second call builds the manager's job, nothing remains
        progress = self._run_cron_call()
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(self.env["crm.funnel.export.job"].browse(other["res_id"]).state, "done")
        progress = self._run_cron_call()
        self.assertEqual((progress.done, progress.remaining), (0, 0))

    def test_progress_is_written_apart(self):
        """The requester sees the progress while the build runs: each sheet reports it, committed apart."""
        self._wizard(self.rep).action_export()
        job = self.env["crm.funnel.export.job"].sudo().search([("user_id", "=", self.rep.id)])
        seen = []
        write_apart = type(job)._write_apart

        def spy(record, vals):
            seen.append(vals.get("progress"))
            return write_apart(record, vals)

        self.patch(type(job), "_write_apart", spy)
        self.patch(job_module, "PROGRESS_EVERY", 0)
        self._run_cron_call()
        self.assertEqual(job.state, "done")
        self.assertGreaterEqual(len(seen), 5)
        self.assertEqual(seen, sorted(seen), "progress only grows")
        self.assertLess(seen[0], 99.0)

    def test_stale_running_job_is_run_again_then_failed(self):
        self._wizard(self.rep).action_export()
        job = self.env["crm.funnel.export.job"].sudo().search([("user_id", "=", self.rep.id)])
        recent = fields.Datetime.now() - timedelta(minutes=1)
        job.write({"state": "running", "date_heartbeat": recent, "attempts": 1})
        self._run_cron_call()
        self.assertEqual(job.state, "running", "a job still sending progress is not taken twice")
        job.write({"date_heartbeat": fields.Datetime.now() - timedelta(hours=1)})
        self._run_cron_call()
        self.assertEqual((job.state, job.attempts), ("done", 2))
        job.write({"state": "running", "attempts": 3, "date_heartbeat": fields.Datetime.now() - timedelta(hours=1)})
        self._run_cron_call()
        self.assertEqual(job.state, "failed")
        self.assertTrue(job.error)

    def test_cleanup_cron(self):
        self.env.company.sfcn_export_keep_days = 7
        for _i in range(2):
            self._wizard(self.rep).action_export()
            self._run_cron_call()
        old, recent = self.env["crm.funnel.export.job"].sudo().search([("user_id", "=", self.rep.id)],
                                                                        order="id")
        old.date_done = fields.Datetime.now() - timedelta(days=8)
        old_file = old.attachment_id
        self.env["crm.funnel.export.job"]._cron_cleanup_exports()
        self.assertFalse(old_file.exists())
        self.assertEqual((old.state, recent.state), ("expired", "done"))
        self.assertTrue(recent.attachment_id.exists())
        with self.assertRaises(ValidationError):
            self.env.company.sfcn_export_keep_days = 0

    def test_access(self):
        """A job and its file are its requester's only: not his colleague's, not his manager's; nobody
        creates or edits a job by hand (the requester and his rights are set by trusted code)."""
        self._wizard(self.rep).action_export()
        self._run_cron_call()
        job = self.env["crm.funnel.export.job"].sudo().search([("user_id", "=", self.rep.id)])
        for user in (self.rep2, self.manager):
            Job = self.env["crm.funnel.export.job"].with_user(user)
            self.assertFalse(Job.search([("id", "=", job.id)]))
            with self.assertRaises(AccessError):
                Job.browse(job.id).read(["state"])
            with self.assertRaises(AccessError):
                self.env["ir.attachment"].with_user(user).browse(job.attachment_id.id).read(["raw"])
            self.assertFalse(self.env["ir.attachment"].with_user(user).search([("id", "=", job.attachment_id.id)]))
        Job = self.env["crm.funnel.export.job"].with_user(self.rep)
        with self.assertRaises(AccessError):
            Job.create({"user_id": self.manager.id, "company_id": self.env.company.id,
                        "date_from": fields.Date.today(), "date_to": fields.Date.today()})
        with self.assertRaises(AccessError):
            job.with_user(self.rep).write({"user_id": self.manager.id})


@tagged("post_install", "-at_install")
class TestReadonlyMethods(ExportJobCommon):
    """The methods marked @api.readonly are served from the replica under --db_replica_host (the web client's
    call_kw/call_button open a read-only cursor for them): run each on a read-only cursor, nothing may write."""

    def test_marked_readonly(self):
        for model, method in (("crm.lead", "action_pool_reclaim_preview"), ("crm.call.report", "read_group"),
                              ("crm.lead.funnel.report", "read_group"), ("crm.call.outcome", "name_search"),
                              ("crm.funnel.plan", "balance"), ("crm.funnel.export.job", "action_download")):
            self.assertTrue(getattr(getattr(type(self.env[model]), method), "_readonly", False), (model, method))

    def _readonly_env(self, user):
        self.env.flush_all()
        cr = self.registry.cursor(readonly=True)
        self.addCleanup(cr.close)
        cr.execute("SELECT 1")  # its savepoint now, outside the savepoints of assertRaises
        return self.env(cr=cr, user=user.id)

    def test_readonly_cursor_refuses_writes(self):
        """The control: the cursor of these tests does refuse a write."""
        env = self._readonly_env(self.manager)
        with self.assertRaises(ReadOnlySqlTransaction), mute_logger("odoo.sql_db"):
            env["crm.lead"].browse(self.mine[0].id).write({"name": "changed"})
            env.flush_all()

    def test_methods_write_nothing(self):
        self._wizard(self.rep).action_export()
        self._run_cron_call()
        job = self.env["crm.funnel.export.job"].sudo().search([("user_id", "=", self.rep.id)])
        wizard = self._wizard(self.manager)
        self.env["crm.call.log"].with_user(self.rep).create({
            "lead_id": self.mine[0].id, "outcome_id": self.env["crm.call.outcome"]._from_code("C").id,
            "purpose": "demo", "phone": "13800001111"})
        env = self._readonly_env(self.manager)
        calls = {
            "reclaim preview": lambda: env["crm.lead"].action_pool_reclaim_preview(),
            "call rates": lambda: env["crm.call.report"].read_group(
                [], ["call_count:sum", "connected_rate", "conversion_rate"], ["user_id"]),
            "funnel figures": lambda: env["crm.lead.funnel.report"].read_group(
                [], ["deal_count:sum", "reached_count:sum", "conversion_rate"], ["stage_id"]),
            "outcome search": lambda: env["crm.call.outcome"].name_search("C"),
            "balance": lambda: env["crm.funnel.plan"].balance(300.0, 3.0, 10.0),
            "wizard count": lambda: wizard.with_env(env).deal_count,
            "workbook": lambda: wizard.with_env(env)._build_xlsx(),
            "job download": lambda: job.with_env(env(user=self.rep.id)).action_download(),
        }
        for name, call in calls.items():
            with self.subTest(name):
                result = call()
                env.flush_all()
                self.assertTrue(result or result == 0, name)
        book = openpyxl.load_workbook(io.BytesIO(calls["workbook"]()))
        self.assertIn("明细", book.sheetnames)
