from datetime import datetime
from datetime import time

from odoo import api
from odoo import fields
from odoo import models

from .crm_phone_suppression import normalize_phone


class CrmLead(models.Model):
    _inherit = "crm.lead"

    call_phone_normalized = fields.Char(
        "Call Number", compute="_compute_call_phone_normalized", store=True, index=True,
        help="The lead's phone (or mobile) in E.164 form: the same number written differently is one number.")
    call_log_ids = fields.One2many("crm.call.log", "lead_id", "Call Logs")
    call_count = fields.Integer("Calls", compute="_compute_call_count")
    call_status = fields.Selection(
        [("potential", "Potential Customer (D)"), ("target", "Target Customer (C)")],
        "Telesales Status", index=True, copy=False, readonly=True,
        help="Set by the last D or C call outcome. The A/B/C/D customer grade is computed separately "
             "from key persons and qualification facts.")
    call_na_count = fields.Integer("Consecutive Unanswered Calls", default=0, copy=False, readonly=True)
    call_next_date = fields.Datetime("Next Call", index=True, copy=False, readonly=True,
                                     help="Retry or callback scheduled by the last call outcome.")
    call_cooldown_until = fields.Datetime("Cool-down Until", copy=False, readonly=True)
    call_suppression_note = fields.Char("Call Warning", compute="_compute_call_suppression")
    call_suppressed = fields.Boolean("Do Not Call", compute="_compute_call_suppression",
                                     search="_search_call_suppressed")
    call_due_today = fields.Boolean("Due for a Call Today", compute="_compute_call_due_today",
                                    search="_search_call_due_today")
    call_phone = fields.Char("Number to Call", compute="_compute_call_phone",
                             help="The deal's phone or mobile, else its contact's phone or mobile.")

    @api.depends("phone", "mobile")
    def _compute_call_phone_normalized(self):
        for lead in self:
            lead.call_phone_normalized = normalize_phone(lead.phone or lead.mobile)

    @api.depends("phone", "mobile", "partner_id.phone", "partner_id.mobile")
    def _compute_call_phone(self):
        for lead in self:
            lead.call_phone = lead._sfcn_call_number()

    def _sfcn_call_number(self):
        """The number a call on this deal dials: one rule for the call list, the dialog and the log."""
        self.ensure_one()
        return self.phone or self.mobile or self.partner_id.phone or self.partner_id.mobile or False

    def _compute_call_count(self):
        counts = dict(self.env["crm.call.log"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
        for lead in self:
            lead.call_count = counts.get(lead, 0)

    def _compute_call_suppression(self):
        Suppression = self.env["crm.phone.suppression"]
        for lead in self:
            found = Suppression._find([lead.call_phone_normalized], lead.partner_id)
            lead.call_suppressed = bool(found)
            lead.call_suppression_note = "; ".join(s._describe() for s in found) or False

    def _search_call_suppressed(self, operator, value):
        Suppression = self.env["crm.phone.suppression"].sudo()
        # NULL-safe: "NULL IN (subquery)" is NULL in SQL and would hide the row under a negation
        domain = ["|",
                  "&", ("call_phone_normalized", "!=", False),
                  ("call_phone_normalized", "in", Suppression._search([]).subselect("phone_sanitized")),
                  "&", ("partner_id", "!=", False),
                  ("partner_id", "in", Suppression._search([("partner_id", "!=", False)]).subselect("partner_id"))]
        positive = (operator == "=") == bool(value)
        return domain if positive else ["!", *domain]

    def _compute_call_due_today(self):
        due = self.search([("id", "in", self.ids), ("call_due_today", "=", True)])
        for lead in self:
            lead.call_due_today = lead in due

    def _search_call_due_today(self, operator, value):
        end = datetime.combine(fields.Date.context_today(self), time.max)
        now = fields.Datetime.now()
        domain = [
            ("call_suppressed", "=", False),
            # a won deal is a customer now, not a cold call
            "|", ("stage_id", "=", False), ("stage_id.is_won", "=", False),
            "|", "|", ("call_phone_normalized", "!=", False), ("partner_id.phone", "!=", False),
            ("partner_id.mobile", "!=", False),
            "|", ("call_cooldown_until", "=", False), ("call_cooldown_until", "<=", now),
            "|", ("call_next_date", "<=", end),
            "&", ("call_next_date", "=", False), ("call_log_ids", "=", False),
        ]
        positive = (operator == "=") == bool(value)
        if positive:
            return domain
        return [("id", "not in", self._search(domain))]

    def action_log_call(self):
        self.ensure_one()
        return self.env["crm.call.log.wizard"]._action_open({"default_lead_id": self.id})

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_funnel_cn.crm_call_log_action")
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id}
        return action

    def log_call(self, code, purpose, phone=None, duration=0.0, note=None, callback_date=None):
        """RPC entry point: log a call on this lead with an outcome code ('N/A', 'W/N', 'D', ...)."""
        self.ensure_one()
        return self.env["crm.call.log"].create({
            "lead_id": self.id, "outcome_code": code, "purpose": purpose,
            "phone": phone or self._sfcn_call_number(), "duration": duration, "note": note,
            "callback_date": callback_date,
        }).id
