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

    @api.model
    def _sfcn_install_channels(self):
        """Install: every existing lead gets its channel, in one UPDATE of the leads whose value changes. A lead
        keeps a medium that is a channel; else it takes the channel its medium counts as, else the one its source
        counts as (``sfcn_channel_id`` of core's mediums and sources, see data/crm_channel_data.xml); a lead
        with neither gets the default channel (direct sales), as a new lead does; a medium that is no channel
        and maps to none (a company's own) is kept."""
        default = self._sfcn_default_channel()
        if not default:
            return
        self.env.flush_all()
        Medium = self.env["utm.medium"].sudo().with_context(active_test=False)
        self.env.cr.execute("""
            UPDATE crm_lead l
               SET medium_id = COALESCE((SELECT m.sfcn_channel_id FROM utm_medium m WHERE m.id = l.medium_id),
                                        (SELECT s.sfcn_channel_id FROM utm_source s WHERE s.id = l.source_id),
                                        l.medium_id, %(default)s)
             WHERE NOT COALESCE(l.medium_id = ANY(%(channels)s), false)
               AND (l.medium_id IS NULL OR l.medium_id = ANY(%(mediums)s) OR l.source_id = ANY(%(sources)s))""", {
            "default": default.id, "channels": Medium.search([("sfcn_channel", "=", True)]).ids,
            "mediums": Medium.search([("sfcn_channel_id", "!=", False)]).ids,
            "sources": self.env["utm.source"].sudo().search([("sfcn_channel_id", "!=", False)]).ids})
        self.invalidate_model(["medium_id"])
