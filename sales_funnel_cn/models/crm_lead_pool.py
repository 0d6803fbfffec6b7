import logging
import socket
from collections import defaultdict
from datetime import datetime
from datetime import time
from datetime import timedelta

import psycopg2.errors

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import format_datetime
from odoo.tools import html_escape

from .sfcn_access import is_trusted
from .sfcn_dates import local_period_utc
from .sfcn_masking import export_masked
from .sfcn_masking import guard_domain
from .sfcn_masking import mask_read
from .sfcn_masking import strip_masked_order
from .sfcn_masking import touches_masked

_logger = logging.getLogger(__name__)

MASKED_FIELDS = ("phone", "mobile", "email_from", "email_normalized", "phone_sanitized", "email_cc",
                 "call_phone", "call_suppression_note")
# fields a search, a grouping or a sort could reveal masked contact details through
MASKED_SEARCH_FIELDS = (*MASKED_FIELDS, "phone_mobile_search", "email_domain_criterion")


class CrmLead(models.Model):
    _inherit = "crm.lead"

    pool_id = fields.Many2one(
        "crm.pool", "Public Pool", compute="_compute_pool_id", store=True, readonly=True, index=True,
        copy=False, help="The public pool (公海) the deal returns to when unassigned.")
    date_claimed = fields.Datetime(
        "Claimed On", copy=False, readonly=True,
        help="When the current salesperson claimed or was assigned the deal.")
    date_pooled = fields.Datetime("Pooled On", copy=False, readonly=True, index=True)
    pool_previous_user_id = fields.Many2one("res.users", "Previous Salesperson", copy=False, readonly=True)
    pool_locked = fields.Boolean(
        "Locked", copy=False, tracking=True,
        help="A locked deal (锁定) is never returned to the public pool automatically.")
    pool_lock_reason = fields.Char("Lock Reason", copy=False, tracking=True)
    date_reclaim = fields.Datetime(
        "Returns to Pool On", compute="_compute_date_reclaim", store=True, index=True, copy=False,
        help="When the deal returns to the public pool if nothing happens before.")
    date_reclaim_warning = fields.Datetime(compute="_compute_date_reclaim", store=True, index=True, copy=False)
    reclaim_rule = fields.Selection(
        [("followup", "No follow-up"), ("not_won", "Not won in time")],
        compute="_compute_date_reclaim", store=True, copy=False)
    date_pool_warned = fields.Datetime(copy=False, readonly=True)
    pool_reclaim_notify = fields.Boolean(copy=False, readonly=True, index="btree_not_null")
    pool_days_left = fields.Integer(
        "Days Before Pool", compute="_compute_pool_days_left",
        help="Whole days left before the deal returns to the public pool.")
    pool_warning = fields.Boolean(
        "Returning to Pool Soon", compute="_compute_pool_days_left", search="_search_pool_warning")
    pool_history_ids = fields.One2many("crm.pool.history", "lead_id", "Holding History")

    # ------------------------------------------------------------------ computes
    @api.depends("team_id", "company_id")
    def _compute_pool_id(self):
        pools = self.env["crm.pool"]._pools_by_key()
        for lead in self:
            company = lead.company_id.id or self.env.company.id
            lead.pool_id = pools.get((company, lead.team_id.id)) or pools.get((company, False)) \
                or lead.pool_id

    @api.depends("user_id", "date_claimed", "create_date", "date_last_followup", "customer_grade",
                 "date_deadline", "pool_locked", "active", "probability", "stage_id.is_won",
                 "pool_id.followup_days", "pool_id.won_days", "pool_id.warning_days",
                 "pool_id.exempt_future_decision", "pool_id.exempt_max_days", "pool_id.grade_rule_ids.grade",
                 "pool_id.grade_rule_ids.followup_days", "pool_id.grade_rule_ids.won_days")
    def _compute_date_reclaim(self):
        now = fields.Datetime.now()
        days_cache = {}
        for lead in self:
            pool = lead.pool_id
            if not (lead.user_id and pool and lead.active) or lead.pool_locked \
                    or lead.probability >= 100 or lead.stage_id.is_won:
                lead.date_reclaim = lead.date_reclaim_warning = lead.reclaim_rule = False
                continue
            key = (pool.id, lead.customer_grade)
            if key not in days_cache:
                days_cache[key] = pool._days_for_grade(lead.customer_grade)
            followup_days, won_days = days_cache[key]
            start = lead.date_claimed or lead.create_date or now
            by_followup = max(start, lead.date_last_followup or start) + timedelta(days=followup_days)
            by_won = start + timedelta(days=won_days)
            date, rule = (by_followup, "followup") if by_followup <= by_won else (by_won, "not_won")
            if pool.exempt_future_decision and lead.date_deadline:
                # the rep sets the expected closing date: the exemption (off by default) is capped by the pool
                exempt = datetime.combine(lead.date_deadline + timedelta(days=1), time.min)
                date = max(date, min(exempt, date + timedelta(days=pool.exempt_max_days)))
            lead.date_reclaim = date
            lead.reclaim_rule = rule
            lead.date_reclaim_warning = date - timedelta(days=pool.warning_days)

    @api.depends("date_reclaim", "date_reclaim_warning")
    def _compute_pool_days_left(self):
        now = fields.Datetime.now()
        for lead in self:
            if lead.date_reclaim and lead.user_id:
                lead.pool_days_left = max((lead.date_reclaim - now).days, 0)
                lead.pool_warning = lead.date_reclaim_warning <= now
            else:
                lead.pool_days_left = 0
                lead.pool_warning = False

    def _search_pool_warning(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        domain = [("date_reclaim_warning", "<=", fields.Datetime.now()), ("user_id", "!=", False)]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    # ------------------------------------------------------------------ masking
    def _pool_masked_ids(self):
        """Ids of pooled deals whose contact details the current user may not see."""
        if self.env.su:
            return set()
        user = self.env.user
        if user._sfcn_is_sales_manager():
            return set()
        masked = set()
        for lead in self.sudo():
            if not lead.user_id and lead.pool_id and user not in lead.pool_id.admin_ids:
                masked.add(lead.id)
        return masked

    def _read_format(self, fnames, load="_classic_read"):
        return mask_read(super()._read_format(fnames, load=load), fnames, MASKED_FIELDS, self._pool_masked_ids)

    def _pool_unmasked_domain(self):
        """Deals whose contact details the current user sees unmasked (owned, pool-less or pools they administer)."""
        admin_pools = self.env["crm.pool"].sudo().with_context(active_test=False).search(
            [("admin_ids", "in", self.env.uid)])
        return ["|", "|", ("user_id", "!=", False), ("pool_id", "=", False), ("pool_id", "in", admin_pools.ids)]

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """A salesperson who sees pooled deals' contact details masked must not find them by those details either
        (searching ``phone ilike 138`` would leak the number), nor sort by them: every condition on a masked
        field only matches deals the user sees unmasked, and sorts by a masked field are dropped."""
        if not is_trusted(self.env):
            order = strip_masked_order(order, MASKED_SEARCH_FIELDS)
            domain = guard_domain(domain, MASKED_SEARCH_FIELDS, self._pool_unmasked_domain)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        """Grouping or aggregating by a masked field would show the values: only over deals seen unmasked."""
        if not is_trusted(self.env) and touches_masked(groupby, aggregates, having, MASKED_SEARCH_FIELDS):
            domain = expression.AND([domain or [], self._pool_unmasked_domain()])
        return super()._read_group(domain, groupby=groupby, aggregates=aggregates, having=having, offset=offset,
                                   limit=limit, order=order)

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        return export_masked(self, super()._export_rows, fields, MASKED_FIELDS, self._pool_masked_ids(),
                             _is_toplevel_call)

    # ------------------------------------------------------------------ write gate and history
    def _pool_check_write(self, vals):
        if is_trusted(self.env):
            return
        if {"pool_locked", "pool_lock_reason"} & set(vals):
            raise AccessError(self.env._("Only sales managers can lock or unlock deals against the public pool."))
        if "user_id" in vals:
            for lead in self:
                if lead.pool_id and lead.user_id.id != (vals["user_id"] or False):
                    if not lead.user_id:
                        raise UserError(self.env._(
                            "Deal %(deal)s is in the public pool: use Claim to take it.", deal=lead.name))
                    if not vals["user_id"]:
                        raise UserError(self.env._(
                            "Use Release to return deal %(deal)s to the public pool (a reason is required).",
                            deal=lead.name))
                    raise UserError(self.env._(
                        "Only sales managers can reassign deal %(deal)s to another salesperson.",
                        deal=lead.name))

    @api.constrains("pool_locked", "pool_lock_reason")
    def _check_pool_lock_reason(self):
        for lead in self:
            if lead.pool_locked and not (lead.pool_lock_reason or "").strip():
                raise ValidationError(self.env._("Give a reason to lock deal %(deal)s.", deal=lead.name))

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            if vals.get("user_id"):
                vals.setdefault("date_claimed", now)
            else:
                vals.setdefault("date_pooled", now)
        leads = super().create(vals_list)
        owned = leads.filtered("user_id")
        if owned:
            self.env["crm.pool.history"].sudo().create([{
                "lead_id": lead.id, "user_id": lead.user_id.id, "pool_id": lead.pool_id.id,
                "date_start": now, "start_reason": "created",
            } for lead in owned])
        return leads

    def write(self, vals):
        self._pool_check_write(vals)
        if "user_id" not in vals:
            result = super().write(vals)
            if vals.get("active") is False or "stage_id" in vals:
                self._pool_close_history_on_outcome()
            return result
        # a salesperson change through write(): only a manager (or sudo) gets here (_pool_check_write)
        return self._pool_write_owner(vals)

    def _pool_set_owner(self, user, end_reason="reassigned", end_rule=False, start_reason="assigned",
                        start_rule=False, prepared=False, extra_vals=None):
        """Trusted path of claims, assignments, releases and the reclaim: give these deals to ``user``
        (an empty recordset returns them to the pool) with the holding history's reasons. Private: called on
        ``sudo()`` by code that has checked who may do it; no context key can reach it.

        ``prepared``: the reclaim run already closed the holdings and kept the previous owners in SQL."""
        vals = {"user_id": user.id or False, **(extra_vals or {})}
        return self.sudo()._pool_write_owner(vals, end_reason=end_reason, end_rule=end_rule,
                                             start_reason=start_reason, start_rule=start_rule, prepared=prepared)

    # pylint: disable=super-method-mismatch
    def _pool_write_owner(self, vals, end_reason="reassigned", end_rule=False, start_reason="assigned",
                          start_rule=False, prepared=False):
        """Write ``vals`` (with ``user_id``) and keep the holding history, previous owner and dates.

        It writes through ``super().write``: below this class's own ``write`` (whose checks the trusted caller
        already did) and the outermost system-field guard (the module's own values)."""
        new_user = vals["user_id"] or False
        changed = self.filtered(lambda lead: lead.user_id.id != new_user)
        if not changed:
            return super().write(vals)
        now = fields.Datetime.now()
        history = self.env["crm.pool.history"].sudo()
        if not prepared:
            history.flush_model()
            self.env.cr.execute(
                "UPDATE crm_pool_history SET date_end = %s, end_reason = %s, rule = COALESCE(%s, rule) "
                "WHERE lead_id IN %s AND date_end IS NULL",
                [now, end_reason, end_rule or None, tuple(changed.ids)])
            history.invalidate_model(["date_end", "end_reason", "rule"])
        changed_vals = dict(vals)
        if new_user:
            changed_vals.setdefault("date_claimed", now)
        else:
            if not prepared:
                self.flush_recordset(["user_id"])
                self.env.cr.execute(
                    "UPDATE crm_lead SET pool_previous_user_id = user_id WHERE id IN %s AND user_id IS NOT NULL",
                    [tuple(changed.ids)])
                changed.invalidate_recordset(["pool_previous_user_id"])
            changed_vals.update(date_pooled=now, date_claimed=False)
        # one write for the whole batch, as crm does it (a batch assignment sets date_open on every deal of it),
        # then what only the deals changing hands get
        result = super().write(vals)
        extra = {key: value for key, value in changed_vals.items() if key not in vals}
        if extra:
            super(CrmLead, changed).write(extra)
        if new_user:
            history.create([{
                "lead_id": lead.id, "user_id": new_user, "pool_id": lead.pool_id.id, "date_start": now,
                "start_reason": start_reason, "rule": start_rule,
            } for lead in changed])
        return result
    # pylint: enable=super-method-mismatch

    def _pool_close_history_on_outcome(self):
        lost = self.filtered(lambda lead: not lead.active).with_context(active_test=False)
        won = self.filtered(lambda lead: lead.active and lead.stage_id.is_won)
        for leads, reason in ((won, "won"), (lost, "lost")):
            if leads:
                self.env["crm.pool.history"].sudo().search(
                    [("lead_id", "in", leads.ids), ("date_end", "=", False)]).write(
                    {"date_end": fields.Datetime.now(), "end_reason": reason})

    # ------------------------------------------------------------------ chatter in bulk
    def _pool_log(self, bodies):
        """One chatter line per deal, all written with one INSERT ... SELECT. ``bodies``: {lead: text}.

        The text is escaped and wrapped in a paragraph here, so the body is safe HTML without going
        through the per-message sanitiser and per-message Python work of ``mail.message.create``.
        """
        if not bodies:
            return
        subtype = self.env.ref("mail.mt_note")
        author = self.env.user.partner_id if not self.env.su else self.env.ref("base.partner_root")
        email_from = author.email_formatted or None
        lead_ids, html = [], []
        for lead, body in bodies.items():
            lead_ids.append(lead.id)
            html.append(f"<p>{html_escape(body)}</p>")
        self.env.flush_all()
        now = fields.Datetime.now()
        self.env.cr.execute("""
            INSERT INTO mail_message (model, res_id, record_name, body, message_type, subtype_id, author_id,
                                      email_from, reply_to, date, message_id, is_internal, email_add_signature,
                                      create_uid, create_date, write_uid, write_date)
            SELECT 'crm.lead', l.id, l.name, v.body, 'notification', %(subtype)s, %(author)s,
                   %(email_from)s, %(email_from)s, %(now)s,
                   '<' || md5(random()::text || l.id::text) || '-openerp-' || l.id || '-crm.lead@'
                       || %(host)s || '>',
                   FALSE, TRUE, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(ids)s::int[], %(bodies)s::text[]) AS v(id, body)
              JOIN crm_lead l ON l.id = v.id""", {
            "subtype": subtype.id, "author": author.id, "email_from": email_from, "now": now,
            "host": socket.gethostname(), "uid": self.env.uid, "ids": lead_ids, "bodies": html,
        })
        self.env.invalidate_all()

    # ------------------------------------------------------------------ claim / assign
    def action_pool_claim(self):
        leads = self._pool_take(self.env.user, mode="claim")
        return self._pool_done_action(self.env._(
            "Claimed: %(deals)s now yours. Follow it up before it returns to the pool.",
            deals=", ".join(leads.mapped("name"))), open_form=len(leads) == 1 and leads)

    def _pool_done_action(self, message, open_form=False):
        """A success message after a claim or a release, then the deal's working form (one deal claimed)
        or the refreshed view."""
        if open_form:
            following = {"type": "ir.actions.act_window", "res_model": "crm.lead", "res_id": open_form.id,
                         "views": [(self.env.ref("crm.crm_lead_view_form").id, "form")], "target": "current"}
        else:
            following = {"type": "ir.actions.client", "tag": "soft_reload"}
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "message": message, "sticky": False, "next": following}}

    def _pool_user_day_start(self, user):
        return local_period_utc(user.tz)[0]

    def _pool_take(self, user, mode="claim", override=False):
        """Give these pooled deals to ``user``: all or nothing, race-free.

        The user's row is locked (NOWAIT: a concurrent claim for the same user fails at once with a clear
        error) and updated (a claim committed after this transaction's snapshot then raises a serialization
        failure, which the server retries with a fresh snapshot); then the deals' rows are locked the same
        way before anything is checked or written.
        """
        if not self:
            raise UserError(self.env._("Select at least one deal to claim."))
        self.env.flush_all()
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute("SELECT id FROM res_users WHERE id = %s FOR UPDATE NOWAIT", [user.id],
                           log_exceptions=False)
        except psycopg2.errors.LockNotAvailable:
            raise UserError(self.env._("Another claim for %(user)s is in progress; try again in a moment.",
                              user=user.name)) from None
        cr.execute("UPDATE res_users SET sfcn_pool_claim_seq = COALESCE(sfcn_pool_claim_seq, 0) + 1 "
                   "WHERE id = %s", [user.id])
        try:
            with cr.savepoint(flush=False):
                cr.execute("SELECT id FROM crm_lead WHERE id IN %s ORDER BY id FOR UPDATE NOWAIT",
                           [tuple(self.ids)], log_exceptions=False)
        except psycopg2.errors.LockNotAvailable:
            raise UserError(self.env._("Already claimed: someone else is claiming these deals right now.")) from None
        leads = self.sudo().with_context(active_test=False)
        leads.invalidate_recordset()
        leads._pool_check_claimable(user, mode)
        pool, held = leads._pool_check_caps(user, mode, override)
        over_cap = override and held + len(leads) > pool.holding_cap
        rule = False
        if over_cap:
            rule = self.env._("Holding cap overridden by %(manager)s", manager=self.env.user.name)
        leads._pool_set_owner(user, start_reason="claimed" if mode == "claim" else "assigned", start_rule=rule)
        if mode == "claim":
            body = self.env._("Claimed from the public pool by %(user)s", user=user.name)
        else:
            body = self.env._("Assigned from the public pool to %(user)s by %(manager)s",
                     user=user.name, manager=self.env.user.name)
        if over_cap:
            body = f"{body} ({rule})"
        leads._pool_log(dict.fromkeys(leads, body))
        return leads

    def _pool_check_claimable(self, user, mode):
        now = fields.Datetime.now()
        for lead in self:
            if lead.user_id:
                if lead.user_id == user:
                    raise UserError(self.env._("Already claimed: you already hold deal %(deal)s.", deal=lead.name))
                raise UserError(self.env._("Already claimed: deal %(deal)s was claimed by someone else (%(user)s).",
                                  deal=lead.name, user=lead.user_id.name))
            if not lead.pool_id or not lead.active:
                raise UserError(self.env._("Deal %(deal)s is not in a public pool.", deal=lead.name))
            if mode != "claim":
                continue
            pool = lead.pool_id
            if not pool._is_member(user):
                raise UserError(self.env._("You are not a member of the public pool %(pool)s.", pool=pool.name))
            if lead.pool_previous_user_id == user and lead.date_pooled and pool.cooldown_days \
                    and now < lead.date_pooled + timedelta(days=pool.cooldown_days):
                raise UserError(self.env._(
                    "Cool-down: you held deal %(deal)s until %(date)s and may claim it again only after "
                    "%(days)s days.", deal=lead.name, date=format_datetime(self.env, lead.date_pooled),
                    days=pool.cooldown_days))
            if pool.claim_delay_hours and lead.date_pooled \
                    and now < lead.date_pooled + timedelta(hours=pool.claim_delay_hours):
                raise UserError(self.env._(
                    "Claim delay: deal %(deal)s returned to the pool less than %(hours)s hours ago; "
                    "it can be claimed from %(date)s.", deal=lead.name, hours=pool.claim_delay_hours,
                    date=format_datetime(self.env, lead.date_pooled + timedelta(hours=pool.claim_delay_hours))))

    def _pool_check_caps(self, user, mode, override):
        leads = self
        pool = leads.pool_id.sorted("holding_cap")[:1]
        domain = [("user_id", "=", user.id), ("active", "=", True)]
        if not pool.cap_counts_won:
            domain += [("probability", "<", 100)]
        held = self.env["crm.lead"].sudo().search_count(domain)
        if held + len(leads) > pool.holding_cap and not override:
            if mode == "claim":
                raise UserError(self.env._(
                    "Holding cap: you hold %(held)s open deals; claiming %(count)s more would exceed the cap "
                    "of %(cap)s. Release a deal first.", held=held, count=len(leads), cap=pool.holding_cap))
            raise UserError(self.env._(
                "Holding cap: %(user)s holds %(held)s open deals; assigning %(count)s more would exceed the "
                "cap of %(cap)s. Tick 'Override the cap' to assign anyway.",
                user=user.name, held=held, count=len(leads), cap=pool.holding_cap))
        if mode == "claim":
            claimed_today = self.env["crm.pool.history"].sudo().search_count([
                ("user_id", "=", user.id), ("start_reason", "=", "claimed"),
                ("date_start", ">=", self._pool_user_day_start(user))])
            if claimed_today + len(leads) > pool.daily_claim_cap:
                raise UserError(self.env._(
                    "Daily claim cap: you claimed %(done)s deals today; %(count)s more would exceed the daily "
                    "cap of %(cap)s.", done=claimed_today, count=len(leads), cap=pool.daily_claim_cap))
        return pool, held

    def _pool_assign(self, user, override=False):
        if not self.env.user._sfcn_is_sales_manager() and not all(
                self.env.user in lead.pool_id.admin_ids for lead in self.sudo()):
            raise AccessError(self.env._("Only sales managers and pool administrators can assign pooled deals."))
        return self._pool_take(user, mode="assign", override=override)

    # ------------------------------------------------------------------ release
    def _pool_release(self, reason):
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give a reason to release a deal to the public pool."))
        is_manager = is_trusted(self.env)
        self.env.flush_all()
        if self:
            self.env.cr.execute("SELECT id FROM crm_lead WHERE id IN %s ORDER BY id FOR UPDATE", [tuple(self.ids)])
        leads = self.sudo()
        leads.invalidate_recordset()
        for lead in leads:
            if not lead.user_id:
                raise UserError(self.env._("Deal %(deal)s is already in the public pool.", deal=lead.name))
            if lead.user_id != self.env.user and not is_manager:
                raise UserError(self.env._("You can only release your own deals (%(deal)s).", deal=lead.name))
            if not lead.pool_id:
                raise UserError(self.env._("Deal %(deal)s has no public pool to return to.", deal=lead.name))
        leads._pool_set_owner(self.env["res.users"], end_reason="released", end_rule=reason)
        leads._pool_log(dict.fromkeys(
            leads, self.env._("Released to the public pool by %(user)s: %(reason)s",
                              user=self.env.user.name, reason=reason)))
        return leads

    def action_pool_release(self):
        return {
            "type": "ir.actions.act_window", "res_model": "crm.pool.release.wizard", "view_mode": "form",
            "target": "new", "context": {"active_ids": self.ids, "active_model": "crm.lead"},
            "name": self.env._("Release to Public Pool"),
        }

    def action_pool_assign(self):
        return {
            "type": "ir.actions.act_window", "res_model": "crm.pool.assign.wizard", "view_mode": "form",
            "target": "new", "context": {"active_ids": self.ids, "active_model": "crm.lead"},
            "name": self.env._("Assign from Public Pool"),
        }

    # ------------------------------------------------------------------ reclaim cron
    def _pool_rule_text(self, rule, pool, grade):
        followup_days, won_days = pool._days_for_grade(grade)
        if rule == "followup":
            return self.env._("No follow-up for more than %(days)s days, returned to the public pool "
                              "automatically", days=followup_days)
        return self.env._("Not won within %(days)s days, returned to the public pool automatically",
                          days=won_days)

    @api.model
    def _pool_reclaim_candidates_query(self):
        return ("SELECT id FROM crm_lead WHERE date_reclaim <= %s AND user_id IS NOT NULL AND active "
                "ORDER BY id")

    @api.model
    def _cron_pool_reclaim(self, batch_size=1000):
        """Return due deals to their pool, one batch per call (Odoo 18 cron progress protocol: the scheduler
        commits and calls again while work remains). Idempotent: only deals still due are touched."""
        self._pool_send_warnings(batch_size)
        self.env.flush_all()
        cr = self.env.cr
        now = fields.Datetime.now()
        # the candidates with what the rule text needs (the owner's language), locked, in one query
        cr.execute(f"""
            SELECT l.id, p.lang, l.reclaim_rule, l.pool_id, l.customer_grade
              FROM crm_lead l
         LEFT JOIN res_users u ON u.id = l.user_id
         LEFT JOIN res_partner p ON p.id = u.partner_id
             WHERE l.date_reclaim <= %s AND l.user_id IS NOT NULL AND l.active
          ORDER BY l.id LIMIT {int(batch_size)} FOR UPDATE OF l SKIP LOCKED""", [now])
        rows = cr.fetchall()
        ids = [row[0] for row in rows]
        if ids:
            texts_by_key, texts = {}, []
            Pool = self.env["crm.pool"].sudo()
            for _id, lang, rule, pool_id, grade in rows:
                key = (lang or "en_US", rule, pool_id, grade)
                if key not in texts_by_key:
                    texts_by_key[key] = self.with_context(lang=key[0])._pool_rule_text(
                        rule, Pool.browse(pool_id), grade)
                texts.append(texts_by_key[key])
            # close the holding periods with each deal's rule and keep the previous owners: one statement
            cr.execute("""
                WITH closed AS (
                    UPDATE crm_pool_history h
                       SET date_end = %(now)s, end_reason = 'reclaimed', rule = v.rule,
                           write_date = %(now)s, write_uid = %(uid)s
                      FROM unnest(%(ids)s::int[], %(rules)s::varchar[]) AS v(lead_id, rule)
                     WHERE h.lead_id = v.lead_id AND h.date_end IS NULL
                 RETURNING h.id)
                UPDATE crm_lead SET pool_previous_user_id = user_id WHERE id = ANY(%(ids)s)""",
                       {"now": now, "uid": self.env.uid, "ids": ids, "rules": texts})
            self.env["crm.pool.history"].invalidate_model(["date_end", "end_reason", "rule", "write_date", "write_uid"])
            leads = self.sudo().browse(ids)
            leads.invalidate_recordset(["pool_previous_user_id"])
            leads.with_context(tracking_disable=True, mail_notrack=True)._pool_set_owner(
                self.env["res.users"], end_reason="reclaimed", prepared=True, extra_vals={"pool_reclaim_notify": True})
            self._pool_log(dict(zip(leads, texts, strict=True)))
        # counted after every batch, not only after a full one: rows skipped because another transaction
        # held their lock (a release, a claim) are still due and must be tried again
        self.env.flush_all()
        cr.execute("SELECT count(*) FROM crm_lead WHERE date_reclaim <= %s AND user_id IS NOT NULL AND active",
                   [now])
        remaining = cr.fetchone()[0]
        if not remaining:
            self._pool_send_summaries()
        self.env["ir.cron"]._notify_progress(done=len(ids), remaining=remaining)
        return len(ids), remaining

    @api.model
    def action_pool_reclaim_now(self, batch_size=1000):
        """Run one reclaim batch now (sales managers): what the scheduled action does on each call."""
        if not self.env.user._sfcn_is_sales_manager():
            raise AccessError(self.env._("Only sales managers can run the reclaim."))
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
        cr.execute("""
            SELECT l.pool_previous_user_id, t.user_id, count(*)
              FROM crm_lead l LEFT JOIN crm_team t ON t.id = l.team_id
             WHERE l.pool_reclaim_notify
          GROUP BY 1, 2""")
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
        cr.execute("UPDATE crm_lead SET pool_reclaim_notify = NULL WHERE pool_reclaim_notify")
        self.invalidate_model(["pool_reclaim_notify"])

    @api.model
    def _pool_send_warnings(self, batch_size=1000):
        self.env.flush_all()
        now = fields.Datetime.now()
        self.env.cr.execute("""
            SELECT id FROM crm_lead
             WHERE date_reclaim_warning <= %s AND date_reclaim > %s AND user_id IS NOT NULL AND active
               AND (date_pool_warned IS NULL OR date_pool_warned <> date_reclaim)
             ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""", [now, now, batch_size])
        leads = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        if not leads:
            return
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

    @api.model
    @api.readonly
    def action_pool_reclaim_preview(self):
        """Dry run for pool administrators: the deals the next reclaim run would return to the pool."""
        if not self.env.user._sfcn_is_sales_manager():
            raise AccessError(self.env._("Only sales managers can preview the reclaim run."))
        self.env.flush_all()
        self.env.cr.execute(self._pool_reclaim_candidates_query(), [fields.Datetime.now()])
        ids = [row[0] for row in self.env.cr.fetchall()]
        return {
            "type": "ir.actions.act_window", "res_model": "crm.lead", "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "name": self.env._("Reclaim Preview (%(count)s deals)", count=len(ids)),
            "domain": [("id", "in", ids)], "context": {"create": False},
        }
