from odoo import fields
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_log_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "crm.call.log.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

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
