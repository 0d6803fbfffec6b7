from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

from .crm_lead_install import sql_case

DEFAULT_CHANNEL = "sales_funnel_cn.utm_medium_direct_sales"


class CrmLead(models.Model):
    """Every lead carries its acquisition channel (获取方式): core's UTM medium, filled on create when the
    client gave none (direct sales) and never emptied by a write (emptying it puts the default back)."""

    _inherit = "crm.lead"

    medium_id = fields.Many2one(string="Acquisition Channel")

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

    @api.model
    def _sfcn_install_channel_sql(self):
        """Install: the channel every existing lead gets, as a row expression of its own columns (the install's
        one table rewrite writes it, ``_sfcn_install_rewrite``). A lead keeps a medium that is a channel; else it
        takes the channel its medium counts as, else the one its source counts as (``sfcn_channel_id`` of core's
        mediums and sources, see data/crm_channel_data.xml); a lead with neither gets the default channel (direct
        sales), as a new lead does; a medium that is no channel and maps to none (a company's own) is kept.
        None without a default channel (nothing to write)."""
        default = self._sfcn_default_channel()
        if not default:
            return None
        Medium = self.env["utm.medium"].sudo().with_context(active_test=False)
        channels = Medium.search([("sfcn_channel", "=", True)]).ids
        by_medium = sql_case([(SQL("medium_id = %s", medium.id), medium.sfcn_channel_id.id)
                              for medium in Medium.search([("sfcn_channel_id", "!=", False)])])
        by_source = sql_case([(SQL("source_id = %s", source.id), source.sfcn_channel_id.id)
                              for source in self.env["utm.source"].sudo().with_context(active_test=False).search(
                                  [("sfcn_channel_id", "!=", False)])])
        return SQL("(CASE WHEN COALESCE(medium_id = ANY(%s), false) THEN medium_id ELSE COALESCE(%s, %s, medium_id, %s)"
                   " END)", channels or [0], by_medium, by_source, default.id)
