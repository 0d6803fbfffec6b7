from odoo import fields
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # customer profile (seed 002 客户画像), on companies
    sfcn_region = fields.Char("Region")
    sfcn_development_stage = fields.Selection(
        [("startup", "Start-up"), ("growth", "Growth"), ("mature", "Mature"), ("decline", "Decline")],
        "Development Stage")
    sfcn_employee_count = fields.Integer("Employees")
    sfcn_purchasing_habit = fields.Selection(
        [("yearly", "Yearly"), ("quarterly", "Quarterly"), ("anytime", "Any Time")], "Purchasing Habit")
    sfcn_decision_cycle_days = fields.Integer("Typical Decision Cycle (days)")
    sfcn_typical_budget = fields.Float("Typical Budget")
    sfcn_decision_pattern = fields.Selection(
        [("eb", "EB alone"), ("eb_ub", "EB + UB"), ("eb_tb", "EB + TB"), ("eb_ub_tb", "EB + UB + TB")],
        "Decision Pattern")
