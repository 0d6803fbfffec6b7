from odoo import fields
from odoo import models


class CrmPoolHistory(models.Model):
    """Who held a deal, from when to when and how the holding ended."""

    _name = "crm.pool.history"
    _description = "Deal Holding Period"
    _order = "date_start desc, id desc"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", "Salesperson", required=True, index=True)
    pool_id = fields.Many2one("crm.pool", index=True)
    date_start = fields.Datetime("From", required=True, default=fields.Datetime.now)
    date_end = fields.Datetime("To")
    start_reason = fields.Selection(
        [("created", "Created"), ("claimed", "Claimed"), ("assigned", "Assigned")], default="assigned")
    end_reason = fields.Selection([
        ("released", "Released"),
        ("reclaimed", "Reclaimed"),
        ("reassigned", "Reassigned"),
        ("won", "Won"),
        ("lost", "Lost"),
    ])
    rule = fields.Char(help="The rule or reason that ended (or started) the holding.")
