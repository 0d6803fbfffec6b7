from datetime import datetime
from datetime import time

from odoo import api
from odoo import fields
from odoo import models

from .crm_phone_suppression import normalize_phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    # call state of calls logged from the contact without a lead (set by crm.call.log._apply_effect)
    call_phone_normalized = fields.Char(
        "Call Number", compute="_compute_call_numbers_normalized", store=True, index="btree_not_null")
    call_mobile_normalized = fields.Char(
        "Call Mobile", compute="_compute_call_numbers_normalized", store=True, index="btree_not_null")
    call_na_count = fields.Integer("Consecutive Unanswered Calls", default=0, copy=False, readonly=True)
    call_next_date = fields.Datetime("Next Call", index="btree_not_null", copy=False, readonly=True,
                                     help="Retry or callback scheduled by the last call logged on the contact.")
    call_cooldown_until = fields.Datetime("Cool-down Until", copy=False, readonly=True)
    call_suppression_note = fields.Char("Call Warning", compute="_compute_call_suppression")
    call_suppressed = fields.Boolean("Do Not Call", compute="_compute_call_suppression",
                                     search="_search_call_suppressed")
    call_due_today = fields.Boolean("Due for a Call Today", compute="_compute_call_due_today",
                                    search="_search_call_due_today")

    @api.depends("phone", "mobile")
    def _compute_call_numbers_normalized(self):
        for partner in self:
            partner.call_phone_normalized = normalize_phone(partner.phone)
            partner.call_mobile_normalized = normalize_phone(partner.mobile)

    def _compute_call_suppression(self):
        Suppression = self.env["crm.phone.suppression"]
        for partner in self:
            found = Suppression._find(
                [partner.call_phone_normalized, partner.call_mobile_normalized], partner) if partner.id else []
            partner.call_suppressed = bool(found)
            partner.call_suppression_note = "; ".join(s._describe() for s in found) or False

    def _search_call_suppressed(self, operator, value):
        Suppression = self.env["crm.phone.suppression"].sudo()
        numbers = Suppression._search([]).subselect("phone_sanitized")
        # NULL-safe: "NULL IN (subquery)" is NULL in SQL and would hide the row under a negation
        domain = ["|", "|",
                  "&", ("call_phone_normalized", "!=", False), ("call_phone_normalized", "in", numbers),
                  "&", ("call_mobile_normalized", "!=", False), ("call_mobile_normalized", "in", numbers),
                  ("id", "in", Suppression._search([("partner_id", "!=", False)]).subselect("partner_id"))]
        positive = (operator == "=") == bool(value)
        return domain if positive else ["!", *domain]

    def _compute_call_due_today(self):
        due = self.search([("id", "in", self.ids), ("call_due_today", "=", True)]) if self.ids else self
        for partner in self:
            partner.call_due_today = partner in due

    def _search_call_due_today(self, operator, value):
        """Contacts whose retry, callback or end of cool-down (from a call logged on the contact
        without a lead) falls today or earlier, with a number that is not flagged."""
        end = datetime.combine(fields.Date.context_today(self), time.max)
        now = fields.Datetime.now()
        domain = [
            ("call_next_date", "<=", end),
            ("call_suppressed", "=", False),
            "|", ("call_phone_normalized", "!=", False), ("call_mobile_normalized", "!=", False),
            "|", ("call_cooldown_until", "=", False), ("call_cooldown_until", "<=", now),
        ]
        positive = (operator == "=") == bool(value)
        if positive:
            return domain
        return [("id", "not in", self._search(domain))]

    def action_log_call(self):
        self.ensure_one()
        return self.env["crm.call.log.wizard"]._action_open({"default_partner_id": self.id})

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
