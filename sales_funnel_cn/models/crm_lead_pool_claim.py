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

    def _pool_claim_window_start(self):
        """The daily claim cap counts the claims of the last 24 hours: a window no one can move (a day in the
        claimer's time zone would restart whenever he changed his own time zone)."""
        return fields.Datetime.now() - timedelta(days=1)

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
        held = self.env["crm.lead"]._pool_held_count(user, pool)
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
                ("date_start", ">=", self._pool_claim_window_start())])
            if claimed_today + len(leads) > pool.daily_claim_cap:
                raise UserError(self.env._(
                    "Daily claim cap: you claimed %(done)s deals in the last 24 hours; %(count)s more would exceed "
                    "the daily cap of %(cap)s.", done=claimed_today, count=len(leads), cap=pool.daily_claim_cap))
        return pool, held

    def _pool_held_count(self, user, pool):
        """The deals a salesperson holds against a pool's cap: active, and not won unless the pool counts won
        deals (a won stage, not a probability the salesperson can type)."""
        domain = [("user_id", "=", user.id), ("active", "=", True)]
        if not pool.cap_counts_won:
            domain.append(("stage_id.is_won", "=", False))
        return self.env["crm.lead"].sudo().with_context(active_test=False).search_count(domain)

    def _pool_counted(self):
        """{deal id: whether it counts against its holder's cap} (active, not won), from the caches."""
        won = self.env["crm.stage"]._sfcn_gate_config().won_ids
        return {lead.id: bool(lead.user_id and lead.active and lead.stage_id.id not in won) for lead in self}

    def _pool_check_reopened(self, counted_before):
        """A salesperson's write that makes deals count again (restored from the archive, moved back from a won
        stage) must keep him within his pool's holding cap: archiving a deal to claim another, then restoring it,
        would hold more than the cap. Trusted code and managers are not limited (a manager's assignment may
        override the cap)."""
        counted = self._pool_counted()
        reopened = self.filtered(lambda lead: counted[lead.id] and not counted_before.get(lead.id))
        if not reopened or is_trusted(self.env):
            return
        for user in reopened.user_id:
            mine = reopened.filtered(lambda lead, u=user: lead.user_id == u)
            pool = mine.pool_id.sorted("holding_cap")[:1]
            if pool and self._pool_held_count(user, pool) > pool.holding_cap:
                raise UserError(self.env._(
                    "Holding cap: %(user)s would hold more than %(cap)s open deals. Release a deal first.",
                    user=user.name, cap=pool.holding_cap))

    def copy(self, default=None):
        """A deal of the public pool is claimed before it is duplicated: a copy would show its contact details
        and start without the cool-down and claim delay the pool keeps on the original."""
        if self._pool_masked_ids() and not is_trusted(self.env):
            raise UserError(self.env._("%(deal)s is in the public pool: claim it before you duplicate it.",
                                       deal=self[:1].display_name))
        return super().copy(default=default)

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        """A merge keeps one deal and deletes the others, so a salesperson's merge takes nothing he could not take
        otherwise: not another salesperson's deal, and a deal of the public pool only as a claim would (member of
        the pool, no cool-down or claim delay running, within the holding and daily caps). What the deleted deals
        recorded (stage history, calls, holding history, follow-ups, checklist answers and their audit trail)
        moves to the deal kept, as crm moves their messages and attachments."""
        if not is_trusted(self.env):
            user = self.env.user
            if any(lead.user_id and lead.user_id != user for lead in self):
                raise UserError(self.env._("You can only merge your own deals and deals of the public pool: ask a "
                                           "sales manager to merge deals of other salespeople."))
            pooled = self.browse(sorted(self._pool_masked_ids())).sudo().with_context(active_test=False)
            if pooled:
                pooled._pool_check_claimable(user, "claim")
                pooled._pool_check_caps(user, "claim", False)
        return super()._merge_opportunity(user_id=user_id, team_id=team_id, auto_unlink=auto_unlink,
                                          max_length=max_length)

    def _merge_dependences(self, opportunities):
        result = super()._merge_dependences(opportunities)
        head = self.sudo()
        tails = opportunities.sudo().with_context(active_test=False)
        for model in ("crm.lead.stage.history", "crm.call.log", "crm.pool.history", "crm.followup"):
            head.env[model].with_context(active_test=False).search([("lead_id", "in", tails.ids)]).write(
                {"lead_id": head.id})
        kept = {row.check_id.id: row for row in head.check_ids}
        for row in tails.check_ids:
            target = kept.get(row.check_id.id)
            if target:
                row.log_ids.write({"lead_check_id": target.id, "lead_id": head.id})
            else:
                row.write({"lead_id": head.id})
                row.log_ids.write({"lead_id": head.id})
        return result

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
