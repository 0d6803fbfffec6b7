from datetime import timedelta

from markupsafe import Markup
from markupsafe import escape

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.osv import expression

from .crm_stage import PIPELINE_STAGES_KEY
from .sfcn_settings import sfcn_settings

OVERRIDE_KEY = "sfcn_gate_override"


def _stage_key(stage):
    return (stage.sequence, stage.id)


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

    # stage suggestions (search bar, dropdowns) follow the pipelines in view: crm.stage.name_search
    stage_id = fields.Many2one(context={PIPELINE_STAGES_KEY: True})
    check_ids = fields.One2many("crm.lead.check", "lead_id", string="Checklist")
    check_done_count = fields.Integer("Checks Done", compute="_compute_check_progress")
    check_total_count = fields.Integer("Checks", compute="_compute_check_progress")
    check_incomplete = fields.Boolean(
        "Checklist Incomplete", compute="_compute_check_progress", search="_search_check_incomplete",
        help="Required checks of the current stage are not all ticked.")
    gate_skipped = fields.Boolean(
        "Checklist Skipped", copy=False, readonly=True,
        help="The deal moved on while required checks were missing (warn gate or forced move).")
    sfcn_historical = fields.Boolean(
        "Entered Before the Checklist", copy=False,
        help="Brought in by a sales manager at a later stage: the checks it never went through are marked "
             "as entered before the checklist. Only a sales manager can set it (e.g. in an import).")
    sfcn_stage_ids = fields.Many2many("crm.stage", compute="_compute_sfcn_stage_ids", string="Pipeline Stages")
    stage_coaching = fields.Text(related="stage_id.coaching_prompts", string="Coaching Questions")
    stage_core_skills = fields.Text(related="stage_id.core_skills", string="Core Skills")
    stage_id_description = fields.Text(related="stage_id.stage_description", string="Stage Status")
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

    @api.depends("stage_id.max_days", "date_last_stage_update", "pause_until", "active", "stage_id.is_won",
                 "company_id.sfcn_default_stage_max_days")
    def _compute_is_stale(self):
        now = fields.Datetime.now()
        for lead in self:
            # a stage without its own limit: the deal's company's default (Default Days Before Stale)
            limit = lead.stage_id.max_days or lead._sfcn_company().sfcn_default_stage_max_days
            lead.is_stale = bool(
                limit and lead.active and lead.type == "opportunity" and lead.stage_id
                and not lead.stage_id.is_won and not lead.is_paused and lead.date_last_stage_update
                and lead.date_last_stage_update < now - timedelta(days=limit))

    def _search_is_stale(self, operator, value):
        """Stale: open opportunity, not paused, in a non-won stage longer than the stage's max days
        (or, when the stage has none, the default of the deal's company, of the current one without)."""
        now = fields.Datetime.now()
        stages = self.env["crm.stage"].with_context(active_test=False).search([("is_won", "=", False)])
        by_limit = {}
        for stage in stages.filtered("max_days"):
            by_limit.setdefault(stage.max_days, []).append(stage.id)
        clauses = [[("stage_id", "in", ids), ("date_last_stage_update", "<", now - timedelta(days=limit))]
                   for limit, ids in by_limit.items()]
        no_limit = stages.filtered(lambda stage: not stage.max_days).ids
        if no_limit:
            companies_by_default = self.env["res.company"].sudo().with_context(active_test=False)._read_group(
                [("sfcn_default_stage_max_days", ">", 0)], ["sfcn_default_stage_max_days"], ["id:array_agg"])
            current = sfcn_settings(self.env).sfcn_default_stage_max_days
            for limit, company_ids in companies_by_default:
                of_company = [("company_id", "in", company_ids)]
                if limit == current:
                    of_company = expression.OR([of_company, [("company_id", "=", False)]])
                clauses.append(expression.AND([
                    [("stage_id", "in", no_limit), ("date_last_stage_update", "<", now - timedelta(days=limit))],
                    of_company]))
        stale = expression.OR(clauses) if clauses else [("id", "=", 0)]
        domain = expression.AND([
            [("type", "=", "opportunity"), ("active", "=", True)], self._search_is_paused("=", False), stale])
        positive = (operator == "=") == bool(value)
        if positive:
            return domain
        return [("id", "not in", self.with_context(active_test=False)._search(domain))]

    # ------------------------------------------------------------------ pipelines
    @api.depends("team_id")
    def _compute_sfcn_stage_ids(self):
        Stage = self.env["crm.stage"]
        for lead in self:
            lead.sfcn_stage_ids = Stage.browse([s.id for s in self._sfcn_pipeline(lead.team_id.id)[0]])

    @api.model
    def _sfcn_pipeline(self, team_id):
        """(stage entries of a team's pipeline in stage order, whether the team runs a funnel template):
        see GateConfig.pipeline (cached)."""
        return self.env["crm.stage"]._sfcn_gate_config().pipeline(team_id)

    @api.model
    def _sfcn_nearest_stage(self, pipeline, probability, won):
        """The pipeline stage of nearest probability (a won deal goes to the pipeline's won stage)."""
        if won:
            won_stages = [s for s in pipeline if s.is_won]
            if won_stages:
                return won_stages[0]
        candidates = [s for s in pipeline if not s.is_won] or pipeline
        return min(candidates, key=lambda s: (abs((s.probability or 0.0) - (probability or 0.0)), s.key))

    def _stage_find(self, team_id=False, domain=None, order="sequence, id", limit=1):
        """A team running a funnel template finds its stages among its template's stages only."""
        team_ids = ({team_id} if team_id else set()) | set(self.team_id.ids)
        if len(team_ids) == 1:
            tid = next(iter(team_ids))
            template = self.env["crm.team"]._sfcn_team_templates().get(tid)
            if template:
                stages = self.env["crm.stage"].search(
                    expression.AND([[("team_id", "=", tid), ("funnel_template_id", "=", template)],
                                    list(domain or [])]), order=order, limit=limit)
                if stages:
                    return stages
        return super()._stage_find(team_id=team_id, domain=domain, order=order, limit=limit)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        """Kanban columns: a team running a funnel template shows its template's stages, not Odoo's. The team
        is the context's default team, else the one the domain filters on, else the user's own team (Odoo 18's
        pipeline action sets no default team)."""
        team_id = self.env.context.get("default_team_id")  # presentation only: which columns to show
        if not isinstance(team_id, int):
            leaves = [leaf for leaf in (domain or []) if isinstance(leaf, list | tuple) and len(leaf) == 3
                      and leaf[0] == "team_id" and leaf[1] in ("=", "in")]
            values = [v for leaf in leaves for v in (leaf[2] if isinstance(leaf[2], list | tuple) else [leaf[2]])]
            team_id = values[0] if len(values) == 1 else self.env.user.sale_team_id.id
        template = self.env["crm.team"]._sfcn_team_templates().get(team_id) if isinstance(team_id, int) else None
        if not template:
            return super()._read_group_stage_ids(stages, domain)
        search_domain = ["|", ("id", "in", stages.ids), "&", ("team_id", "=", team_id),
                         ("funnel_template_id", "=", template)]
        stage_ids = stages.sudo()._search(search_domain, order=stages._order)
        return stages.browse(stage_ids)

    @api.depends(lambda self: ["stage_id", "team_id", *self._pls_get_safe_fields()])
    def _compute_probabilities(self):
        """A stage whose probability follows the stage gives it on every path, the form's included
        (the form would otherwise show and save the predicted probability)."""
        res = super()._compute_probabilities()
        for lead in self:
            stage = lead.stage_id
            if stage.fixed_probability and not stage.is_won and lead.active:
                lead.probability = stage.stage_probability
        return res

    # ------------------------------------------------------------------ create / write
    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("sfcn_historical") for vals in vals_list):
            self._sfcn_check_manager(self.env._("Only a sales manager can bring in deals entered before the "
                                                "checklist."))
        stages = self.env["crm.stage"]
        for vals in vals_list:
            stage = stages.browse(vals.get("stage_id") or [])
            if stage.fixed_probability and not stage.is_won:
                vals["probability"] = stage.stage_probability
        leads = super().create(vals_list)
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

    def write(self, vals):
        if "sfcn_historical" in vals:
            self._sfcn_check_manager(self.env._("Only a sales manager can bring in deals entered before the "
                                                "checklist."))
        override = self._sfcn_override()
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
        previous = {lead.id: (lead.stage_id, lead.date_last_stage_update) for lead in moving}
        config = self.env["crm.stage"]._sfcn_gate_config()
        skipped = moving._sfcn_gate_and_record(new_stage, vals.get("team_id"), override, previous, config)
        if new_stage.fixed_probability and not new_stage.is_won:
            vals = dict(vals, probability=new_stage.stage_probability)
        res = super().write(vals)
        moving._sfcn_reconfirm_backward(previous, config)
        if override and override.kind == "historical":
            moving._sfcn_log_gate_moves({}, override)
            moving._sfcn_mark_historical(skipped)
        else:
            moving._sfcn_log_gate_moves(skipped, override)
        return res

    def _sfcn_gate_and_record(self, new_stage, team_id, override, previous, config):
        """The stage write's own work in ONE query, before the deals are written: read the answers the gate
        needs and, only when no answer the gate insists on is missing, insert the stage history rows and the
        checklist rows of the stage entered (and the next one). Then apply the gate to the answers read:
        a refused move raises StageGateError with nothing written. Returns what _sfcn_gate returns.

        team_id: the deals' team after the write (None: their current team); config: the GateConfig."""
        plan = [] if override and override.kind == "mapped" else \
            self._sfcn_gate_plan(new_stage, team_id, False, config=config)
        hold = self._sfcn_gate_hold(plan, override)
        history, pairs = self._sfcn_stage_rows(previous, new_stage, team_id, config=config)
        forced = override.reason if override and override.kind in ("forced", "mapped") else None
        read = {e.check_id for _lead, items in plan for _s, e in items}
        answers = self._sfcn_insert_rows(history, pairs, forced, read=read, hold=hold)
        return self._sfcn_gate_verdict(new_stage, plan, answers, override) if plan else {}

    def _sfcn_switch_team(self, vals):
        """Moving deals to a team that runs a funnel template maps each deal whose stage that pipeline does
        not show to the stage of nearest probability (one logged move per deal, not gated: the deal keeps
        what it had verified). Returns None when there is nothing to map."""
        pipeline = self._sfcn_pipeline(vals["team_id"])[0]
        ids = {s.id for s in pipeline}
        to_map = self.filtered(lambda lead: lead.stage_id and lead.stage_id.id not in ids)
        stage_val = vals.get("stage_id")
        if not to_map and (not stage_val or stage_val in ids):
            return None
        rest = {k: v for k, v in vals.items() if k != "stage_id"}
        to_map._sfcn_move_stage_mapped(pipeline, self.env._("Sales team changed"), rest,
                                       gate_team=vals["team_id"])
        others = self - to_map
        if others:
            others.write(rest)
        if stage_val and stage_val in ids:
            self.write({"stage_id": stage_val})
        return True

    def _sfcn_move_stage_mapped(self, pipeline, reason, vals=None, gate_team=None):
        """Trusted code only: put each deal on the stage of nearest probability of a pipeline, logged.

        A template applied by a manager is never gated (a mapping, not a step forward). A deal a rep moves
        to another team (gate_team) must hold the checks of the new pipeline up to the mapped stage: a
        detour through a team without checklists cannot win a deal."""
        groups = {}
        for lead in self:
            won = lead.stage_id.is_won or (lead.probability >= 100 and lead.active)
            stage = self._sfcn_nearest_stage(pipeline, lead.probability, won)
            groups.setdefault(stage.id, self.browse())
            groups[stage.id] |= lead
        manager = self.env.user._sfcn_is_sales_manager()
        for stage_id, leads in groups.items():
            if gate_team is not None and not manager:
                leads._sfcn_gate(self.env["crm.stage"].browse(stage_id), team_id=gate_team, from_start=True)
            override = _GateOverride("mapped", reason, leads.ids, stage_id)
            leads.with_context(**{OVERRIDE_KEY: override}).write(dict(vals or {}, stage_id=stage_id))
        return groups

    def _sfcn_move_stage_forced(self, stage, reason):
        """A sales manager moves deals to a stage past the checklist, with a reason (logged, flagged)."""
        self._sfcn_check_manager(self.env._("Only a sales manager can force a deal past its checklist."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("A reason is required to force a stage."))
        override = _GateOverride("forced", reason, self.ids, stage.id)
        return self.with_context(**{OVERRIDE_KEY: override}).write({"stage_id": stage.id})

    def _sfcn_check_manager(self, message):
        if not self.env.user._sfcn_is_sales_manager():
            raise UserError(message)

    def _sfcn_override(self):
        """The gate override set by trusted server code (a Python object: no client can send one)."""
        override = self.env.context.get(OVERRIDE_KEY)
        return override if isinstance(override, _GateOverride) else None

    def _sfcn_read_answers(self, check_ids):
        """{(lead_id, check_id): done} for these deals and checks, in one query."""
        if not check_ids or not self.ids:
            return {}
        self.env["crm.lead.check"].flush_model(["lead_id", "check_id", "done"])
        self.env.cr.execute(
            "SELECT lead_id, check_id, done FROM crm_lead_check WHERE lead_id = ANY(%s) AND check_id = ANY(%s)",
            [list(self.ids), list(check_ids)])
        return {(lead_id, check_id): bool(done) for lead_id, check_id, done in self.env.cr.fetchall()}

    def _sfcn_gated_stages(self, pipeline, old_key, new_key):
        """Stages of a pipeline whose checks a move from old_key (None: a new deal, entering at the
        pipeline's first stage) to new_key must satisfy: entry criteria of every stage entered or skipped,
        exit criteria of every stage left or skipped. Backward moves: none."""
        first = pipeline[0].key if pipeline else None
        low = first if old_key is None else old_key
        if low is None or new_key <= low:
            return []
        gated = []
        for s in pipeline:
            if s.gate_mode == "off":
                continue
            if s.gate_timing == "entry" and low < s.key <= new_key:
                gated.append(s)
            elif s.gate_timing == "exit" and not s.is_won and low <= s.key < new_key:
                gated.append(s)
        return gated

    def _sfcn_gate(self, new_stage, creating=False, team_id=None, override=None, from_start=False):
        """Check the required items a move to new_stage needs (see _sfcn_gated_stages).

        Returns {lead_id: [check ids missing]} for moves allowed despite missing items (warn gate, forced by
        a manager, historical import); raises StageGateError for refused moves. Constant number of queries:
        stages and checklists come from caches, answers in one query."""
        if override and override.kind == "mapped":
            return {}
        plan = self._sfcn_gate_plan(new_stage, team_id, creating or from_start)
        if not plan:
            return {}
        answers = {} if creating else self._sfcn_read_answers({e.check_id for _l, items in plan for _s, e in items})
        return self._sfcn_gate_verdict(new_stage, plan, answers, override)

    def _sfcn_gate_hold(self, plan, override):
        """[(lead id, check id)] of the plan whose missing answer refuses the move: a block gate's, and a warn
        gate's when the web client asks first (sfcn_gate_ask); none with an override. Mirrors
        _sfcn_gate_verdict, which raises exactly when one of these is not answered."""
        if override:
            return []
        ask = self.env.context.get("sfcn_gate_ask")
        return [(lead.id, e.check_id) for lead, items in plan for stage, e in items
                if stage.gate_mode == "block" or ask]

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
            if own and not any(s.id == new_stage.id for s in pipeline):
                raise UserError(self.env._(
                    "The stage %(stage)s is not in the pipeline of the sales team %(team)s.",
                    stage=new_stage.display_name, team=self.env["crm.team"].browse(tid).display_name))
            if target is None:
                continue
            old_key = None if from_start or not lead.stage_id else config.key(lead.stage_id)
            gated = self._sfcn_gated_stages(pipeline, old_key, new_key)
            items = [(s, e) for s in gated for e in items_by_stage.get(s.id, ()) if e.required]
            if items:
                plan.append((lead, items))
        return plan

    def _sfcn_raise_gate(self, new_stage, missing, mode):
        checks = self.env["crm.stage.check"].sudo()
        lines = "\n".join(
            f"- {lead.name} / {check.stage_id.name}: {check.name}"
            for lead, check_ids in missing.items() for check in checks.browse(check_ids))
        if mode == "block":
            message = self.env._(
                "The deal cannot move forward: these required checks are not ticked:\n%(lines)s", lines=lines)
        else:
            message = self.env._(
                "These required checks are not ticked:\n%(lines)s\nTick what holds, or go on and the deal is "
                "flagged.", lines=lines)
        payload = None
        if len(missing) == 1:
            lead = next(iter(missing))
            payload = lead._sfcn_gate_payload(new_stage, next(iter(missing.values())), mode)
        raise StageGateError(message, payload)

    def _sfcn_gate_payload(self, new_stage, missing_ids, mode):
        """What the qualify dialog shows: the target stage's checklist (optional items included) and the
        missing items of the stages skipped on the way, with the deal's answers."""
        self.ensure_one()
        checks = self.env["crm.stage.check"].sudo().browse(missing_ids) | new_stage.sudo().check_ids
        answers = {a.check_id.id: a for a in self.sudo().check_ids}
        items = []
        for check in checks.sorted(lambda c: (c.stage_id.sequence, c.stage_id.id, c.sequence, c.id)):
            answer = answers.get(check.id)
            items.append({
                "check_id": check.id, "stage": check.stage_id.name, "name": check.name,
                "help": check.help_text or "", "required": check.required,
                "done": bool(answer and answer.done), "note": (answer and answer.note) or "",
                "missing": check.id in missing_ids,
            })
        return {"lead_id": self.id, "lead_name": self.name, "stage_id": new_stage.id,
                "stage_name": new_stage.name, "won": new_stage.is_won, "mode": mode, "items": items}

    def action_sfcn_qualify_and_move(self, stage_id, answers=None, proceed=False):
        """Qualify in one step (the gate dialog): tick the answers given, then move the deal through the
        same gate as any write. answers: [{"check_id": id, "done": bool, "note": str}].

        proceed=True lets a warn gate move on with what is still missing (flagged and logged); a block
        gate still refuses, naming what is missing."""
        self.ensure_one()
        stage = self.env["crm.stage"].browse(int(stage_id)).exists()
        if not stage:
            raise UserError(self.env._("This stage no longer exists."))
        self.check_access("write")
        known = {c.id for c in self.env["crm.stage.check"].sudo().search([])}
        rows = {a.check_id.id: a for a in self.check_ids}
        for answer in answers or []:
            check_id = int(answer.get("check_id") or 0)
            if check_id not in known:
                raise UserError(self.env._("Unknown checklist item."))
            vals = {"done": bool(answer.get("done"))}
            if answer.get("note") is not None:
                vals["note"] = str(answer["note"])[:255]
            row = rows.get(check_id)
            if row:
                if row.done != vals["done"] or ("note" in vals and (row.note or "") != vals["note"]):
                    row.write(vals)
            elif vals["done"] or vals.get("note"):
                self.env["crm.lead.check"].create(dict(vals, lead_id=self.id, check_id=check_id))
        if stage.is_won and self._sfcn_won_review_missing() and stage != self.stage_id:
            # the answers are saved and pass the gate; the won review (reason, summary) wins the deal
            # through the Won path
            self.with_context(sfcn_gate_ask=not proceed)._sfcn_gate(stage)
            return self.env["crm.lead.won"]._action_open(self)
        lead = self.with_context(sfcn_gate_ask=not proceed)
        lead.write({"stage_id": stage.id, "probability": 100} if stage.is_won else {"stage_id": stage.id})
        return True

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

    @api.model
    def _sfcn_demo_answer_team_checks(self, team_id):
        """Demo data: the team's open deals fill its funnel like a real one (most at the first stage, fewer
        at each later one), and every deal answers the checks of the stages it has reached."""
        deals = self.with_context(active_test=False).search(
            [("team_id", "=", team_id), ("type", "=", "opportunity")], order="id")
        pipeline = self._sfcn_pipeline(team_id)[0]
        open_stages = [s for s in pipeline if not s.is_won]
        # the pooled deals stay where the template put them (marketing's leads wait at the funnel's start)
        todo = deals.filtered(lambda lead: lead.active and lead.user_id and not lead.stage_id.is_won)
        shares = list(range(len(open_stages), 0, -1))  # 6:5:4:3:2 ... of the open deals
        position = 0
        for stage, share in zip(open_stages, shares, strict=True):
            count = round(len(todo) * share / sum(shares)) if stage != open_stages[-1] else len(todo) - position
            group = todo[position:position + count]
            position += count
            group = group.filtered(lambda lead, st=stage: lead.stage_id.id != st.id)
            if group:
                override = _GateOverride("mapped", self.env._("Demo data"), group.ids, stage.id)
                group.with_context(**{OVERRIDE_KEY: override}).write({"stage_id": stage.id})
        return deals._sfcn_answer_up_to_stage(self.env._("Confirmed with the customer"))

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
                pairs.extend((lead.id, e.check_id) for e in items_by_stage.get(stage_id, ()))
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
        pairs: [(lead, check)] of the stages entered; existing answers (of an earlier stay) are kept.
        read: check ids whose answers by these deals the same query returns, {(lead, check): done};
        hold: [(lead, check)] that must be answered (done) for anything to be inserted."""
        if not history:
            return {}
        now = fields.Datetime.now()
        self.env["crm.stage.check"].flush_model(["stage_id", "sequence", "required"])
        self.env["crm.stage"].flush_model(["sequence"])
        self.env["crm.lead.check"].flush_model(["lead_id", "check_id", "done"])
        cols = list(zip(*history, strict=True))
        leads, checks = zip(*pairs, strict=True) if pairs else ((), ())
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
                SELECT p.lead_id, c.id, c.stage_id, s.sequence, c.sequence, c.required, false, false,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(leads)s::int[], %(checks)s::int[]) AS p(lead_id, check_id)
                  JOIN crm_stage_check c ON c.id = p.check_id
                  JOIN crm_stage s ON s.id = c.stage_id
                 WHERE (SELECT ok FROM passed)
                ON CONFLICT (lead_id, check_id) DO NOTHING
            )
            SELECT lead_id, check_id, done FROM answers""", {
            "uid": self.env.uid, "now": now, "forced": forced or None, "lead": list(cols[0]),
            "team": list(cols[1]), "sfrom": list(cols[2]), "sto": list(cols[3]), "dprev": list(cols[4]),
            "dcreate": list(cols[5]), "leads": list(leads), "checks": list(checks), "read": list(read),
            "hleads": list(hold_leads), "hchecks": list(hold_checks)})
        answers = {(lead_id, check_id): bool(done) for lead_id, check_id, done in self.env.cr.fetchall()}
        self.env["crm.lead.stage.history"].invalidate_model()
        self.invalidate_recordset(["stage_history_ids", "check_ids", "check_done_count", "check_total_count",
                                   "check_incomplete"])
        return answers

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
