"""What a stage move leaves behind: the stage history row, the checklist rows of the stage entered and of the
next one, answers to re-confirm after a backward move, the chatter of warn/forced/mapped moves, and the
checklist progress shown on the deal."""


from markupsafe import Markup
from markupsafe import escape

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError


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
    stage_history_ids = fields.One2many("crm.lead.stage.history", "lead_id")

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

    def _sfcn_answer_up_to_stage(self, note=None):
        """Trusted code (demo data, tests): answer the required checks of every gated stage a deal has
        entered (its stage and the stages before it in its pipeline), as the current user."""
        Check = self.env["crm.lead.check"].sudo()
        config = self.env["crm.stage"]._sfcn_gate_config()
        items_by_stage = config.checks_by_stage
        for lead in self.filtered("stage_id"):
            key = _stage_key(lead.stage_id)
            reached = [s for s in self._sfcn_pipeline(lead.team_id.id)[0] if s.key <= key]
            wanted = {e.check_id for s in reached for e in items_by_stage.get(s.id, ()) if e.required}
            rows = {r.check_id.id: r for r in lead.check_ids}
            for check_id in wanted:
                row = rows.get(check_id)
                if row and not row.done:
                    row.write({"done": True, "note": note or row.note})
                elif not row:
                    Check.create({"lead_id": lead.id, "check_id": check_id, "done": True, "note": note})
        return True

    def _sfcn_mark_historical(self, missing):
        """Checks a deal brought in by a manager never went through: answered as "entered before the
        checklist", by the manager, in the audit trail."""
        note = self.env._("Entered before the checklist")
        Check = self.env["crm.lead.check"].sudo()
        rows = Check.search([("lead_id", "in", self.ids)])
        by_key = {(r.lead_id.id, r.check_id.id): r for r in rows}
        to_create = []
        for lead in self:
            for check_id in missing.get(lead.id, []):
                row = by_key.get((lead.id, check_id))
                if row:
                    row.write({"done": True, "note": note})
                else:
                    to_create.append({"lead_id": lead.id, "check_id": check_id, "done": True, "note": note})
        if to_create:
            Check.create(to_create)
        for lead in self:
            lead.message_post(
                body=self.env._("Brought in by %(user)s at %(stage)s, entered before the checklist: %(count)s "
                                "checks marked as such.", user=self.env.user.name, stage=lead.stage_id.name,
                                count=len(missing.get(lead.id, []))),
                message_type="notification")

    def _sfcn_after_stage_change(self, previous, skipped=None, override=None):
        """Stage history, answers to re-confirm on backward moves, checklist rows of the stage entered and
        of the next one (what qualifies the deal for its next step), for deals already written (create).

        One INSERT whatever the number of deals or checks (history rows and missing checklist rows)."""
        forced = override.reason if override and override.kind in ("forced", "mapped") else None
        history, pairs = self._sfcn_stage_rows(previous)
        self._sfcn_insert_rows(history, pairs, forced)
        self._sfcn_reconfirm_backward(previous)
        self._sfcn_log_gate_moves(skipped or {}, override)

    def _sfcn_stage_rows(self, previous, stage=None, team_id=None, config=None):
        """(history rows, checklist pairs) of these deals entering ``stage`` in the pipeline of ``team_id``
        (None: their current stage and team), for _sfcn_insert_rows. Reads only caches and the deals.

        previous: {lead id: (stage left, date it was entered)}."""
        config = config or self.env["crm.stage"]._sfcn_gate_config()
        now = fields.Datetime.now()
        no_stage = self.env["crm.stage"]
        items_by_stage = config.checks_by_stage
        history, pairs = [], []
        for lead in self:
            old_stage, since = previous.get(lead.id, (no_stage, False))
            new_stage = lead.stage_id if stage is None else stage
            tid = lead.team_id.id if team_id is None else team_id
            history.append((
                lead.id, tid or None, old_stage.id or None, new_stage.id or None,
                # no previous stage at creation: NULL, so averages of the time in stage skip the row
                ((now - since).total_seconds() / 86400.0) if since else None,
                ((now - lead.create_date).total_seconds() / 86400.0) if lead.create_date else 0.0,
            ))
            if not new_stage:
                continue
            key = config.key(new_stage)
            nxt = next((s.id for s in config.pipeline(tid)[0] if s.key > key), None)
            for stage_id in (new_stage.id, nxt):
                pairs.extend((lead.id, e) for e in items_by_stage.get(stage_id, ()))
        return history, pairs

    def _sfcn_reconfirm_backward(self, previous, config=None):
        """Answers of deals moved backward are marked for re-confirmation."""
        key = (config or self.env["crm.stage"]._sfcn_gate_config()).key
        backward = [lead.id for lead in self if previous.get(lead.id, (None,))[0] and lead.stage_id
                    and key(lead.stage_id) < key(previous[lead.id][0])]
        if backward:
            self.env["crm.lead.check"].sudo().search(
                [("lead_id", "in", backward), ("done", "=", True)]).write({"needs_reconfirm": True})

    def _sfcn_log_gate_moves(self, skipped, override):
        """Flag and log the moves made with checks missing (warn, forced) and the forced or mapped moves."""
        forced = override.reason if override and override.kind in ("forced", "mapped") else None
        flagged = self.filtered(lambda lead: lead.id in skipped)
        checks = self.env["crm.stage.check"].sudo()
        if flagged:
            flagged.sudo().write({"gate_skipped": True})  # a system flag (sfcn_access.SYSTEM_FIELDS)
            for lead in flagged:
                items_html = Markup("").join(
                    Markup("<li>%s: %s</li>") % (check.stage_id.name, check.name)
                    for check in checks.browse(skipped[lead.id]))
                if forced and override.kind == "forced":
                    intro = escape(self.env._("Stage forced by %(user)s. Reason: %(reason)s",
                                              user=self.env.user.name, reason=forced))
                else:
                    intro = escape(self.env._("Moved on with required checks not ticked:"))
                lead.message_post(body=Markup("<p>%s</p><ul>%s</ul>") % (intro, items_html),
                                  message_type="notification")
        elif forced:
            for lead in self:
                if override.kind == "forced":
                    body = self.env._("Stage forced by %(user)s. Reason: %(reason)s",
                                      user=self.env.user.name, reason=forced)
                else:
                    body = self.env._("Stage mapped to %(stage)s by %(user)s: %(reason)s",
                                      stage=lead.stage_id.name, user=self.env.user.name, reason=forced)
                lead.message_post(body=body, message_type="notification")

    def _sfcn_insert_rows(self, history, pairs, forced, read=(), hold=()):
        """Insert the stage history rows and the missing checklist rows of a stage write in ONE query,
        whatever the number of deals or checks (an ORM create of both cost more than the stage write).

        history: [(lead, team, from, to, days_in_previous, days_since_create)];
        pairs: [(lead, CheckEntry)] of the stages entered; existing answers (of an earlier stay) are kept.
        read: check ids whose answers by these deals the same query returns, {(lead, check): done};
        hold: [(lead, check)] that must be answered (done) for anything to be inserted."""
        if not history:
            return {}
        # crm's clock for date_last_stage_update (the transaction's): a history row and the deal agree
        now = self.env.cr.now()
        self.env["crm.lead.check"].flush_model(["lead_id", "check_id", "done"])
        cols = list(zip(*history, strict=True))
        # the checklist rows' values come from the gate's cache of the checks (no join in the statement)
        leads = [lead for lead, _e in pairs]
        entries = [e for _lead, e in pairs]
        hold_leads, hold_checks = zip(*hold, strict=True) if hold else ((), ())
        self.env.cr.execute("""
            WITH answers AS (
                SELECT lead_id, check_id, done FROM crm_lead_check
                 WHERE lead_id = ANY(%(lead)s::int[]) AND check_id = ANY(%(read)s::int[])
            ), passed AS (
                SELECT NOT EXISTS (
                    SELECT 1 FROM unnest(%(hleads)s::int[], %(hchecks)s::int[]) AS h(lead_id, check_id)
                     WHERE NOT EXISTS (SELECT 1 FROM answers a
                                        WHERE a.lead_id = h.lead_id AND a.check_id = h.check_id AND a.done)
                ) AS ok
            ), history AS (
                INSERT INTO crm_lead_stage_history
                       (lead_id, team_id, stage_from_id, stage_to_id, days_in_previous, days_since_create,
                        user_id, date, forced_reason, create_uid, create_date, write_uid, write_date)
                SELECT r.lead_id, r.team_id, r.stage_from_id, r.stage_to_id, r.days_prev, r.days_create,
                       %(uid)s, %(now)s, %(forced)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(lead)s::int[], %(team)s::int[], %(sfrom)s::int[], %(sto)s::int[],
                              %(dprev)s::float8[], %(dcreate)s::float8[])
                       AS r(lead_id, team_id, stage_from_id, stage_to_id, days_prev, days_create)
                 WHERE (SELECT ok FROM passed)
            ), checklist AS (
                INSERT INTO crm_lead_check
                       (lead_id, check_id, stage_id, stage_sequence, sequence, required, done, needs_reconfirm,
                        create_uid, create_date, write_uid, write_date)
                SELECT p.lead_id, p.check_id, p.stage_id, p.stage_sequence, p.sequence, p.required, false, false,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(leads)s::int[], %(checks)s::int[], %(cstages)s::int[], %(cstageseqs)s::int[],
                              %(cseqs)s::int[], %(creqs)s::bool[])
                       AS p(lead_id, check_id, stage_id, stage_sequence, sequence, required)
                 WHERE (SELECT ok FROM passed)
                ON CONFLICT (lead_id, check_id) DO NOTHING
            )
            SELECT lead_id, check_id, done FROM answers""", {
            "uid": self.env.uid, "now": now, "forced": forced or None, "lead": list(cols[0]),
            "team": list(cols[1]), "sfrom": list(cols[2]), "sto": list(cols[3]), "dprev": list(cols[4]),
            "dcreate": list(cols[5]), "leads": leads, "checks": [e.check_id for e in entries],
            "cstages": [e.stage_id for e in entries], "cstageseqs": [e.stage_key[0] for e in entries],
            "cseqs": [e.sequence for e in entries], "creqs": [e.required for e in entries], "read": list(read),
            "hleads": list(hold_leads), "hchecks": list(hold_checks)})
        answers = {(lead_id, check_id): bool(done) for lead_id, check_id, done in self.env.cr.fetchall()}
        self.env["crm.lead.stage.history"].invalidate_model()
        self.invalidate_recordset(["stage_history_ids", "check_ids", "check_done_count", "check_total_count",
                                   "check_incomplete"])
        return answers
