from datetime import timedelta

from markupsafe import Markup
from markupsafe import escape

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.osv import expression


def _stage_key(stage):
    return (stage.sequence, stage.id)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    check_ids = fields.One2many("crm.lead.check", "lead_id", string="Checklist")
    check_done_count = fields.Integer("Checks Done", compute="_compute_check_progress")
    check_total_count = fields.Integer("Checks", compute="_compute_check_progress")
    check_incomplete = fields.Boolean(
        "Checklist Incomplete", compute="_compute_check_progress", search="_search_check_incomplete",
        help="Required checks of the current stage are not all ticked.")
    gate_skipped = fields.Boolean(
        "Checklist Skipped", copy=False, readonly=True,
        help="The deal moved on while required checks were missing (warn gate or forced move).")
    stage_history_ids = fields.One2many("crm.lead.stage.history", "lead_id")
    pause_until = fields.Date("Paused Until (暂缓)", copy=False, tracking=True)
    pause_reason = fields.Char(copy=False, tracking=True)
    is_paused = fields.Boolean("Paused", compute="_compute_is_paused", search="_search_is_paused")
    is_stale = fields.Boolean("Stale", compute="_compute_is_stale", search="_search_is_stale",
                              help="Open deal in its stage longer than the stage's maximum days.")
    stale_alert_date = fields.Datetime("Stale Alert Sent", copy=False, readonly=True)

    @api.constrains("pause_until", "pause_reason")
    def _check_pause_reason(self):
        if any(lead.pause_until and not (lead.pause_reason or "").strip() for lead in self):
            raise ValidationError(self.env._("A paused deal (暂缓) needs a pause reason."))

    # ------------------------------------------------------------------ computes
    @api.depends("stage_id", "check_ids.done", "check_ids.stage_id", "check_ids.required")
    def _compute_check_progress(self):
        for lead in self:
            current = lead.check_ids.filtered(lambda c, stage=lead.stage_id: c.stage_id == stage)
            lead.check_total_count = len(current)
            lead.check_done_count = len(current.filtered("done"))
            lead.check_incomplete = any(c.required and not c.done for c in current)

    def _search_check_incomplete(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the checklist state."))
        self.env["crm.lead.check"].flush_model()
        self.env["crm.lead"].flush_model(["stage_id"])
        self.env.cr.execute("""
            SELECT DISTINCT c.lead_id FROM crm_lead_check c JOIN crm_lead l ON l.id = c.lead_id
             WHERE c.stage_id = l.stage_id AND c.required AND NOT COALESCE(c.done, false)
        """)
        ids = [r[0] for r in self.env.cr.fetchall()]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    @api.depends("pause_until")
    def _compute_is_paused(self):
        today = fields.Date.context_today(self)
        for lead in self:
            lead.is_paused = bool(lead.pause_until and lead.pause_until >= today)

    def _search_is_paused(self, operator, value):
        positive = (operator == "=") == bool(value)
        today = fields.Date.context_today(self)
        if positive:
            return [("pause_until", ">=", today)]
        return ["|", ("pause_until", "=", False), ("pause_until", "<", today)]

    def _sfcn_default_max_days(self):
        return int(self.env["ir.config_parameter"].sudo().get_param("sales_funnel_cn.default_stage_max_days", 30) or 0)

    @api.depends("stage_id.max_days", "date_last_stage_update", "pause_until", "active", "stage_id.is_won")
    def _compute_is_stale(self):
        now = fields.Datetime.now()
        default = self._sfcn_default_max_days()
        for lead in self:
            limit = lead.stage_id.max_days or default
            lead.is_stale = bool(
                limit and lead.active and lead.type == "opportunity" and lead.stage_id
                and not lead.stage_id.is_won and not lead.is_paused and lead.date_last_stage_update
                and lead.date_last_stage_update < now - timedelta(days=limit))

    def _search_is_stale(self, operator, value):
        """Stale: open opportunity, not paused, in a non-won stage longer than the stage's max days
        (or the default of the settings when the stage has none)."""
        now = fields.Datetime.now()
        default = self._sfcn_default_max_days()
        stages = self.env["crm.stage"].with_context(active_test=False).search([("is_won", "=", False)])
        by_limit = {}
        for stage in stages:
            limit = stage.max_days or default
            if limit:
                by_limit.setdefault(limit, []).append(stage.id)
        stale = expression.OR([
            [("stage_id", "in", ids), ("date_last_stage_update", "<", now - timedelta(days=limit))]
            for limit, ids in by_limit.items()]) if by_limit else [("id", "=", 0)]
        domain = expression.AND([
            [("type", "=", "opportunity"), ("active", "=", True)], self._search_is_paused("=", False), stale])
        positive = (operator == "=") == bool(value)
        if positive:
            return domain
        return [("id", "not in", self.with_context(active_test=False)._search(domain))]

    # ------------------------------------------------------------------ create / write
    @api.model_create_multi
    def create(self, vals_list):
        stages = self.env["crm.stage"]
        for vals in vals_list:
            stage = stages.browse(vals.get("stage_id") or [])
            if stage.fixed_probability and not stage.is_won and "probability" not in vals:
                vals["probability"] = stage.stage_probability
        leads = super().create(vals_list)
        leads._sfcn_after_stage_change({lead.id: (self.env["crm.stage"], False) for lead in leads})
        return leads

    def write(self, vals):
        if "stage_id" not in vals:
            return super().write(vals)
        if "check_ids" in vals:
            # answers ticked in the same save (form, kanban) count before the gate
            self.write({"check_ids": vals["check_ids"]})
            vals = {k: v for k, v in vals.items() if k != "check_ids"}
        new_stage = self.env["crm.stage"].browse(vals["stage_id"])
        moving = self.filtered(lambda lead: lead.stage_id != new_stage)
        if not moving:
            return super().write(vals)
        previous = {lead.id: (lead.stage_id, lead.date_last_stage_update) for lead in moving}
        skipped, answers = moving._sfcn_gate(new_stage)
        if new_stage.fixed_probability and not new_stage.is_won and "probability" not in vals:
            vals = dict(vals, probability=new_stage.stage_probability)
        res = super().write(vals)
        moving._sfcn_after_stage_change(previous, skipped, answers)
        return res

    def _sfcn_read_answers(self, check_ids):
        """{(lead_id, check_id): done} for these deals and checks, in one query."""
        if not check_ids or not self.ids:
            return {}
        self.env["crm.lead.check"].flush_model(["lead_id", "check_id", "done"])
        self.env.cr.execute(
            "SELECT lead_id, check_id, done FROM crm_lead_check WHERE lead_id = ANY(%s) AND check_id = ANY(%s)",
            [list(self.ids), list(check_ids)])
        return {(lead_id, check_id): bool(done) for lead_id, check_id, done in self.env.cr.fetchall()}

    def _sfcn_gate(self, new_stage):
        """Check the required items of every stage a deal moves forward past.

        Returns ({lead_id: [labels of missing checks]} for moves allowed despite missing items (warn gate
        or forced by a manager), {(lead_id, check_id): done} answers read); raises UserError for blocked
        moves. Constant number of queries: the stage checklists come from a cache, answers in one query."""
        forced = self.env.context.get("sfcn_force_reason")
        if forced and not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(self.env._("Only a sales manager can force a deal past its checklist."))
        cmap = self.env["crm.stage.check"]._sfcn_check_map()
        new_key = _stage_key(new_stage)
        candidates = []
        old_keys = [_stage_key(s) for s in self.stage_id]
        if old_keys and not new_stage.is_won and not self.env.context.get("sfcn_skip_gate"):
            low = min(old_keys)
            candidates = [e for e in cmap if e.required and e.gate_mode != "off" and not e.stage_is_won
                          and low <= e.stage_key < new_key]
        answers = self._sfcn_read_answers({e.check_id for e in candidates})
        blocked, skipped = [], {}
        for lead in self:
            if not lead.stage_id:
                continue
            old_key = _stage_key(lead.stage_id)
            for e in candidates:
                if not (old_key <= e.stage_key < new_key) or answers.get((lead.id, e.check_id)):
                    continue
                if lead.team_id and e.team_id and e.team_id != lead.team_id.id:
                    continue
                if e.gate_mode == "block" and not forced:
                    blocked.append((lead, e.check_id))
                else:
                    skipped.setdefault(lead.id, []).append(e.check_id)
        checks = self.env["crm.stage.check"].sudo()

        def label(check_id):
            check = checks.browse(check_id)
            return f"{check.stage_id.name}: {check.name}"

        if blocked:
            lines = "\n".join(f"- {lead.name} / {label(check_id)}" for lead, check_id in blocked)
            raise UserError(self.env._(
                "The deal cannot move forward: these required checks are not ticked:\n%(lines)s",
                lines=lines))
        return {lead_id: [label(c) for c in ids] for lead_id, ids in skipped.items()}, answers

    def _sfcn_after_stage_change(self, previous, skipped=None, answers=None):
        """Stage history, answers to re-confirm on backward moves, checklist rows of the new stage.

        One INSERT whatever the number of deals or checks (history rows and missing checklist rows);
        answers is kept for compatibility (existing answers are skipped by the INSERT itself)."""
        skipped = skipped or {}
        now = fields.Datetime.now()
        forced = self.env.context.get("sfcn_force_reason")
        history, backward = [], []
        for lead in self:
            old_stage, since = previous.get(lead.id, (self.env["crm.stage"], False))
            history.append((
                lead.id, lead.team_id.id or None, old_stage.id or None, lead.stage_id.id or None,
                # no previous stage at creation: NULL, so averages of the time in stage skip the row
                ((now - since).total_seconds() / 86400.0) if since else None,
                ((now - lead.create_date).total_seconds() / 86400.0) if lead.create_date else 0.0,
            ))
            if old_stage and lead.stage_id and _stage_key(lead.stage_id) < _stage_key(old_stage):
                backward.append(lead.id)
        if backward:
            self.env["crm.lead.check"].sudo().search(
                [("lead_id", "in", backward), ("done", "=", True)]).write({"needs_reconfirm": True})
        stage_ids = set(self.stage_id.ids)
        items = [e for e in self.env["crm.stage.check"]._sfcn_check_map() if e.stage_id in stage_ids]
        pairs = [(lead.id, e.check_id) for lead in self for e in items if e.stage_id == lead.stage_id.id]
        self._sfcn_insert_rows(history, pairs, now, forced)
        flagged = self.filtered(lambda lead: lead.id in skipped)
        if flagged:
            flagged.write({"gate_skipped": True})
            for lead in flagged:
                items_html = Markup("").join(Markup("<li>%s</li>") % label for label in skipped[lead.id])
                if forced:
                    intro = escape(self.env._("Stage forced by %(user)s. Reason: %(reason)s",
                                              user=self.env.user.name, reason=forced))
                else:
                    intro = escape(self.env._("Moved on with required checks not ticked:"))
                lead.message_post(body=Markup("<p>%s</p><ul>%s</ul>") % (intro, items_html),
                                  message_type="notification")
        elif forced:
            for lead in self:
                lead.message_post(body=self.env._("Stage forced by %(user)s. Reason: %(reason)s",
                                                  user=self.env.user.name, reason=forced),
                                  message_type="notification")

    def _sfcn_insert_rows(self, history, pairs, now, forced):
        """Insert the stage history rows and the missing checklist rows of a stage write in ONE query,
        whatever the number of deals or checks (an ORM create of both cost more than the stage write).

        history: [(lead, team, from, to, days_in_previous, days_since_create)];
        pairs: [(lead, check)] of the stages entered; existing answers (of an earlier stay) are kept."""
        if pairs:
            self.env["crm.stage.check"].flush_model(["stage_id", "sequence", "required"])
            self.env["crm.stage"].flush_model(["sequence"])
            self.env["crm.lead.check"].flush_model(["lead_id", "check_id"])
        cols = list(zip(*history, strict=True))
        leads, checks = zip(*pairs, strict=True) if pairs else ((), ())
        history_sql = """
            INSERT INTO crm_lead_stage_history
                   (lead_id, team_id, stage_from_id, stage_to_id, days_in_previous, days_since_create,
                    user_id, date, forced_reason, create_uid, create_date, write_uid, write_date)
            SELECT r.lead_id, r.team_id, r.stage_from_id, r.stage_to_id, r.days_prev, r.days_create,
                   %(uid)s, %(now)s, %(forced)s, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(lead)s::int[], %(team)s::int[], %(sfrom)s::int[], %(sto)s::int[],
                          %(dprev)s::float8[], %(dcreate)s::float8[])
                   AS r(lead_id, team_id, stage_from_id, stage_to_id, days_prev, days_create)"""
        checklist_sql = """
            INSERT INTO crm_lead_check
                   (lead_id, check_id, stage_id, stage_sequence, sequence, required, done, needs_reconfirm,
                    create_uid, create_date, write_uid, write_date)
            SELECT p.lead_id, c.id, c.stage_id, s.sequence, c.sequence, c.required, false, false,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(leads)s::int[], %(checks)s::int[]) AS p(lead_id, check_id)
              JOIN crm_stage_check c ON c.id = p.check_id
              JOIN crm_stage s ON s.id = c.stage_id
            ON CONFLICT (lead_id, check_id) DO NOTHING"""
        query = f"WITH history AS ({history_sql}) {checklist_sql}" if pairs else history_sql
        self.env.cr.execute(query, {
            "uid": self.env.uid, "now": now, "forced": forced or None, "lead": list(cols[0]),
            "team": list(cols[1]), "sfrom": list(cols[2]), "sto": list(cols[3]), "dprev": list(cols[4]),
            "dcreate": list(cols[5]), "leads": list(leads), "checks": list(checks)})
        self.env["crm.lead.stage.history"].invalidate_model()
        self.invalidate_recordset(["stage_history_ids", "check_ids", "check_done_count", "check_total_count",
                                   "check_incomplete"])

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        """A merge keeps the most confident deal's stage: recorded in the history, not gated."""
        merged = super(CrmLead, self.with_context(sfcn_skip_gate=True))._merge_opportunity(
            user_id=user_id, team_id=team_id, auto_unlink=auto_unlink, max_length=max_length)
        return merged.with_env(self.env)

    # ------------------------------------------------------------------ actions / cron
    def action_sfcn_force_stage(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead.force.stage",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

    @api.model
    def _cron_stale_deals(self):
        """One activity for the rep and one notification for the team leader per stale deal and stage stay."""
        leads = self.search([("is_stale", "=", True)])
        leads = leads.filtered(lambda lead: not lead.stale_alert_date
                               or lead.stale_alert_date < lead.date_last_stage_update)
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for lead in leads:
            if lead.user_id:
                lead.activity_schedule(
                    activity_type_id=todo.id if todo else False, summary=lead._sfcn_stale_summary(lead.user_id),
                    user_id=lead.user_id.id)
            leader = lead.team_id.user_id
            if leader:
                summary = lead._sfcn_stale_summary(leader)
                lead.message_notify(partner_ids=leader.partner_id.ids, body=summary, subject=summary)
        leads.write({"stale_alert_date": fields.Datetime.now()})
        return leads

    def _sfcn_stale_summary(self, recipient):
        """The stale-deal text in the recipient's language (a cron runs in no user's language)."""
        self.ensure_one()
        lead = self.with_context(lang=recipient.lang or self.env.lang)
        return lead.env._("Stale deal: %(days)s days in %(stage)s",
                          days=lead.days_in_stage, stage=lead.stage_id.name)
