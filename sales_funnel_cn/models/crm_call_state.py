import re

from odoo import fields
from odoo import models
from odoo.addons.phone_validation.models.mail_thread_phone import PHONE_REGEX_PATTERN  # pylint: disable=import-error

from .sfcn_dates import local_period_utc


class CrmCallState(models.AbstractModel):
    """The telesales call state of a record that can be called: a deal (crm.lead) or a contact called without a
    deal (res.partner). Set by crm.call.log._apply_effect; one definition of the fields, the do-not-call lookup
    and today's call list for both.

    Numbers are core's: ``phone_sanitized`` of ``mail.thread.phone`` (crm gives it to deals, sms to contacts:
    the module depends on sms, installed with crm anyway), E.164 by ``_phone_format`` with the region from the
    record's country, then its contact's, then the company's, so '138 0013 8000', '+86-13800138000'
    and '8613800138000' are one number. The number dialled is the one core sanitises first
    (``_phone_get_number_fields``: mobile, then phone), so a flag on the dialled number hits the record."""

    _name = "crm.call.state.mixin"
    _description = "Call State"
    # the field naming the contact whose blacklisting (B/L) flags the record
    _sfcn_call_contact_field = "partner_id"

    call_na_count = fields.Integer("Consecutive Unanswered Calls", default=0, copy=False, readonly=True)
    call_next_date = fields.Datetime("Next Call", index="btree_not_null", copy=False, readonly=True,
                                     help="Retry or callback scheduled by the last call outcome.")
    call_cooldown_until = fields.Datetime("Cool-down Until", copy=False, readonly=True)
    # "never called" without a NOT IN over every call log (a subquery PostgreSQL cannot hash at millions of calls)
    call_last_date = fields.Datetime("Last Call", index="btree_not_null", copy=False, readonly=True,
                                     help="When the latest call logged on it was made.")
    call_suppression_note = fields.Char("Call Warning", compute="_compute_call_suppression")
    call_suppressed = fields.Boolean("Do Not Call", compute="_compute_call_suppression",
                                     search="_search_call_suppressed")
    call_due_today = fields.Boolean("Due for a Call Today", compute="_compute_call_due_today",
                                    search="_search_call_due_today")

    def _sfcn_sanitize(self, number):
        """``number`` as a call on this record (or on none: an empty recordset) stores it: core's E.164 form
        (``_phone_format``, the region from the record's country, then its contact's, then the company's), the
        form of ``phone_sanitized``. A number core cannot format keeps its digits and signs without separators
        (core's ``phone_mobile_search`` form): a W/N on it is still kept and warned about when it is dialled."""
        if not number:
            return False
        if len(self) == 1 and self.phone_sanitized:
            # the record's only number: core already stored its form (same region), no country to read
            numbers = [self[fname] for fname in self._phone_get_number_fields() if self[fname]]
            if numbers == [number]:
                return self.phone_sanitized
        return self._phone_format(number=number) or re.sub(PHONE_REGEX_PATTERN, "", number) or False

    def _sfcn_own_call_number(self):
        """The record's own number to dial, in core's order (the one ``phone_sanitized`` is made of)."""
        self.ensure_one()
        return next((self[fname] for fname in self._phone_get_number_fields() if self[fname]), False)

    def _sfcn_call_number(self):
        """The number a call on this record dials: one rule for the call list, the dialog and the log."""
        return self._sfcn_own_call_number()

    def _sfcn_call_contact(self):
        self.ensure_one()
        field = self._sfcn_call_contact_field
        return self if field == "id" else self[field]

    def _compute_call_suppression(self):
        """One lookup for all the records (a list of deals reads the flags of its page at once)."""
        records = self.filtered("id")
        contacts = self.env["res.partner"].union(*(record._sfcn_call_contact() for record in records))
        flags = self.env["crm.phone.suppression"]._find(records.mapped("phone_sanitized"), contacts)
        for record in self:
            contact = record._sfcn_call_contact() if record.id else record.browse()
            found = flags.filtered(lambda f, r=record, c=contact: (
                r.phone_sanitized and f.phone_sanitized == r.phone_sanitized) or (c and f.partner_id == c))
            record.call_suppressed = bool(found)
            record.call_suppression_note = "; ".join(flag._describe() for flag in found) or False

    def _search_call_suppressed(self, operator, value):
        Suppression = self.env["crm.phone.suppression"].sudo()
        contact = self._sfcn_call_contact_field
        # NULL-safe: "NULL IN (subquery)" is NULL in SQL and would hide the row under a negation
        domain = ["|",
                  "&", ("phone_sanitized", "!=", False),
                  ("phone_sanitized", "in", Suppression._search([]).subselect("phone_sanitized")),
                  "&", (contact, "!=", False),
                  (contact, "in", Suppression._search([("partner_id", "!=", False)]).subselect("partner_id"))]
        positive = (operator == "=") == bool(value)
        return domain if positive else ["!", *domain]

    def _compute_call_due_today(self):
        due = self.search([("id", "in", self.ids), ("call_due_today", "=", True)]) if self.ids else self
        for record in self:
            record.call_due_today = record in due

    def _sfcn_call_due_domain(self, end):
        """What makes a callable record due today besides its number, flags and cool-down (per model)."""
        return [("call_next_date", "<", end)]

    def _sfcn_has_number_domain(self):
        return [(fname, "!=", False) for fname in self._phone_get_number_fields()]

    def _search_call_due_today(self, operator, value):
        """Records whose retry, callback or end of cool-down falls today or earlier, with a number to dial that is
        not flagged."""
        # the end of the user's day, as the stored UTC datetimes (a callback at 07:00 Beijing time tomorrow is
        # 23:00 UTC today, yet not due today)
        end = local_period_utc(self.env.user.tz)[1]
        now = fields.Datetime.now()
        has_number = self._sfcn_has_number_domain()
        domain = [
            *self._sfcn_call_due_domain(end),
            ("call_suppressed", "=", False),
            *["|"] * (len(has_number) - 1), *has_number,
            "|", ("call_cooldown_until", "=", False), ("call_cooldown_until", "<=", now),
        ]
        positive = (operator == "=") == bool(value)
        if positive:
            return domain
        return [("id", "not in", self._search(domain))]
