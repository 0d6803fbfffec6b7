from odoo import api
from odoo import fields
from odoo import models

from .sfcn_access import guard_create
from .sfcn_access import guard_write


class UtmMedium(models.Model):
    """The seed's eight acquisition ways (获取方式) are UTM mediums: every lead carries one in ``medium_id``
    (labelled Channel), so marketing apps that set UTM on leads fill the same field. The name is made
    translatable so the channels read in the user's language."""

    _inherit = "utm.medium"

    name = fields.Char(translate=True)
    sfcn_channel = fields.Boolean(
        "Listed as Acquisition Channel", help="One of the acquisition channels (获取方式) the funnel metrics count by.")
    sfcn_sequence = fields.Integer("Channel Sequence", default=10)
    sfcn_channel_id = fields.Many2one(
        "utm.medium", "Counts as Channel", domain=[("sfcn_channel", "=", True)], ondelete="set null",
        help="The acquisition channel of leads that came through this medium: the install gives it to the "
             "existing leads of this medium.")

    @api.model_create_multi
    def create(self, vals_list):
        guard_create(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        guard_write(self, vals)
        return super().write(vals)
