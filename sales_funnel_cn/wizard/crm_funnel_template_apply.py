from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models


class CrmFunnelTemplateApply(models.TransientModel):
    _name = "crm.funnel.template.apply"
    _description = "Apply a Funnel Template to a Sales Team"

    team_id = fields.Many2one("crm.team", string="Sales Team", required=True)
    template_id = fields.Many2one("crm.funnel.template", string="Funnel Template", required=True)
    preview = fields.Html(compute="_compute_preview", sanitize=False)
    deal_count = fields.Integer(compute="_compute_preview", string="Deals to Map")

    @api.depends("team_id", "template_id")
    def _compute_preview(self):
        """Where each deal of the team goes: the template stage of nearest probability (won deals to the
        template's won stage). Nothing is written before the confirmation."""
        Lead = self.env["crm.lead"]
        for wizard in self:
            rows, count = [], 0
            if wizard.team_id and wizard.template_id:
                lines = wizard.template_id.line_ids
                pipeline = [_Line(line) for line in lines]
                deals = Lead.with_context(active_test=False).search(
                    [("team_id", "=", wizard.team_id.id), ("type", "=", "opportunity")])
                current = {s.id for s in Lead._sfcn_pipeline(wizard.team_id.id)[0]
                           if wizard.team_id.funnel_template_id == wizard.template_id}
                for deal in deals:
                    if deal.stage_id.id in current:
                        continue
                    won = deal.stage_id.is_won or (deal.probability >= 100 and deal.active)
                    target = Lead._sfcn_nearest_stage(pipeline, deal.probability, won) if pipeline else None
                    count += 1
                    rows.append(Markup("<tr><td>%s</td><td>%s</td><td>%s %%</td><td>%s</td></tr>") % (
                        deal.name, deal.stage_id.name or "", round(deal.probability or 0, 2),
                        target.name if target else ""))
            head = Markup("<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
                self.env._("Deal"), self.env._("Current Stage"), self.env._("Probability"),
                self.env._("New Stage"))
            wizard.preview = Markup('<table class="table table-sm"><thead>%s</thead><tbody>%s</tbody></table>') % (
                head, Markup("").join(rows))
            wizard.deal_count = count

    def action_apply(self):
        self.ensure_one()
        self.env["crm.lead"]._sfcn_check_manager(
            self.env._("Only a sales manager can apply a funnel template to a team."))
        self.team_id.sudo()._sfcn_apply_funnel_template(self.template_id.sudo())
        return {"type": "ir.actions.act_window_close"}


class _Line:
    """A template line seen as a pipeline stage (for the preview, before the stages exist)."""

    __slots__ = ("is_won", "key", "name", "probability")

    def __init__(self, line):
        self.name, self.probability, self.is_won = line.name, line.probability, line.is_won
        self.key = (line.sequence, line.id)
