from odoo import fields
from odoo import models

CUSTOMER_LEVELS = [
    ("resource", "Customer Resource"),
    ("graded", "Graded Customer"),
    ("contacted", "Contacted Customer"),
    ("lead", "Customer with a Lead"),
    ("intent", "Intent Customer"),
    ("signed", "Signed Customer"),
    ("implemented", "Implemented Customer"),
    ("abandoned", "Abandoned Customer"),
]


class CrmCustomerLevelHistory(models.Model):
    """One change of a company's customer level (销售漏斗的层次), automatic or by a manager's override."""

    _name = "crm.customer.level.history"
    _description = "Customer Level History"
    _order = "date desc, id desc"
    _rec_name = "level_to"

    partner_id = fields.Many2one("res.partner", "Company", required=True, index=True, ondelete="cascade")
    team_id = fields.Many2one("crm.team", "Sales Team", index="btree_not_null")
    level_from = fields.Selection(CUSTOMER_LEVELS, "From Level")
    level_to = fields.Selection(CUSTOMER_LEVELS, "To Level", required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one("res.users", "Changed By", default=lambda self: self.env.user)
    manual = fields.Boolean("Manager Override")
    reason = fields.Char()
    days_in_previous = fields.Integer("Days at Previous Level")
