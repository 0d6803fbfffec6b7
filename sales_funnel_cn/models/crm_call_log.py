from datetime import timedelta

from markupsafe import Markup
from markupsafe import escape

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError


class CrmCallLog(models.Model):
    """One telesales call and its outcome code (外呼小结). Creating a call applies the code's effect."""

    _name = "crm.call.log"
    _description = "Call Log"
    _order = "date desc, id desc"
    _rec_name = "phone"

    lead_id = fields.Many2one("crm.lead", index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", "Contact", index="btree_not_null", ondelete="set null")
    user_id = fields.Many2one("res.users", "Salesperson", required=True, index=True,
                              default=lambda self: self.env.user)
    team_id = fields.Many2one("crm.team", "Sales Team", index="btree_not_null")
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, readonly=False, precompute=True,
        index=True, help="The company of the deal called about, else the salesperson's company.")
    date = fields.Datetime(required=True, index=True, default=fields.Datetime.now)
    outcome_id = fields.Many2one("crm.call.outcome", required=True, ondelete="restrict")
    code = fields.Char(related="outcome_id.code", string="Code")
    phone = fields.Char("Number", required=True)
    phone_sanitized = fields.Char("Normalized Number", compute="_compute_phone_sanitized", store=True,
                                  precompute=True, index=True)
    duration = fields.Float("Duration (Minutes)")
    purpose = fields.Char(required=True, help="没有明确目的不可以进行跟进: every call needs a purpose.")
    note = fields.Text()
    callback_date = fields.Datetime("Callback On")

    _sql_constraints = [
        ("duration_positive", "CHECK(duration >= 0)", "A call duration cannot be negative."),
    ]

    def init(self):
        res = super().init()
        # the call rates (外呼报表: a month per salesperson, team or company, over millions of calls) read a
        # date range and the salesperson, outcome, team and company of each call: all in one index, so the
        # report reads the index only, not the table
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_call_log_rates_index
                ON crm_call_log (date, user_id) INCLUDE (outcome_id, team_id, company_id)""")
        return res

    @api.depends("lead_id", "user_id")  # the deal's later company moves follow in crm_lead_call.py's write
    def _compute_company_id(self):
        for call in self:
            if not call.company_id or call.lead_id.company_id:
                call.company_id = call.lead_id.company_id or call.user_id.company_id or self.env.company

    @api.depends("phone", "lead_id.country_id", "partner_id.country_id")
    def _compute_phone_sanitized(self):
        for call in self:
            call.phone_sanitized = (call.lead_id or call.partner_id)._sfcn_sanitize(call.phone)

    @api.model_create_multi
    def create(self, vals_list):
        Outcome = self.env["crm.call.outcome"]
        for vals in vals_list:
            if "outcome_code" in vals:
                vals["outcome_id"] = Outcome._from_code(vals.pop("outcome_code")).id
            if not (vals.get("purpose") or "").strip():
                raise ValidationError(self.env._("A call needs a purpose (没有明确目的不可以进行跟进)."))
            if not vals.get("outcome_id"):
                raise ValidationError(self.env._("A call needs an outcome code."))
            lead = self.env["crm.lead"].browse(vals.get("lead_id"))
            self._check_not_masked(lead, self.env["res.partner"].browse(vals.get("partner_id")))
            if lead:
                vals.setdefault("partner_id", lead.partner_id.id)
                vals.setdefault("team_id", lead.team_id.id)
                vals.setdefault("phone", lead._sfcn_call_number())
            elif vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals.setdefault("phone", partner._sfcn_call_number())
            if not vals.get("phone"):
                raise ValidationError(self.env._("A call needs a phone number."))
            outcome = Outcome.browse(vals["outcome_id"])
            if outcome.effect == "callback" and not vals.get("callback_date"):
                raise ValidationError(self.env._(
                    "Outcome %(code)s needs the callback date the contact agreed to.", code=outcome.code))
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            suppressed = self.env["crm.phone.suppression"]._find([(lead or partner)._sfcn_sanitize(vals["phone"])],
                                                                 partner)
            if suppressed:
                raise UserError(self.env._(
                    "Do not call this number: %(why)s. A sales manager can clear the flag.",
                    why="; ".join(s._describe() for s in suppressed)))
        calls = super().create(vals_list)
        for call in calls:
            call._apply_effect()
            call._post_summary()
        return calls

    def write(self, vals):
        moved = {"lead_id", "partner_id", "date"} & set(vals)
        before = (self.lead_id, self.partner_id)
        result = super().write(vals)
        if moved:
            self._sfcn_refresh_last_call(before[0] | self.lead_id, before[1] | self.partner_id)
        return result

    def unlink(self):
        leads, partners = self.lead_id, self.partner_id
        result = super().unlink()
        self._sfcn_refresh_last_call(leads, partners)
        return result

    @api.model
    def _sfcn_refresh_last_call(self, leads, partners):
        """A manager who edits or deletes call logs changes when a deal (or a contact called without a deal)
        was last called, which says whether a deal never called is due today."""
        Log = self.sudo()
        for called, field, extra in ((leads, "lead_id", []), (partners, "partner_id", [("lead_id", "=", False)])):
            records = called.sudo().exists()
            if not records:
                continue
            last = dict(Log._read_group([(field, "in", records.ids), *extra], [field], ["date:max"]))
            for record in records:
                if record.call_last_date != last.get(record):
                    record.write({"call_last_date": last.get(record) or False})

    def _check_not_masked(self, lead, partner):
        """A deal in the public pool is claimed before it is called: logging a call on it (or on another
        customer) would store, and show the caller, the number the pool hides. The deal's own customer is shown
        as the deal is (a customer's details are masked only to who holds no unmasked deal of it)."""
        if lead._pool_masked_ids() or partner._sfcn_masked_ids():
            raise UserError(self.env._(
                "%(deal)s is in the public pool: claim it before you call the customer.",
                deal=(lead or partner).sudo().display_name))

    def _post_summary(self):
        """One line in the deal's chatter (or the contact's, for a call without a deal): the history of the
        deal shows every call with its code, purpose and note. An internal note by the caller that notifies
        nobody: logged (``_message_log``, one INSERT) rather than posted (which looks for recipients, reply-to
        and a parent message to find that nobody is to be notified)."""
        self.ensure_one()
        record = self.lead_id or self.partner_id
        if not record:
            return
        body = escape(self.env._("Call %(code)s · %(meaning)s to %(phone)s. Purpose: %(purpose)s",
                                 code=self.outcome_id.code, meaning=self.outcome_id.name, phone=self.phone,
                                 purpose=self.purpose))
        if self.note:
            body = Markup("%s<br/>%s") % (body, self.note)
        record._message_log(body=body, author_id=self.user_id.sudo().partner_id.id)

    def _apply_effect(self):
        """Apply the outcome's effect kind with its parameters, then record the follow-up. A call
        logged from a contact without a lead keeps the same call state (retry, callback, cool-down,
        consecutive N/A) on the contact, so the contact shows up in the call list when due."""
        self.ensure_one()
        outcome, lead, when = self.outcome_id, self.lead_id.sudo(), self.date
        target = lead or self.partner_id.sudo()
        state = {}
        if target:
            state["call_na_count"] = 0 if outcome.is_connected else target.call_na_count + 1
            state["call_next_date"] = False
            state["call_last_date"] = max(target.call_last_date or when, when)
        if outcome.retry_hours:
            state["call_next_date"] = when + timedelta(hours=outcome.retry_hours)
        # the flag records who, when and which call: no creation line in its chatter (changes are tracked)
        Suppression = self.env["crm.phone.suppression"].sudo().with_context(mail_create_nolog=True,
                                                                            mail_create_nosubscribe=True)
        flag = {"phone_sanitized": self.phone_sanitized, "date": when, "user_id": self.user_id.id,
                "call_id": self.id}
        if outcome.effect == "invalid":
            Suppression.create(dict(flag, reason="invalid"))
        elif outcome.effect == "blacklist":
            Suppression.create(dict(flag, reason="blacklist", partner_id=self.partner_id.id))
        elif outcome.effect == "cooldown" and target:
            until = when + timedelta(days=outcome.cooldown_days)
            state.update(call_cooldown_until=until, call_next_date=until)
        elif outcome.effect == "callback" and target:
            state["call_next_date"] = self.callback_date
            self._schedule_activity(target, outcome, fields.Date.to_date(self.callback_date))
        elif outcome.effect in ("potential", "target") and lead:
            state["call_status"] = outcome.effect
            self._schedule_activity(lead, outcome, fields.Date.to_date(when) + timedelta(days=outcome.activity_days))
        if (outcome.unreachable_after and target
                and state.get("call_na_count", 0) >= outcome.unreachable_after):
            Suppression.create(dict(flag, reason="unreachable"))
        for model in ("crm.lead", "res.partner"):
            self.env[model].invalidate_model(["call_suppressed", "call_suppression_note", "call_due_today"])
        if target:
            target.write(state)
        if lead:
            if outcome.effect == "lost":
                lead.action_set_lost(lost_reason_id=outcome.lost_reason_id.id)
            lead._mark_followup(when, source="call")

    def _schedule_activity(self, record, outcome, deadline):
        activity_type = outcome.activity_type_id or self.env.ref("mail.mail_activity_data_call")
        record.activity_schedule(
            activity_type_id=activity_type.id, date_deadline=deadline,
            summary=self.purpose, note=self.note or "", user_id=self.user_id.id)

