from collections import namedtuple

from odoo import api
from odoo import fields
from odoo import models
from odoo import tools

# on the stage fields of deals (and of their stage history): their stage suggestions follow the pipelines in view
PIPELINE_STAGES_KEY = "sfcn_pipeline_stages"
GATE_FIELDS = {"sequence", "gate_mode", "gate_timing", "team_id", "is_won", "funnel_template_id",
               "fixed_probability", "stage_probability"}

StageEntry = namedtuple(
    "StageEntry", "id key team_id template_id is_won fixed_probability probability gate_mode gate_timing")


class GateConfig:
    """What the stage gate and the team pipelines read of stages, checklists and teams, built once and cached
    (crm.stage._sfcn_gate_config), so a stage write looks it up once and reads nothing else.

    stages: StageEntry of every stage in stage order; by_id: {stage id: StageEntry}; checks_by_stage:
    {stage id: (CheckEntry, ...)} of the active items; templates: {team id: funnel template id}; won_ids: the
    ids of the won stages."""

    __slots__ = ("_pipeline_ids", "_pipelines", "by_id", "checks_by_stage", "stages", "templates", "won_ids")

    def __init__(self, stages, checks, templates):
        self.stages = stages
        self.by_id = {s.id: s for s in stages}
        self.won_ids = frozenset(s.id for s in stages if s.is_won)
        by_stage = {}
        for entry in checks:
            by_stage.setdefault(entry.stage_id, []).append(entry)
        self.checks_by_stage = {stage_id: tuple(entries) for stage_id, entries in by_stage.items()}
        self.templates = templates
        self._pipelines = {}
        self._pipeline_ids = {}

    def pipeline(self, team_id):
        """(stage entries of a team's pipeline in stage order, whether the team runs a funnel template).

        A team that runs a funnel template sees only its template's stages; any other team keeps Odoo's
        pipeline (the shared stages and its own)."""
        team_id = team_id or False
        result = self._pipelines.get(team_id)
        if result is None:
            template = self.templates.get(team_id)
            own = template and tuple(s for s in self.stages if s.team_id == team_id and s.template_id == template)
            if own:
                result = own, True
            else:
                result = tuple(s for s in self.stages if not s.team_id or s.team_id == team_id), False
            self._pipelines[team_id] = result  # idempotent: concurrent requests store the same value
        return result

    def pipeline_ids(self, team_id):
        """The ids of the stages of a team's pipeline (a frozenset, cached as the pipeline is)."""
        team_id = team_id or False
        ids = self._pipeline_ids.get(team_id)
        if ids is None:
            ids = self._pipeline_ids[team_id] = frozenset(s.id for s in self.pipeline(team_id)[0])
        return ids

    def key(self, stage):
        """The stage's position (sequence, id) in every pipeline (from the cache for a known stage)."""
        entry = self.by_id.get(stage.id)
        return entry.key if entry else (stage.sequence, stage.id)


class CrmStage(models.Model):
    _inherit = "crm.stage"

    max_days = fields.Integer(
        "Max Days in Stage", default=0,
        help="A deal staying longer than this in the stage is stale. 0 uses the default of the settings.")
    gate_mode = fields.Selection(
        [("block", "Block"), ("warn", "Warn"), ("off", "Off")], string="Checklist Gate",
        default="off", required=True,
        help="Block: a deal cannot move past the checklist while required checks are unticked. "
             "Warn: the move happens, the deal is flagged and the chatter lists the skipped checks.")
    gate_timing = fields.Selection(
        [("entry", "Entry criteria"), ("exit", "Exit criteria")], string="Checks Are",
        default="entry", required=True,
        help="Entry criteria: the checks describe a deal that IS at this stage; they must hold to enter it "
             "(and those of every stage skipped on the way). Exit criteria: they must hold to leave it.")
    fixed_probability = fields.Boolean(
        "Probability Follows Stage",
        help="When set, a deal entering this stage takes the stage probability, whatever the client sends.")
    stage_probability = fields.Float("Stage Probability (%)")
    stage_description = fields.Text("Status Description", translate=True)
    coaching_prompts = fields.Text(
        "Coaching Questions", translate=True,
        help="Questions a manager asks about a deal at this stage; shown on the deal.")
    core_skills = fields.Text(translate=True, help="Skills a rep needs to move deals on from here.")
    check_ids = fields.One2many("crm.stage.check", "stage_id", string="Checklist")
    funnel_template_id = fields.Many2one("crm.funnel.template", ondelete="set null")

    @api.model
    @tools.ormcache()
    def _sfcn_stage_map(self):
        """Every stage with what the gate and the team pipelines need (cached; cleared when stages change)."""
        stages = self.sudo().search([("id", "!=", 0)])
        return tuple(StageEntry(s.id, (s.sequence, s.id), s.team_id.id, s.funnel_template_id.id, s.is_won,
                                s.fixed_probability, s.stage_probability, s.gate_mode, s.gate_timing)
                     for s in stages.sorted(lambda s: (s.sequence, s.id)))

    @api.model
    @tools.ormcache()
    def _sfcn_gate_config(self):
        """The GateConfig of the database (cached with the stage, check and team maps it is built from)."""
        return GateConfig(self._sfcn_stage_map(), self.env["crm.stage.check"]._sfcn_check_map(),
                          self.env["crm.team"]._sfcn_team_templates())

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """Stage suggestions (the search bar's "Search Stage for", a dropdown without a domain of its own)
        follow the pipeline in view, as the kanban's columns do: the team of the context (default_team_id,
        set by a team's pipeline), else, for a deal's stage, the pipelines of the user's teams. A team running
        a funnel template thus lists only its template's stages, never the copies other teams have.

        Presentation only (the context restricts the suggestions, never grants anything): what a search or a
        write may use is unchanged."""
        if not args:
            stage_ids = self._sfcn_stage_ids_in_view()
            if stage_ids is not None:
                args = [("id", "in", stage_ids)]
        return super().name_search(name, args, operator, limit)

    @api.model
    def _sfcn_stage_ids_in_view(self):
        """Ids of the stages of the pipelines in view (see name_search), None when nothing restricts them."""
        team_id = self.env.context.get("default_team_id")
        if isinstance(team_id, int) and not isinstance(team_id, bool) and team_id > 0:
            team_ids = [team_id]
        elif self.env.context.get("sfcn_pipeline_stages"):  # PIPELINE_STAGES_KEY (a literal: classified)
            user = self.env.user
            teams = user.crm_team_ids | user.sale_team_id | self.env["crm.team"].sudo().search(
                [("user_id", "=", user.id)])
            if not teams:
                return None  # a user in no team (an administrator) keeps Odoo's list: every stage
            team_ids = teams.ids
        else:
            return None
        config = self._sfcn_gate_config()
        return sorted({s.id for tid in team_ids for s in config.pipeline(tid)[0]})

    @api.model_create_multi
    def create(self, vals_list):
        stages = super().create(vals_list)
        self.env.registry.clear_cache()
        return stages

    def write(self, vals):
        res = super().write(vals)
        if GATE_FIELDS & set(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
