from odoo import fields
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # the same columns as base_geolocalize's (same names and types): when that module is installed it fills
    # them from the address; otherwise a manager types them in, or sets them from a checked-in visit
    partner_latitude = fields.Float("Geo Latitude", digits=(10, 7))
    partner_longitude = fields.Float("Geo Longitude", digits=(10, 7))
    followup_ids = fields.One2many("crm.followup", "partner_id", "Follow-ups")
    followup_count = fields.Integer("Follow-up Count", compute="_compute_followup_count")

    def _compute_followup_count(self):
        counts = dict(self.env["crm.followup"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.followup_count = counts.get(partner, 0)

    def action_log_followup(self):
        self.ensure_one()
        return self.env["crm.followup"]._action_new({"default_partner_id": self.commercial_partner_id.id})

    def action_view_followups(self):
        self.ensure_one()
        return self.env["crm.followup"]._action_list([("partner_id", "=", self.commercial_partner_id.id)],
                                                     {"default_partner_id": self.commercial_partner_id.id})
