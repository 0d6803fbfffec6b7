from odoo import api
from odoo import fields
from odoo import models

DEFAULT_CHANNEL = "sales_funnel_cn.utm_medium_direct_sales"


class CrmLead(models.Model):
    """Every lead carries its acquisition channel (获取方式): core's UTM medium, filled on create when the
    client gave none (direct sales) and never emptied by a write (emptying it puts the default back)."""

    _inherit = "crm.lead"

    medium_id = fields.Many2one(string="Acquisition Channel", index=True)

    @api.model
    def _sfcn_default_channel(self):
        return self.env.ref(DEFAULT_CHANNEL, raise_if_not_found=False) or self.env["utm.medium"]

    @api.model
    def default_get(self, fields_list):
        result = super().default_get(fields_list)
        if "medium_id" in fields_list and not result.get("medium_id"):
            result["medium_id"] = self._sfcn_default_channel().id
        return result

    @api.model_create_multi
    def create(self, vals_list):
        if any("medium_id" in vals and not vals["medium_id"] for vals in vals_list):
            default = self._sfcn_default_channel().id
            vals_list = [dict(vals, medium_id=default) if "medium_id" in vals and not vals["medium_id"] else vals
                         for vals in vals_list]
        return super().create(vals_list)

    def write(self, vals):
        if "medium_id" in vals and not vals["medium_id"]:
            default = self._sfcn_default_channel()
            if default:
                vals = dict(vals, medium_id=default.id)
        return super().write(vals)
