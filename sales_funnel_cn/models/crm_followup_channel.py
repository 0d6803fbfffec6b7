from odoo import fields
from odoo import models


class CrmFollowupChannel(models.Model):
    """How a follow-up happened (电话 / 微信 / 拜访 / 会议 / 邮件 ...), kept as data so a team can add its own."""

    _name = "crm.followup.channel"
    _description = "Follow-up Channel"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    is_visit = fields.Boolean(
        "On-site Visit", help="A visit at the customer's site: the rep can check in (签到) with the device's location.")
    active = fields.Boolean(default=True)
