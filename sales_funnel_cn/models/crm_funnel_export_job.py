import logging
import time
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

from ..report.funnel_export import XLSX_MIMETYPE
from ..report.funnel_export import build_funnel_xlsx
from ..report.funnel_export import export_filename

_logger = logging.getLogger(__name__)

# a job whose worker stopped sending progress for this long (killed server, lost connection) is run again
STALE_MINUTES = 15
MAX_ATTEMPTS = 3
PROGRESS_EVERY = 2.0  # seconds between two progress writes of one job


class CrmFunnelExportJob(models.Model):
    """A funnel workbook built in the background by a cron worker (ir.cron, triggered at once) for an export
    larger than the company's threshold. The requester sees its progress and gets the file as an attachment of
    the job with a notification. Jobs are created by trusted code only (the export wizard, on sudo): the
    workbook is built with the requester's rights and companies, never more."""

    _name = "crm.funnel.export.job"
    _description = "Background Excel Export"
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    user_id = fields.Many2one("res.users", "Requested by", required=True, readonly=True, index=True,
                              ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    company_ids = fields.Many2many("res.company", "crm_funnel_export_job_company_rel", "job_id", "company_id",
                                   "Companies Read", readonly=True)
    date_from = fields.Date("From", required=True, readonly=True)
    date_to = fields.Date("To", required=True, readonly=True)
    team_ids = fields.Many2many("crm.team", "crm_funnel_export_job_team_rel", "job_id", "team_id",
                                "Sales Teams", readonly=True)
    filter_user_ids = fields.Many2many("res.users", "crm_funnel_export_job_user_rel", "job_id", "user_id",
                                       "Salespersons", readonly=True)
    deal_count = fields.Integer("Deals", readonly=True)
    state = fields.Selection([("queued", "Queued"), ("running", "Running"), ("done", "Ready"),
                              ("failed", "Failed"), ("expired", "Deleted")],
                             default="queued", required=True, readonly=True, index=True)
    progress = fields.Float("Progress (%)", readonly=True, digits=(5, 1))
    date_started = fields.Datetime("Started", readonly=True)
    date_heartbeat = fields.Datetime("Last Progress", readonly=True)
    date_done = fields.Datetime("Finished", readonly=True, index=True)
    attempts = fields.Integer(readonly=True, default=0)
    attachment_id = fields.Many2one("ir.attachment", "File", readonly=True, ondelete="set null")
    error = fields.Text(readonly=True)

    @api.depends("date_from", "date_to")
    def _compute_name(self):
        for job in self:
            job.name = self.env._("Funnel workbook %(start)s – %(end)s", start=job.date_from, end=job.date_to)

    # ------------------------------------------------------------------ request (trusted code)
    @api.model
    def _request(self, wizard, deal_count):
        """Queue the export of ``wizard`` for the current user and wake a cron worker; returns the job."""
        job = self.sudo().create({
            "user_id": self.env.uid, "company_id": self.env.company.id,
            "company_ids": [(6, 0, self.env.companies.ids)], "date_from": wizard.date_from,
            "date_to": wizard.date_to, "team_ids": [(6, 0, wizard.team_ids.ids)],
            "filter_user_ids": [(6, 0, wizard.user_ids.ids)], "deal_count": deal_count,
        })
        self.env.ref("sales_funnel_cn.ir_cron_funnel_export").sudo()._trigger()
        return job.sudo(False)

    @api.readonly
    def action_download(self):
        self.ensure_one()
        if self.state != "done" or not self.attachment_id:
            return False
        return {"type": "ir.actions.act_url", "url": f"/web/content/{self.attachment_id.id}?download=true",
                "target": "self"}

    # ------------------------------------------------------------------ the cron
    def _write_apart(self, vals):
        """Write vals on the job in a transaction of its own, committed at once: the requester sees the
        progress while the build's transaction is still running (which never writes the job row itself)."""
        self.ensure_one()
        with self.env.registry.cursor() as cr:
            self.with_env(self.env(cr=cr, su=True)).write(vals)

    @api.model
    def _cron_run_exports(self):
        """Build ONE queued workbook per call and report it with _notify_progress: the cron runner commits
        and calls again while jobs remain (ir.cron's own lock keeps the job single across servers)."""
        stale = fields.Datetime.now() - timedelta(minutes=STALE_MINUTES)
        job = self.sudo().search(["|", ("state", "=", "queued"), "&", ("state", "=", "running"),
                                  ("date_heartbeat", "<", stale)], order="id", limit=1)
        if job:
            job._run()
        remaining = self.sudo().search_count([("state", "=", "queued"), ("id", "!=", job.id)])
        self.env["ir.cron"]._notify_progress(done=len(job), remaining=remaining)
        return job

    def _run(self):
        self.ensure_one()
        now = fields.Datetime.now()
        # claim it (compare and set, committed): a job taken by another worker meanwhile is left alone
        with self.env.registry.cursor() as cr:
            cr.execute(SQL(
                """UPDATE crm_funnel_export_job
                      SET state = 'running', progress = 0, attempts = COALESCE(attempts, 0) + 1, date_started = %(now)s,
                          date_heartbeat = %(now)s, error = NULL, write_date = %(now)s
                    WHERE id = %(id)s AND (state = 'queued' OR (state = 'running' AND date_heartbeat < %(stale)s))
                RETURNING attempts""",
                now=now, id=self.id, stale=now - timedelta(minutes=STALE_MINUTES)))
            claimed = cr.fetchone()
        self.invalidate_recordset()
        if not claimed:
            return
        user = self.user_id
        if claimed[0] > MAX_ATTEMPTS:
            self._finish_failed(self.with_context(lang=user.lang).env._(
                "The export stopped %(count)s times before it was written; ask for a smaller period.",
                count=MAX_ATTEMPTS))
            return
        companies = (self.company_ids & user.company_ids) or (self.company_id & user.company_ids)
        company = self.company_id if self.company_id in companies else companies[:1]
        if not user.active or not company:
            self._finish_failed(self.with_context(lang=user.lang).env._(
                "The requester can no longer read this company's deals."))
            return
        # the requester's rights, companies, language and time zone: never the cron's superuser
        env = self.env(user=user.id, su=False, context={
            "lang": user.lang or "en_US", "tz": user.tz,
            "allowed_company_ids": [company.id, *(companies - company).ids]})
        last = {"at": time.monotonic()}

        def progress(fraction):
            if time.monotonic() - last["at"] >= PROGRESS_EVERY or fraction >= 1.0:
                last["at"] = time.monotonic()
                self._write_apart({"progress": round(99.0 * fraction, 1), "date_heartbeat": fields.Datetime.now()})

        try:
            with self.env.cr.savepoint():
                content = build_funnel_xlsx(env, self.date_from, self.date_to, self.team_ids, self.filter_user_ids,
                                            progress=progress)
        except Exception as exc:  # the requester is told; the cron itself must go on with the next job
            _logger.exception("Background funnel export %s failed", self.id)
            self._finish_failed(str(exc.args[0]) if getattr(exc, "args", None) else repr(exc))
            return
        self._finish_done(content)

    def _finish_done(self, content):
        with self.env.registry.cursor() as cr:
            job = self.with_env(self.env(cr=cr, su=True))
            attachment = job.env["ir.attachment"].create({
                "name": export_filename(job.date_from, job.date_to), "raw": content, "mimetype": XLSX_MIMETYPE,
                "res_model": job._name, "res_id": job.id, "company_id": job.company_id.id,
            })
            job.write({"state": "done", "progress": 100.0, "attachment_id": attachment.id,
                       "date_done": fields.Datetime.now(), "date_heartbeat": fields.Datetime.now()})
            job._notify_requester(success=True)
        self.invalidate_recordset()

    def _finish_failed(self, error):
        with self.env.registry.cursor() as cr:
            job = self.with_env(self.env(cr=cr, su=True))
            job.write({"state": "failed", "error": error, "date_done": fields.Datetime.now()})
            job._notify_requester(success=False)
        self.invalidate_recordset()

    def _notify_requester(self, success):
        """An inbox message on the job and a toast, in the requester's language."""
        self.ensure_one()
        user = self.user_id
        job = self.with_context(lang=user.lang or "en_US")
        if success:
            subject = job.env._("Your Excel export is ready")
            body = job.env._("The funnel workbook %(period)s is ready: open the export to download it.",
                             period=job.name)
        else:
            subject = job.env._("Your Excel export failed")
            body = job.env._("The funnel workbook %(period)s could not be built: %(error)s", period=job.name,
                             error=job.error or "")
        job.env["mail.thread"].message_notify(
            partner_ids=user.partner_id.ids, subject=subject, body=body, model=self._name, res_id=self.id,
            author_id=self.env.ref("base.partner_root").id)
        user.partner_id._bus_send("simple_notification", {
            "type": "success" if success else "danger", "title": subject, "message": body, "sticky": False})

    @api.model
    def _cron_cleanup_exports(self):
        """Delete the files exported more than the company's 'keep' days ago (the job stays, marked deleted)."""
        now = fields.Datetime.now()
        Job = self.sudo().with_context(active_test=False)
        for company in self.env["res.company"].sudo().search([], limit=None):
            old = Job.search([("company_id", "=", company.id), ("state", "in", ("done", "failed")),
                              ("date_done", "<", now - timedelta(days=company.sfcn_export_keep_days))])
            old.attachment_id.unlink()
            old.write({"state": "expired", "progress": 0.0})
        return True
