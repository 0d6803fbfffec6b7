"""Public pool, claim / assign / release: the only ways a pooled deal changes hands besides the reclaim cron
(crm_lead_pool_reclaim.py). Every path locks the rows it checks and writes through ``_pool_set_owner``."""
from datetime import timedelta

import psycopg2.errors

from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from .sfcn_access import is_trusted
from .sfcn_dates import local_period_utc


class CrmLead(models.Model):
    _inherit = "crm.lead"

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
