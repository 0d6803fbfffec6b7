"""Public pool (公海), the deal's side: the pool fields and return-to-pool dates, the write gate on the
salesperson, the holding history and the chatter line of every change of hands. Claim / assign / release:
crm_lead_pool_claim.py; masking: crm_lead_pool_masking.py; the reclaim cron: crm_lead_pool_reclaim.py."""
import socket
from collections import defaultdict
from datetime import datetime
from datetime import time
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tools import html_escape
from odoo.tools import ormcache

from .sfcn_access import is_trusted

# what a return to the pool writes on a deal (_pool_write_owner, _pool_keep_previous_owner)
RELEASE_WRITES = ("user_id", "pool_previous_user_id", "date_pooled", "date_claimed", "date_reclaim",
                  "date_reclaim_warning", "reclaim_rule")


class CrmLead(models.Model):
    _inherit = "crm.lead"

    pool_id = fields.Many2one(
        "crm.pool", "Public Pool", compute="_compute_pool_id", store=True, readonly=True, index=True,
        copy=False, help="The public pool (公海) the deal returns to when unassigned.")
    date_claimed = fields.Datetime(
        "Claimed On", copy=False, readonly=True,
        help="When the current salesperson claimed or was assigned the deal.")
    date_pooled = fields.Datetime("Pooled On", copy=False, readonly=True, index="btree_not_null")
    pool_previous_user_id = fields.Many2one("res.users", "Previous Salesperson", copy=False, readonly=True)
    pool_locked = fields.Boolean(
        "Locked", copy=False, tracking=True,
        help="A locked deal (锁定) is never returned to the public pool automatically.")
    pool_lock_reason = fields.Char("Lock Reason", copy=False, tracking=True)
    date_reclaim = fields.Datetime(
        "Returns to Pool On", compute="_compute_date_reclaim", store=True, copy=False,  # indexed in init()
        help="When the deal returns to the public pool if nothing happens before.")
    date_reclaim_warning = fields.Datetime(compute="_compute_date_reclaim", store=True, index="btree_not_null",
                                           copy=False)
    reclaim_rule = fields.Selection(
        [("followup", "No follow-up"), ("not_won", "Not won in time")],
        compute="_compute_date_reclaim", store=True, copy=False)
    date_pool_warned = fields.Datetime(copy=False, readonly=True)
    pool_days_left = fields.Integer(
        "Days Before Pool", compute="_compute_pool_days_left",
        help="Whole days left before the deal returns to the public pool.")
    pool_warning = fields.Boolean(
        "Returning to Pool Soon", compute="_compute_pool_days_left", search="_search_pool_warning")
    pool_history_ids = fields.One2many("crm.pool.history", "lead_id", "Holding History")

    def init(self):
        res = super().init()
        # the public pool list, a rep's first page in crm's order (priority desc, id desc): read from an index of
        # the pooled deals only, in that order, with what the list's rules filter on (company, pool): 80 entries
        # for the page, up to the web client's count limit for the count, without visiting the table. Partial:
        # held deals (most of them) have no entry, so their writes do not maintain it; it names pool_id, so
        # uninstalling drops it with the column.
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS sales_funnel_cn_pool_list_index
                ON crm_lead (priority DESC, id DESC) INCLUDE (company_id, pool_id)
             WHERE user_id IS NULL AND pool_id IS NOT NULL AND active""")
        # the reclaim's order (return date, id), held deals only: the cron walks the due deals along it from its
        # cursor, the warnings read the range of deals about to return, lists and counts of what is due a range
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS sales_funnel_cn_date_reclaim_index
                ON crm_lead (date_reclaim, id) WHERE date_reclaim IS NOT NULL""")
        return res

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
            counted = self._pool_counted() if vals.get("active") or self._pool_may_reopen(vals) else None
            result = super().write(vals)
            if vals.get("active") is False or "stage_id" in vals:
                self._pool_close_history_on_outcome()
            if counted is not None:
                self._pool_check_reopened(counted)
            return result
        # a salesperson change through write(): only a manager (or sudo) gets here (_pool_check_write)
        return self._pool_write_owner(vals)

    def _pool_set_owner(self, user, end_reason="reassigned", end_rule=False, start_reason="assigned",
                        start_rule=False):
        """Trusted path of claims, assignments, releases and the reclaim: give these deals to ``user``
        (an empty recordset returns them to the pool) with the holding history's reasons (``end_rule``: one text,
        or {deal id: text}). Private: called on ``sudo()`` by code that has checked who may do it; no context key
        can reach it.

        A deal returned to the pool (release, reclaim) stays in its company, and so in its company's pool: crm
        empties the company of a deal that has no salesperson when its team has none (Odoo's default team), and
        the pool computed from no company would be the pool of whichever company runs the reclaim cron."""
        leads = self.sudo()
        if user:
            return leads._pool_write_owner({"user_id": user.id}, end_reason=end_reason, end_rule=end_rule,
                                           start_reason=start_reason, start_rule=start_rule)
        # protected rather than written: an unchanged company written would still recompute everything that
        # depends on it (pool, grade, lead class, the EB warning...) on every deal of the reclaim; what keeps its
        # value on a return to the pool is protected with it (_pool_kept_on_release)
        kept = [self._fields[name] for name in self._pool_kept_on_release()]
        with self.env.protecting(kept, leads):
            return leads._pool_write_owner({"user_id": False}, end_reason=end_reason, end_rule=end_rule)

    @api.model
    @ormcache()
    def _pool_kept_on_release(self):
        """Stored fields of the deal whose value a return to the pool keeps, protected from recomputation while
        the deals change hands (a reclaim returns thousands at once):
        - the company (the module's rule, see _pool_set_owner) and the sales team (crm's: "setting user as void
          should not trigger a new team computation"), which Odoo would otherwise recompute;
        - the return dates and rule, written with the owner (no owner, no return date: their compute's value);
        - what depends on the owner only through the company or the team: Odoo marks every field that depends,
          even through other fields, on what a change of owner recomputes (the grade, the lead class, the
          pool...). Derived from the registry's dependencies, so a field added later is kept only if what the
          release writes cannot reach it otherwise."""
        kept = {"company_id", "team_id"}
        dependents = defaultdict(set)  # field -> computed fields of the same deal that read it
        for field in self._fields.values():
            for path in self.pool.field_depends.get(field, ()):
                dependents[path.split(".")[0]].add(field.name)

        def reached(sources, through=lambda name: True):
            seen, todo = set(), list(sources)
            while todo:
                name = todo.pop()
                if name not in seen:
                    seen.add(name)
                    if through(name):
                        todo.extend(dependents[name])
            return seen

        changed = reached(RELEASE_WRITES, through=lambda name: name not in kept)
        derived = {name for name in reached(kept) - changed if self._fields[name].store}
        return tuple(sorted(kept | derived | {"date_reclaim", "date_reclaim_warning", "reclaim_rule"}))

    # pylint: disable=super-method-mismatch
    def _pool_write_owner(self, vals, end_reason="reassigned", end_rule=False, start_reason="assigned",
                          start_rule=False):
        """Write ``vals`` (with ``user_id``) and keep the holding history, previous owner and dates.

        It writes through ``super().write``: below this class's own ``write`` (whose checks the trusted caller
        already did) and the outermost system-field guard (the module's own values)."""
        new_user = vals["user_id"] or False
        changed = self.filtered(lambda lead: lead.user_id.id != new_user)
        if not changed:
            return super().write(vals)
        now = fields.Datetime.now()
        changed._pool_close_holdings(now, end_reason, end_rule)
        changed_vals = dict(vals)
        if new_user:
            changed_vals.setdefault("date_claimed", now)
        else:
            changed._pool_keep_previous_owner()
            # a deal without salesperson has no return date (_compute_date_reclaim): written with the owner, the
            # three fields are not recomputed deal by deal after it
            changed_vals.update(date_pooled=now, date_claimed=False, date_reclaim=False, date_reclaim_warning=False,
                                reclaim_rule=False)
        if len(changed) == len(self):
            # every deal changes hands (a claim, a release, the reclaim): one write, one pass of recomputes
            result = super().write(changed_vals)
        else:
            # one write for the whole batch, as crm does it (a batch assignment sets date_open on every deal of
            # it), then what only the deals changing hands get
            result = super().write(vals)
            extra = {key: value for key, value in changed_vals.items() if key not in vals}
            if extra:
                super(CrmLead, changed).write(extra)
        if new_user:
            self.env["crm.pool.history"].sudo().create([{
                "lead_id": lead.id, "user_id": new_user, "pool_id": lead.pool_id.id, "date_start": now,
                "start_reason": start_reason, "rule": start_rule,
            } for lead in changed])
        return result
    # pylint: enable=super-method-mismatch

    def _pool_close_holdings(self, now, end_reason, end_rule):
        """Close the open holding periods of these deals in one statement (``end_rule``: one text for all, or
        {deal id: text}, False keeps the start's). The same statement counts the reclaimed holdings per
        salesperson and team leader for the run's summary (crm.pool.reclaim.count, see ``_pool_send_summaries``)."""
        history = self.env["crm.pool.history"].sudo()
        rules = end_rule if isinstance(end_rule, dict) else dict.fromkeys(self.ids, end_rule or None)
        history.flush_model()
        self.env["crm.lead"].flush_model(["team_id"])
        self.env["crm.team"].flush_model(["user_id"])
        self.env.cr.execute("""
            WITH closed AS (
                UPDATE crm_pool_history h
                   SET date_end = %(now)s, end_reason = %(reason)s, rule = COALESCE(v.rule, h.rule),
                       write_date = %(now)s, write_uid = %(uid)s
                  FROM unnest(%(ids)s::int[], %(rules)s::varchar[]) AS v(lead_id, rule)
                 WHERE h.lead_id = v.lead_id AND h.date_end IS NULL
             RETURNING h.lead_id, h.user_id
            )
            INSERT INTO crm_pool_reclaim_count (user_id, manager_id, count)
            SELECT c.user_id, t.user_id, count(*)
              FROM closed c
              JOIN crm_lead l ON l.id = c.lead_id
         LEFT JOIN crm_team t ON t.id = l.team_id
             WHERE %(reason)s = 'reclaimed'
          GROUP BY 1, 2""", {
            "now": now, "reason": end_reason, "uid": self.env.uid, "ids": list(rules), "rules": list(rules.values()),
        })
        history.invalidate_model(["date_end", "end_reason", "rule", "write_date", "write_uid"])

    def _pool_keep_previous_owner(self):
        """``pool_previous_user_id`` = the current salesperson, deal by deal, stored by the same UPDATE as the rest
        of the change of hands: assigned the way a compute method assigns (a protected field goes to the cache,
        to be flushed with the deal's other values), since ``write`` gives all records one value; a statement of
        its own would rewrite every deal's row once more (measured: 2 s of a 6,000-deal reclaim)."""
        field = self._fields["pool_previous_user_id"]
        with self.env.protecting([field], self):
            for lead in self:
                lead.pool_previous_user_id = lead.user_id
        self.modified(["pool_previous_user_id"])

    def _pool_may_reopen(self, vals):
        """Whether a stage write may make deals count again against their holder's cap: only a move off a won
        stage does (a move between open stages, or onto a won stage, counts nothing more)."""
        if "stage_id" not in vals:
            return False
        won = self.env["crm.stage"]._sfcn_gate_config().won_ids
        return any(lead.stage_id.id in won for lead in self)

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

        The values are those of ``mail.thread._message_log_batch`` (an internal note by the current user, or
        OdooBot on ``sudo()``, no notification); the text is escaped and wrapped in a paragraph here, so the body
        is safe HTML without the per-message sanitiser and Python work of ``mail.message.create``. Measured on
        6,000 deals in batches of 1,000: 0.5-0.9 s this way, 5.6-7.8 s through ``_message_log_batch`` (more
        than the whole plain-crm write the reclaim is held to), hence the statement.
        """
        if not bodies:
            return
        subtype = self.env.ref("mail.mt_note")
        author = self.env.user.partner_id if not self.env.su else self.env.ref("base.partner_root")
        email_from = author.email_formatted or None
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
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
                   %(email_from)s, %(reply_to)s, %(now)s,
                   '<' || md5(random()::text || l.id::text) || '-openerp-' || l.id || '-crm.lead@'
                       || %(host)s || '>',
                   TRUE, FALSE, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(ids)s::int[], %(bodies)s::text[]) AS v(id, body)
              JOIN crm_lead l ON l.id = v.id""", {
            "subtype": subtype.id, "author": author.id, "email_from": email_from, "reply_to": reply_to, "now": now,
            "host": socket.gethostname(), "uid": self.env.uid, "ids": lead_ids, "bodies": html,
        })
        self.env.invalidate_all()
