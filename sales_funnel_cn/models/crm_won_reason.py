from odoo import fields
from odoo import models


class CrmWonReason(models.Model):
    """Why a deal was won (赢单原因), kept as data like core's lost reasons (丢单原因)."""

    _name = "crm.won.reason"
    _description = "Won Reason"
    _order = "sequence, id"

    name = fields.Char("Description", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
