from odoo import fields
from odoo import models


class UtmSource(models.Model):
    """A UTM source may say which acquisition channel (获取方式) its leads came through: the install gives it to
    the existing leads of this source that have no channel of their own (see ``_sfcn_install_channel_sql``)."""

    _inherit = "utm.source"

    sfcn_channel_id = fields.Many2one(
        "utm.medium", "Counts as Channel", domain=[("sfcn_channel", "=", True)], ondelete="set null",
        help="The acquisition channel of leads that came from this source.")
