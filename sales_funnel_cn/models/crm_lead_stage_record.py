"""What a stage move leaves behind: the stage history row, the checklist rows of the stage entered and of the
next one, answers to re-confirm after a backward move, the chatter of warn/forced/mapped moves, and the
checklist progress shown on the deal."""


from markupsafe import Markup
from markupsafe import escape

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from .crm_lead_stage_history import RECORD_FUNCTION

# sfcn_checks_done of deals whose answers were written in SQL (the install's "entered before the checklist")
CHECKS_DONE_SQL = """
    UPDATE crm_lead l SET sfcn_checks_done = a.ids
      FROM (SELECT lead_id, string_agg(check_id::text, ' ' ORDER BY check_id) AS ids
              FROM crm_lead_check WHERE done GROUP BY lead_id) a
     WHERE l.id = a.lead_id AND l.sfcn_checks_done IS DISTINCT FROM a.ids"""


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
    # what the stage gate reads: kept by the ORM with every tick, on the deal's row, which a stage write loads
    # anyway (no query of its own); a tick and a move of the same deal in two transactions write the same row,
    # so PostgreSQL serialises them
    sfcn_checks_done = fields.Char(
        "Checks Answered", compute="_compute_checks_done", store=True, copy=False, exportable=False,
        help="The checklist items this deal answered as done (their ids, in order): what the stage gate reads.")

    # ------------------------------------------------------------------ computes
    @api.depends("stage_id", "check_ids.done", "check_ids.stage_id", "check_ids.required")
    def _compute_check_progress(self):
        for lead in self:
            current = lead.check_ids.filtered(lambda c, stage=lead.stage_id: c.stage_id == stage)
            lead.check_total_count = len(current)
            lead.check_done_count = len(current.filtered("done"))
            lead.check_incomplete = any(c.required and not c.done for c in current)

    @api.depends("check_ids.done", "check_ids.check_id")
    def _compute_checks_done(self):
        # the same text as CHECKS_DONE_SQL (a test compares both)
        for lead in self:
            lead.sfcn_checks_done = " ".join(map(str, sorted(lead.check_ids.filtered("done").check_id.ids))) or False

    def _sfcn_done_check_ids(self):
        """The ids of the checklist items this deal answered as done."""
        self.ensure_one()
        return {int(check_id) for check_id in (self.sfcn_checks_done or "").split()}

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
        of the next one (what qualifies the deal for its next step), for deals already written (create;
        a stage write is recorded by crm_lead's trigger, see crm_lead_stage_history.py).

        One query whatever the number of deals or checks (the same SQL function the trigger runs)."""
        forced = override.reason if override and override.kind in ("forced", "mapped") else None
        self._sfcn_record_entries(previous, forced)
        self._sfcn_reconfirm_backward(previous)
        self._sfcn_log_gate_moves(skipped or {}, override)

    def _sfcn_record_entries(self, previous, forced):
        """Record these new deals (created, not yet recorded) entering their stage with sfcn_record_stage_entry.

        previous: {lead id: (stage left, date it was entered)}."""
        if not self:
            return
        # crm computes the stage of a deal created without one after the INSERT: the trigger records that
        # UPDATE, and such deals are left out below
        self.flush_recordset(["stage_id"])
        no_stage = self.env["crm.stage"]
        rows = []
        for lead in self:
            old_stage, since = previous.get(lead.id, (no_stage, False))
            rows.append((lead.id, lead.team_id.id or None, old_stage.id or None, lead.stage_id.id or None,
                         since or None, lead.create_date or None))
        self.env["crm.lead.check"].flush_model()
        cols = list(zip(*rows, strict=True))
        self.env.cr.execute(f"""
            SELECT {RECORD_FUNCTION}(r.lead, r.team, r.stage_from, r.stage_to, r.since, r.created, %(uid)s,
                                     %(now)s, %(forced)s)
              FROM unnest(%(lead)s::int[], %(team)s::int[], %(sfrom)s::int[], %(sto)s::int[],
                          %(since)s::timestamp[], %(created)s::timestamp[])
                   AS r(lead, team, stage_from, stage_to, since, created)
             WHERE NOT EXISTS (SELECT 1 FROM crm_lead_stage_history h WHERE h.lead_id = r.lead)""", {
            "uid": self.env.uid, "now": self.env.cr.now(), "forced": forced or None, "lead": list(cols[0]),
            "team": list(cols[1]), "sfrom": list(cols[2]), "sto": list(cols[3]), "since": list(cols[4]),
            "created": list(cols[5])})
        self._sfcn_invalidate_records()

    def _sfcn_invalidate_records(self):
        """Forget the cached stage history and checklist of these deals: rows written in SQL are new (none is in
        the cache: the records already cached are left alone)."""
        self.invalidate_recordset(["stage_history_ids", "check_ids", "check_done_count", "check_total_count",
                                   "check_incomplete"])

    def _sfcn_mark_forced(self, reason):
        """The history rows of the move just written (the trigger's, each deal's latest) carry the reason of
        a forced or mapped move."""
        self.flush_recordset(["stage_id"])
        self.env.cr.execute("""
            UPDATE crm_lead_stage_history SET forced_reason = %s
             WHERE id IN (SELECT max(id) FROM crm_lead_stage_history WHERE lead_id = ANY(%s) GROUP BY lead_id)""",
                            [reason, self.ids])
        self.env["crm.lead.stage.history"].invalidate_model(["forced_reason"])

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
