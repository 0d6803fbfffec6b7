import base64

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from ..models.sfcn_settings import sfcn_settings
from ..report.funnel_context import FunnelContext
from ..report.funnel_export import XLSX_MIMETYPE
from ..report.funnel_export import build_funnel_xlsx
from ..report.funnel_export import export_filename


class CrmFunnelExportWizard(models.TransientModel):
    _name = "crm.funnel.export.wizard"
    _description = "Export the Sales Funnel to Excel"

    date_from = fields.Date("From", required=True,
                            default=lambda self: fields.Date.context_today(self).replace(month=1, day=1))
    date_to = fields.Date("To", required=True, default=fields.Date.context_today)
    team_ids = fields.Many2many("crm.team", string="Sales Teams")
    user_ids = fields.Many2many("res.users", string="Salespersons")
    deal_count = fields.Integer("Deals in the Export", compute="_compute_deal_count")
    in_background = fields.Boolean("Built in the Background", compute="_compute_deal_count")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The start of the period must be before its end."))

    @api.depends("date_from", "date_to", "team_ids", "user_ids")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_deal_count(self):
        threshold = sfcn_settings(self.env).sfcn_export_background_threshold
        for wizard in self:
            wizard.deal_count = wizard._count_deals() if wizard.date_from and wizard.date_to else 0
            wizard.in_background = wizard.deal_count > threshold

    def _count_deals(self):
        """The detail rows of the export: the deals of the period the user may read."""
        return self.env["crm.lead"].search_count(
            FunnelContext.period_domain(self.date_from, self.date_to, self.team_ids, self.user_ids))

    def _build_xlsx(self):
        """The workbook as bytes, built as the current user (record rules apply). Reads only."""
        self.ensure_one()
        return build_funnel_xlsx(self.env, self.date_from, self.date_to, self.team_ids, self.user_ids)

    def action_export(self):
        """Small exports are built at once and downloaded; larger ones (company setting) are queued as a
        background job, whose form is returned: the request never holds a worker for the build."""
        self.ensure_one()
        count = self._count_deals()
        if count > sfcn_settings(self.env).sfcn_export_background_threshold:
            job = self.env["crm.funnel.export.job"]._request(self, count)
            return {
                "type": "ir.actions.act_window", "res_model": job._name, "res_id": job.id, "view_mode": "form",
                "views": [(False, "form")], "target": "current", "name": job.name,
            }
        content = self._build_xlsx()
        attachment = self.env["ir.attachment"].create({
            "name": export_filename(self.date_from, self.date_to),
            "datas": base64.b64encode(content),
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": XLSX_MIMETYPE,
        })
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
