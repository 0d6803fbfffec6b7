from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import format_datetime

REASONS = [
    ("invalid", "Invalid Number (W/N)"),
    ("blacklist", "Blacklisted (B/L)"),
    ("unreachable", "Long-term Unreachable (长期未接通)"),
]


class CrmPhoneSuppression(models.Model):
    """A number (and possibly a contact) that must not be called: invalid, blacklisted or unreachable.
    Records are never deleted: clearing one keeps who cleared it and when (tracked in its chatter). Numbers are
    core's sanitised form (``phone_sanitized`` of deals and contacts, see crm_call_state.py)."""

    _name = "crm.phone.suppression"
    _inherit = ["mail.thread"]
    _description = "Suppressed Phone Number"
    _order = "date desc, id desc"
    _rec_name = "phone_sanitized"

    phone_sanitized = fields.Char("Number", required=True, index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", "Contact", index="btree_not_null", readonly=True)
    reason = fields.Selection(REASONS, required=True, readonly=True)
    date = fields.Datetime("Flagged On", required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one("res.users", "Flagged By", default=lambda self: self.env.user, readonly=True)
    call_id = fields.Many2one("crm.call.log", readonly=True, ondelete="set null")
    active = fields.Boolean(default=True, readonly=True, tracking=True)
    date_cleared = fields.Datetime("Cleared On", readonly=True, tracking=True)
    cleared_by_id = fields.Many2one("res.users", readonly=True, tracking=True)

    def _describe(self):
        self.ensure_one()
        reason = dict(self._fields["reason"]._description_selection(self.env))[self.reason]
        return self.env._("%(number)s is flagged %(reason)s since %(date)s by %(user)s",
                          number=self.phone_sanitized, reason=reason,
                          date=format_datetime(self.env, self.date), user=self.user_id.name or "-")

    @api.model
    def _find(self, numbers=(), partners=None):
        """Active suppressions hitting these sanitised numbers or contacts (indexed lookups)."""
        numbers = [n for n in numbers if n]
        parts = []
        if numbers:
            parts.append([("phone_sanitized", "in", numbers)])
        if partners:
            parts.append([("partner_id", "in", partners.ids)])
        if not parts:
            return self.browse()
        return self.sudo().search(expression.OR(parts))

    def action_clear(self):
        """Managers clear a flag; the record stays (archived) with who and when, and leads log it."""
        if not self.env.user._sfcn_is_sales_manager():
            raise AccessError(self.env._("Only sales managers can clear a suppressed number."))
        now = fields.Datetime.now()
        for rec in self.filtered("active"):
            rec.sudo().write({"active": False, "date_cleared": now, "cleared_by_id": self.env.uid})
            self.env["crm.lead"].invalidate_model(["call_suppressed", "call_suppression_note", "call_due_today"])
            self.env["res.partner"].invalidate_model(["call_suppressed", "call_suppression_note", "call_due_today"])
            leads = self.env["crm.lead"].sudo().search([("phone_sanitized", "=", rec.phone_sanitized)])
            for lead in leads:
                lead.message_post(body=self.env._("Call flag cleared by %(user)s: %(desc)s",
                                                  user=self.env.user.name, desc=rec._describe()))
        return True
