"""The checklist gate of crm.lead's stage writes: which required checks a move needs (entry criteria of
every stage entered or skipped, exit criteria where a template asks for them), warn/block, overrides set by
trusted code, and the create/write override that applies it. The dialog's side is in crm_lead_gate_dialog.py,
the rows a move records in crm_lead_stage_record.py."""



from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

OVERRIDE_KEY = "sfcn_gate_override"


class _GateOverride:
    """A pass through the gate for given deals to a given stage, put in the context by trusted server code
    only (forced move by a manager, template mapping, historical import). It is a Python object: JSON-RPC
    cannot carry one, so no client can send it; any other value under the key is ignored."""

    __slots__ = ("kind", "lead_ids", "reason", "stage_id")

    def __init__(self, kind, reason, lead_ids, stage_id):
        self.kind, self.reason, self.lead_ids, self.stage_id = kind, reason, frozenset(lead_ids), stage_id

    def covers(self, leads, stage):
        return stage.id == self.stage_id and set(leads.ids) <= self.lead_ids


class StageGateError(UserError):
    """The stage gate refused a move (or asks before a warn move); carries what the qualify dialog shows."""

    def __init__(self, message, payload=None):
        super().__init__(message)
        self.context = {"sfcn_gate": payload} if payload else {}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    gate_skipped = fields.Boolean(
        "Checklist Skipped", copy=False, readonly=True,
        help="The deal moved on while required checks were missing (warn gate or forced move).")
    sfcn_historical = fields.Boolean(
        "Entered Before the Checklist", copy=False,
        help="Brought in by a sales manager at a later stage: the checks it never went through are marked "
             "as entered before the checklist. Only a sales manager can set it (e.g. in an import).")

    # ------------------------------------------------------------------ create / write
    @api.model_create_multi
    def create(self, vals_list):
        stages = self.env["crm.stage"]
        if any("sfcn_checks_done" in vals for vals in vals_list):
            self._sfcn_refuse_answers_write()
        for vals in vals_list:
            stage = stages.browse(vals.get("stage_id") or [])
            if stage.fixed_probability and not stage.is_won:
                vals["probability"] = stage.stage_probability
        leads = super().create(vals_list)
        if leads.filtered("sfcn_historical"):  # set by the values, a default_ context key or a saved default
            self._sfcn_check_manager(self.env._("Only a sales manager can bring in deals entered before the "
                                                "checklist."))
        by_stage = {}
        for lead in leads.filtered("stage_id"):
            by_stage.setdefault(lead.stage_id, self.browse())
            by_stage[lead.stage_id] |= lead
        skipped, historical = {}, {}
        for stage, group in by_stage.items():
            hist = group.filtered("sfcn_historical")
            for part, kind in ((group - hist, None), (hist, "historical")):
                if part:
                    override = _GateOverride(kind, self.env._("Entered before the checklist"), part.ids,
                                             stage.id) if kind else None
                    result = part._sfcn_gate(stage, creating=True, override=override)
                    (historical if kind else skipped).update(result)
        leads._sfcn_after_stage_change({lead.id: (self.env["crm.stage"], False) for lead in leads}, skipped)
        if historical:
            leads.filtered(lambda lead: lead.id in historical)._sfcn_mark_historical(historical)
        return leads

    # super().write is called by _sfcn_write_gated
    def write(self, vals):  # pylint: disable=method-required-super
        if "sfcn_checks_done" in vals:
            self._sfcn_refuse_answers_write()
        if "sfcn_historical" in vals:
            self._sfcn_check_manager(self.env._("Only a sales manager can bring in deals entered before the "
                                                "checklist."))
        override = self._sfcn_override()
        teams_before = self._sfcn_teams_before(vals, override)
        res = self._sfcn_write_gated(vals, override)
        if teams_before:
            self._sfcn_follow_team_change(teams_before)
        return res

    def _sfcn_teams_before(self, vals, override):
        """{deal id: team id} before a write that may change the deals' team without naming it (crm computes
        the team from the salesperson and the type: a deal turned back into a lead, a new salesperson), so
        _sfcn_follow_team_change can map the deals whose stage the new team's pipeline does not show."""
        if "team_id" in vals or (override and override.kind == "mapped"):
            return None
        depends = {path.split(".")[0] for path in self.pool.field_depends[self._fields["team_id"]]}
        # crm keeps the team of a deal whose salesperson is removed (and the pool protects it)
        if not any(name in vals for name in depends - {"user_id"}) and not vals.get("user_id"):
            return None
        return {lead.id: lead.team_id.id for lead in self}

    def _sfcn_follow_team_change(self, teams_before):
        """Deals whose team changed as a side effect of a write, onto a stage the new team's pipeline does not
        show (a team running a template, or a funnel stage left on another team), are mapped as a change of
        team is: the stage of nearest probability, logged, gated like a deal entering the pipeline there when a
        salesperson's own write caused it. Teams without a template keep Odoo's behaviour."""
        config = self.env["crm.stage"]._sfcn_gate_config()
        moved = {}
        for lead in self:
            tid = lead.team_id.id
            if tid == teams_before.get(lead.id) or not lead.stage_id:
                continue
            entry = config.by_id.get(lead.stage_id.id)
            own = config.pipeline(tid)[1]
            if lead.stage_id.id not in config.pipeline_ids(tid) and (own or (entry and entry.template_id)):
                moved.setdefault(tid, self.browse())
                moved[tid] |= lead
        gate = not self.env.su
        for tid, leads in moved.items():
            leads._sfcn_move_stage_mapped(config.pipeline(tid)[0], self.env._("Sales team changed"),
                                          gate_team=tid if gate else None)

    # pylint: disable=super-method-mismatch
    def _sfcn_write_gated(self, vals, override):
        """The write, with the change of team mapped and a change of stage through the gate."""
        if "team_id" in vals and not (override and override.kind == "mapped"):
            res = self._sfcn_switch_team(vals)
            if res is not None:
                return res
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
        if vals.get("sfcn_historical") and not override:
            override = _GateOverride("historical", self.env._("Entered before the checklist"), moving.ids,
                                     new_stage.id)
        if override and not override.covers(moving, new_stage):
            override = None
        # the trigger reads the stage left and the date it was entered from the row: a change of either still in
        # the ORM's cache (two moves in one transaction) is written first (no query when there is none)
        moving.flush_recordset(["stage_id", "date_last_stage_update"])
        previous = {lead.id: (lead.stage_id, lead.date_last_stage_update) for lead in moving}
        config = self.env["crm.stage"]._sfcn_gate_config()
        # a refused move raises here, with nothing written; the move's history and checklist rows are written
        # by crm_lead's trigger with the deals' UPDATE (crm_lead_stage_history.py)
        skipped = moving._sfcn_gate(new_stage, team_id=vals.get("team_id"), override=override, config=config)
        if new_stage.fixed_probability and not new_stage.is_won:
            vals = dict(vals, probability=new_stage.stage_probability)
        res = super().write(vals)
        moving._sfcn_invalidate_records()
        if override and override.kind in ("forced", "mapped"):
            moving._sfcn_mark_forced(override.reason)
        moving._sfcn_reconfirm_backward(previous, config)
        if override and override.kind == "historical":
            moving._sfcn_log_gate_moves({}, override)
            moving._sfcn_mark_historical(skipped)
        else:
            moving._sfcn_log_gate_moves(skipped, override)
        return res
    # pylint: enable=super-method-mismatch

    def _handle_won_lost(self, vals):
        """crm counts wins and losses for its predictive scoring (crm.lead.scoring.frequency) and looks the won
        stages up in one query per write to find them. The module's stage cache (GateConfig, read by the gate
        anyway, cleared whenever a stage's is_won changes) answers that look-up: a move of deals that neither
        reach nor leave a won stage, without archiving or restoring, changes no count, so crm is not called.
        Any other change goes through crm's method unchanged."""
        if "active" not in vals:
            won = self.env["crm.stage"]._sfcn_gate_config().won_ids
            if vals.get("stage_id") not in won and not any(lead.stage_id.id in won for lead in self):
                return None
        return super()._handle_won_lost(vals)

    def _sfcn_refuse_answers_write(self):
        """What the gate reads of a deal's answers follows its checklist (an ORM compute, which never calls
        write): nobody writes it, an administrator neither; trusted code on sudo() may (repairs, migrations)."""
        if not self.env.su:
            raise UserError(self.env._("The checks a deal answered follow its checklist: tick the checks "
                                       "instead."))

    def _sfcn_check_manager(self, message):
        if not self.env.user._sfcn_is_sales_manager():
            raise UserError(message)

    def _sfcn_override(self):
        """The gate override set by trusted server code (a Python object: no client can send one)."""
        override = self.env.context.get(OVERRIDE_KEY)
        return override if isinstance(override, _GateOverride) else None

    def _sfcn_read_answers(self, check_ids):
        """{(lead_id, check_id): True} of these checks the deals answered as done, from the deals' own row
        (sfcn_checks_done): no query."""
        wanted = set(check_ids)
        return {(lead.id, check_id): True for lead in self for check_id in lead._sfcn_done_check_ids() & wanted}

    def _sfcn_gated_stages(self, pipeline, old_key, new_key):
        """Stages of a pipeline whose checks a move from old_key (None: a new deal, entering at the
        pipeline's first stage) to new_key must satisfy: entry criteria of every stage entered or skipped,
        exit criteria of every stage left or skipped. Backward moves: none.

        A deal is created at the first stage before anyone could answer that stage's checks: they are asked
        when it moves on from there (or is created further on), so no stage's entry criteria go unchecked."""
        first = pipeline[0].key if pipeline else None
        low = first if old_key is None else old_key
        if low is None or new_key <= low:
            return []
        gated = []
        for s in pipeline:
            if s.gate_mode == "off":
                continue
            if s.gate_timing == "entry" and (low < s.key <= new_key or s.key == low == first):
                gated.append(s)
            elif s.gate_timing == "exit" and not s.is_won and low <= s.key < new_key:
                gated.append(s)
        return gated

    def _sfcn_gate(self, new_stage, creating=False, team_id=None, override=None, from_start=False, config=None):
        """Check the required items a move to new_stage needs (see _sfcn_gated_stages).

        Returns {lead_id: [check ids missing]} for moves allowed despite missing items (warn gate, forced by
        a manager, historical import); raises StageGateError for refused moves. No query: stages and
        checklists come from caches, answers from the deals' rows."""
        if override and override.kind == "mapped":
            return {}
        plan = self._sfcn_gate_plan(new_stage, team_id, creating or from_start, config=config)
        if not plan:
            return {}
        answers = {} if creating else self._sfcn_read_answers({e.check_id for _l, items in plan for _s, e in items})
        return self._sfcn_gate_verdict(new_stage, plan, answers, override)

    def _sfcn_raise_foreign_stage(self, stage, team_id):
        team = self.env["crm.team"].browse(team_id)
        if not team:
            raise UserError(self.env._(
                "The stage %(stage)s belongs to the funnel of another sales team: set the deal's sales team first.",
                stage=stage.display_name))
        raise UserError(self.env._(
            "The stage %(stage)s is not in the pipeline of the sales team %(team)s.",
            stage=stage.display_name, team=team.display_name))

    def _sfcn_gate_verdict(self, new_stage, plan, answers, override):
        """Apply the gate's plan to the answers ({(lead id, check id): done}): raise StageGateError for a
        refused move, else return {lead id: [check ids missing]} of the moves allowed despite them."""
        blocked, skipped, warned = {}, {}, {}
        ask = self.env.context.get("sfcn_gate_ask")  # presentation only: the web client asks before a warn move
        for lead, items in plan:
            for stage, e in items:
                if answers.get((lead.id, e.check_id)):
                    continue
                if override or stage.gate_mode != "block":
                    skipped.setdefault(lead.id, []).append(e.check_id)
                if not override and stage.gate_mode == "block":
                    blocked.setdefault(lead, []).append(e.check_id)
                elif not override and ask:
                    warned.setdefault(lead, []).append(e.check_id)
        if blocked or warned:
            self._sfcn_raise_gate(new_stage, blocked or warned, "block" if blocked else "warn")
        return skipped

    def _sfcn_gate_plan(self, new_stage, team_id, from_start, config=None):
        """[(lead, [(stage entry, check entry)])]: the required checks each deal needs for the move; refuses
        a stage its team's funnel does not show."""
        config = config or self.env["crm.stage"]._sfcn_gate_config()
        target = config.by_id.get(new_stage.id)
        new_key = config.key(new_stage)
        items_by_stage = config.checks_by_stage
        plan = []
        for lead in self:
            tid = team_id if team_id is not None else lead.team_id.id
            pipeline, own = config.pipeline(tid)
            in_pipeline = config.pipeline_ids(tid)
            # a team running a template uses its funnel's stages only, and a funnel's stages belong to their team
            # (on every client path; trusted server code may still put one elsewhere, as crm's own tests do)
            if new_stage.id not in in_pipeline and (own or (target and target.template_id and not self.env.su)):
                self._sfcn_raise_foreign_stage(new_stage, tid)
            if target is None:
                continue
            # a deal on a stage its pipeline does not show (e.g. left there by a change of team) enters the
            # pipeline: gated from its start, never "backward"
            old_key = None if from_start or lead.stage_id.id not in in_pipeline else config.key(lead.stage_id)
            gated = self._sfcn_gated_stages(pipeline, old_key, new_key)
            items = [(s, e) for s in gated for e in items_by_stage.get(s.id, ()) if e.required]
            if items:
                plan.append((lead, items))
        return plan
