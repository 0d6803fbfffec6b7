import base64
import os
import tempfile

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from ..report.funnel_sheets import FunnelContext
from ..report.funnel_sheets import available_providers
from ..report.funnel_workbook import FunnelWorkbook


class CrmFunnelExportWizard(models.TransientModel):
    _name = "crm.funnel.export.wizard"
    _description = "Export the Sales Funnel to Excel"

    date_from = fields.Date("From", required=True,
                            default=lambda self: fields.Date.context_today(self).replace(month=1, day=1))
    date_to = fields.Date("To", required=True, default=fields.Date.context_today)
    team_ids = fields.Many2many("crm.team", string="Sales Teams")
    user_ids = fields.Many2many("res.users", string="Salespersons")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The start of the period must be before its end."))

    def _header(self):
        generated = fields.Datetime.context_timestamp(self, fields.Datetime.now())
        filters = "; ".join(filter(None, [
            self.team_ids and self.env._("Teams: %s", ", ".join(self.team_ids.mapped("name"))),
            self.user_ids and self.env._("Salespersons: %s", ", ".join(self.user_ids.mapped("name"))),
        ])) or self.env._("All deals you may read")
        return [
            (self.env._("Company"), self.env.company.name),
            (self.env._("Period"), f"{self.date_from} – {self.date_to}"),
            (self.env._("Filters"), filters),
            (self.env._("Generated at"), generated.strftime("%Y-%m-%d %H:%M")),
        ]

    def _build_xlsx(self):
        """The workbook as bytes, built as the current user (record rules apply)."""
        self.ensure_one()
        ctx = FunnelContext(self.env, self.date_from, self.date_to, self.team_ids, self.user_ids)
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            book = FunnelWorkbook(path, self._header())
            for provider in available_providers(self.env):
                provider.write_sheet(book, ctx)
            book.close()
            with open(path, "rb") as f:
                return f.read()
        finally:
            os.unlink(path)

    def action_export(self):
        self.ensure_one()
        content = self._build_xlsx()
        attachment = self.env["ir.attachment"].create({
            "name": f"sales_funnel_{self.date_from}_{self.date_to}.xlsx",
            "datas": base64.b64encode(content),
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        })
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
