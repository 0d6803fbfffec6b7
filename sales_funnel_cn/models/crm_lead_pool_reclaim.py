"""Public pool, reclaim cron: deals due return to their pool in batches (Odoo 18 cron progress protocol), with
the holding history closed, one chatter line per deal, one summary per rep and manager after, and the warnings
of the deals about to return once nothing is due. The rule "due" is written once, in ``_pool_due_where``."""
from collections import defaultdict
from datetime import datetime
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .sfcn_batch import read_cursor
from .sfcn_batch import write_cursor
from .sfcn_constants import RECLAIM_CURSOR_PARAM

EPOCH = datetime(1970, 1, 1)  # the reclaim cursor keeps its return date as microseconds since then


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _pool_rule_text(self, rule, pool, grade):
        followup_days, won_days = pool._days_for_grade(grade)
        if rule == "followup":
            return self.env._("No follow-up for more than %(days)s days, returned to the public pool "
                              "automatically", days=followup_days)
        return self.env._("Not won within %(days)s days, returned to the public pool automatically",
                          days=won_days)

    @api.model
    def _pool_due_where(self, now, alias="crm_lead"):
        """The one definition of "due for the reclaim", in SQL: held by a salesperson, active, past its return date
        (the stored, indexed ``date_reclaim`` of ``_compute_date_reclaim``, which leaves locked and won deals
        without one). The cron's batches, the count of what remains, the preview and the benchmark use it."""
        table = SQL.identifier(alias)
        return SQL("%(t)s.date_reclaim <= %(now)s AND %(t)s.user_id IS NOT NULL AND %(t)s.active", t=table, now=now)

    @api.model
    def _pool_due_query(self, now, limit=None):
        """The due deals' ids in the reclaim's order (return date, id: the order of the index on them); with
        ``limit``: one batch, locked, skipping the rows another transaction holds (a claim, a release, the other
        server's cron)."""
        query = SQL("SELECT crm_lead.id FROM crm_lead WHERE %s ORDER BY crm_lead.date_reclaim, crm_lead.id",
                    self._pool_due_where(now))
        if limit:
            query = SQL("%s LIMIT %s FOR UPDATE SKIP LOCKED", query, int(limit))
        return query

    @api.model
    def _cron_pool_reclaim(self, batch_size=1000):
        """Return due deals to their pool, one batch per call (Odoo 18 cron progress protocol: the scheduler
        commits and calls again while work remains); once nothing is due, warn the reps of the deals about to
        return, a batch per call. Idempotent: only deals still due are touched, a deal is warned once per return
        date.

        Warnings wait until nothing is due: the warning query reads the deals whose warning date has passed,
        which includes every deal still due (a million-deal reclaim of 300,000 read them again for each of its
        300 batches); a returned deal has no warning date."""
        self.env.flush_all()
        cr = self.env.cr
        now = fields.Datetime.now()
        # a pass walks the due deals in (return date, id) order, along their index, from where the last call
        # stopped: a batch never reads again the deals returned before it (300,000 due deals are 300 batches),
        # and the call that finds the last ones reads nothing past them (in id order it read the rest of the table)
        last_date, last_id, total, done = self._pool_reclaim_cursor()
        if not last_id:
            cr.execute(SQL("SELECT count(*) FROM crm_lead WHERE %s", self._pool_due_where(now)))
            total, done = cr.fetchone()[0], 0
        rows = []
        if total:
            after = SQL("(l.date_reclaim, l.id) > (%s, %s)", last_date, last_id) if last_id else SQL("TRUE")
            # the candidates with what the rule text needs (the owner's language), locked, in one query
            cr.execute(SQL("""
            SELECT l.id, p.lang, l.reclaim_rule, l.pool_id, l.customer_grade, l.date_reclaim
              FROM crm_lead l
         LEFT JOIN res_users u ON u.id = l.user_id
         LEFT JOIN res_partner p ON p.id = u.partner_id
             WHERE %s AND %s
          ORDER BY l.date_reclaim, l.id LIMIT %s FOR UPDATE OF l SKIP LOCKED""", self._pool_due_where(now, "l"),
                           after, int(batch_size)))
            rows = cr.fetchall()
        ids = [row[0] for row in rows]
        if ids:
            texts_by_key, texts = {}, []
            Pool = self.env["crm.pool"].sudo()
            for _id, lang, rule, pool_id, grade, _date in rows:
                key = (lang or "en_US", rule, pool_id, grade)
                if key not in texts_by_key:
                    texts_by_key[key] = self.with_context(lang=key[0])._pool_rule_text(
                        rule, Pool.browse(pool_id), grade)
                texts.append(texts_by_key[key])
            leads = self.sudo().browse(ids)
            leads.with_context(tracking_disable=True, mail_notrack=True)._pool_set_owner(
                self.env["res.users"], end_reason="reclaimed", end_rule=dict(zip(ids, texts, strict=True)))
            self._pool_log(dict(zip(leads, texts, strict=True)))
        self.env.flush_all()
        done += len(ids)
        if len(ids) == batch_size:
            self._pool_reclaim_cursor((rows[-1][5], ids[-1], total, done))
            remaining = max(total - done, 1)  # an estimate: what is left of the pass
        else:
            # the pass is over; counted exactly: rows skipped because another transaction held their lock (a
            # release, a claim) and deals that became due behind the cursor start a new pass
            if last_id:
                self._pool_reclaim_cursor(None)
            if total:
                cr.execute(SQL("SELECT count(*) FROM crm_lead WHERE %s", self._pool_due_where(now)))
                remaining = cr.fetchone()[0]
            else:
                remaining = 0  # counted at the start of this call: nothing was due
        if not remaining:
            warned = self._pool_send_warnings(batch_size)
            self._pool_send_summaries()
            # a full batch of warnings: more may wait, call again
            remaining = int(warned >= batch_size)
        self.env["ir.cron"]._notify_progress(done=len(ids), remaining=remaining)
        return len(ids), remaining

    @api.model
    def _pool_reclaim_cursor(self, value=False):
        """Where the reclaim's pass stopped: (return date and id of the last deal returned, due at the start,
        returned so far), (None, 0, 0, 0) for a new pass (also for a cursor an older version wrote); with
        ``value``, store it (None: the pass is over), with ``write_cursor`` (in SQL, only when no other reclaim
        holds it).

        The cursor only saves reading again what a pass already returned: nothing depends on it being exact,
        since the end of a pass counts the due deals and starts a new pass if any is left."""
        if value is False:
            parts = read_cursor(self.env, RECLAIM_CURSOR_PARAM).split(":")
            if len(parts) != 4 or not all(p.isdigit() for p in parts):
                return None, 0, 0, 0
            micro, last_id, total, done = map(int, parts)
            return EPOCH + timedelta(microseconds=micro), last_id, total, done
        if value:
            date, last_id, total, done = value
            value = ":".join(map(str, ((date - EPOCH) // timedelta(microseconds=1), last_id, total, done)))
        write_cursor(self.env, RECLAIM_CURSOR_PARAM, value)
        return value

    @api.model
    def action_pool_reclaim_now(self, batch_size=1000):
        """Run one reclaim batch now (sales managers): what the scheduled action does on each call.

        One reclaim at a time: the batch holds the scheduled action's lock, as Odoo's "Run Manually" does, so a
        click while the cron (or another manager, on any server) is reclaiming is refused with Odoo's "currently
        being executed" message instead of racing it for the same deals (two reclaims on the same due deals make
        PostgreSQL abort one of them, again on each of Odoo's retries while both keep going)."""
        if not self.env.user._sfcn_is_sales_manager():
            raise AccessError(self.env._("Only sales managers can run the reclaim."))
        cron = self.env.ref("sales_funnel_cn.ir_cron_pool_reclaim", raise_if_not_found=False)
        if cron:
            cron.sudo()._try_lock()
        return list(self._cron_pool_reclaim(batch_size=int(batch_size)))

    @api.model
    def _pool_reclaim_all(self, batch_size=1000):
        """Run the reclaim to the end in this transaction (tests, shell); returns the number reclaimed."""
        total = 0
        while True:
            done, remaining = self._cron_pool_reclaim(batch_size)
            total += done
            if not remaining:
                return total

    @api.model
    def _pool_send_summaries(self):
        """One notification per rep and one per team manager for the deals reclaimed since the last summary."""
        self.env.flush_all()
        cr = self.env.cr
        # taken, not read: rows another run's summary took at the same time are not counted twice
        cr.execute("DELETE FROM crm_pool_reclaim_count RETURNING user_id, manager_id, count")
        rows = cr.fetchall()
        if not rows:
            return
        per_rep, per_manager = defaultdict(int), defaultdict(int)
        for rep_id, manager_id, count in rows:
            if rep_id:
                per_rep[rep_id] += count
            if manager_id:
                per_manager[manager_id] += count
        Users = self.env["res.users"].sudo()
        thread = self.env["mail.thread"].sudo()
        for user_ids, message in ((per_rep, "rep"), (per_manager, "manager")):
            for user_id, count in user_ids.items():
                user = Users.browse(user_id)
                user_env = self.with_context(lang=user.lang).env
                if message == "rep":
                    body = user_env._("%(count)s of your deals returned to the public pool (no follow-up or not won in "
                             "time).", count=count)
                else:
                    body = user_env._("%(count)s deals of your teams returned to the public pool.", count=count)
                thread.message_notify(partner_ids=user.partner_id.ids, body=body,
                                      subject=user_env._("Public pool: deals reclaimed"))

    @api.model
    def _pool_send_warnings(self, batch_size=1000):
        """A to-do for the rep of each deal (a batch) whose warning date has passed and that is not due yet, once
        per return date; returns how many were warned."""
        self.env.flush_all()
        now = fields.Datetime.now()
        # a deal's warning date is its return date less its pool's warning days (_compute_date_reclaim): the deals
        # to warn return within the largest of them, a range of the index on the return date (the warning dates
        # that have passed include every deal due, and every deal a reclaim has just returned)
        self.env.cr.execute("""
            SELECT id FROM crm_lead
             WHERE date_reclaim > %(now)s
               AND date_reclaim <= %(now)s + make_interval(days => (SELECT COALESCE(max(warning_days), 0)
                                                                     FROM crm_pool))
               AND date_reclaim_warning <= %(now)s AND user_id IS NOT NULL AND active
               AND (date_pool_warned IS NULL OR date_pool_warned <> date_reclaim)
             ORDER BY date_reclaim, id LIMIT %(limit)s FOR UPDATE SKIP LOCKED""", {"now": now, "limit": batch_size})
        leads = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        if not leads:
            return 0
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("crm.lead")
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create([{
            "res_model_id": model_id, "res_id": lead.id, "user_id": lead.user_id.id,
            "activity_type_id": activity_type.id, "date_deadline": lead.date_reclaim.date(),
            "summary": lead.with_context(lang=lead.user_id.lang).env._(
                "Follow up: returns to the public pool on %(date)s", date=lead.date_reclaim.date()),
        } for lead in leads])
        self.env.cr.execute("UPDATE crm_lead SET date_pool_warned = date_reclaim WHERE id IN %s",
                            [tuple(leads.ids)])
        leads.invalidate_recordset(["date_pool_warned"])
        return len(leads)

    @api.model
    @api.readonly
    def action_pool_reclaim_preview(self):
        """Dry run for pool administrators: the deals the next reclaim run would return to the pool."""
        if not self.env.user._sfcn_is_sales_manager():
            raise AccessError(self.env._("Only sales managers can preview the reclaim run."))
        self.env.flush_all()
        self.env.cr.execute(self._pool_due_query(fields.Datetime.now()))
        ids = [row[0] for row in self.env.cr.fetchall()]
        return {
            "type": "ir.actions.act_window", "res_model": "crm.lead", "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "name": self.env._("Reclaim Preview (%(count)s deals)", count=len(ids)),
            "domain": [("id", "in", ids)], "context": {"create": False},
        }
