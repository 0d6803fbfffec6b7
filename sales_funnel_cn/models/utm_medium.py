from odoo import fields
from odoo import models


class UtmMedium(models.Model):
    """The seed's eight acquisition ways (获取方式) are UTM mediums: every lead carries one in ``medium_id``
    (labelled Channel), so marketing apps that set UTM on leads fill the same field. The name is made
    translatable so the channels read in the user's language."""

    _name = "utm.medium"
    _inherit = ["utm.medium", "sfcn.guarded.mixin"]

    name = fields.Char(translate=True)
    sfcn_channel = fields.Boolean(
        "Listed as Acquisition Channel", help="One of the acquisition channels (获取方式) the funnel metrics count by.")
    sfcn_sequence = fields.Integer("Channel Sequence", default=10)
    sfcn_channel_id = fields.Many2one(
        "utm.medium", "Counts as Channel", domain=[("sfcn_channel", "=", True)], ondelete="set null",
        help="The acquisition channel of leads that came through this medium: the install gives it to the "
             "existing leads of this medium.")
