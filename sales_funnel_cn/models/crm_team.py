from odoo import api
from odoo import fields
from odoo import models
from odoo import tools


class CrmTeam(models.Model):
    _inherit = "crm.team"

    funnel_template_id = fields.Many2one(
        "crm.funnel.template",
        help="The team's pipeline: with a template, the team sees only the template's stages. Apply it to "
             "create the stages and map the team's deals.")

    @api.model
    @tools.ormcache()
    def _sfcn_team_templates(self):
        """{team id: funnel template id} of the teams running a funnel template (cached)."""
        teams = self.sudo().with_context(active_test=False).search([("funnel_template_id", "!=", False)])
        return {team.id: team.funnel_template_id.id for team in teams}

    @api.model_create_multi
    def create(self, vals_list):
        # the team's company's Funnel Template for New Teams (the current company's for a team without one)
        Company = self.env["res.company"].sudo()
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            company = Company.browse(vals["company_id"]) if vals.get("company_id") else self.env.company.sudo()
            template = company.sfcn_default_funnel_template_id
            if template and "funnel_template_id" not in vals:
                vals["funnel_template_id"] = template.id
        teams = super().create(vals_list)
        if any(vals.get("funnel_template_id") for vals in vals_list):
            self.env.registry.clear_cache()
            for team in teams.filtered("funnel_template_id"):
                # a new team has no deals: its template's stages are its pipeline from the start
                team.funnel_template_id.sudo().action_apply(team.sudo())
        return teams

    def write(self, vals):
        res = super().write(vals)
        if "funnel_template_id" in vals:
            self.env.registry.clear_cache()
        return res

    def action_apply_funnel_template(self):
        """Preview first: the wizard lists where each deal of the team goes."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.funnel.template.apply",
            "view_mode": "form",
            "target": "new",
            "context": {"default_team_id": self.id, "default_template_id": self.funnel_template_id.id},
        }

    def _sfcn_apply_funnel_template(self, template):
        """Trusted code: create the template's stages for the team, make it the team's pipeline and map every
        deal of the team to the template stage of nearest probability (one logged move per deal, never
        blocked: the checklist does not apply retroactively). Returns the stages."""
        self.ensure_one()
        if isinstance(template, int):
            template = self.env["crm.funnel.template"].browse(template)
        stages = template.action_apply(self)
        if self.funnel_template_id != template:
            self.funnel_template_id = template
        self.env.registry.clear_cache()
        Lead = self.env["crm.lead"].with_context(active_test=False)
        pipeline = Lead._sfcn_pipeline(self.id)[0]
        ids = {s.id for s in pipeline}
        deals = Lead.search([("team_id", "=", self.id), ("type", "=", "opportunity")]).filtered(
            lambda lead: lead.stage_id.id not in ids)
        deals.sudo()._sfcn_move_stage_mapped(pipeline, self.env._("Funnel template %(name)s applied to the team",
                                                                  name=template.name))
        return stages
