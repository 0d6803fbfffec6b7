"""Each team sees its own funnel: the stages of a team running a funnel template (kanban columns, stage
suggestions, default stage), the mapping of deals onto a pipeline (template applied, team switched), a
fixed stage probability on every path."""



from odoo import api
from odoo import fields
from odoo import models
from odoo.osv import expression

from .crm_lead_gate import OVERRIDE_KEY
from .crm_lead_gate import _GateOverride
from .crm_stage import PIPELINE_STAGES_KEY


class CrmLead(models.Model):
    _inherit = "crm.lead"


    # stage suggestions (search bar, dropdowns) follow the pipelines in view: crm.stage.name_search
    stage_id = fields.Many2one(context={PIPELINE_STAGES_KEY: True})
    sfcn_stage_ids = fields.Many2many("crm.stage", compute="_compute_sfcn_stage_ids", string="Pipeline Stages")
    stage_coaching = fields.Text(related="stage_id.coaching_prompts", string="Coaching Questions")
    stage_core_skills = fields.Text(related="stage_id.core_skills", string="Core Skills")
    stage_id_description = fields.Text(related="stage_id.stage_description", string="Stage Status")

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
