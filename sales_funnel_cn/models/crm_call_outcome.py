from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import escape_psql

EFFECTS = [
    ("none", "No Effect"),
    ("retry", "Retry Later"),
    ("invalid", "Invalid Number (Company-wide)"),
    ("blacklist", "Blacklist Number and Contact (Company-wide)"),
    ("cooldown", "Cool Down the Lead"),
    ("lost", "Mark the Lead Lost"),
    ("callback", "Callback at a Required Date"),
    ("potential", "Potential Customer (Grade D)"),
    ("target", "Target Customer (Grade C)"),
]


class CrmCallOutcome(models.Model):
    """A call summary code (外呼小结). Codes and their effects are data, editable by sales managers only; every
    change of a code, its effect or its parameters is tracked in its chatter."""

    _name = "crm.call.outcome"
    _inherit = ["mail.thread"]
    _description = "Call Outcome"
    _order = "sequence, id"
    _rec_names_search = ["code", "name"]

    name = fields.Char("Meaning", required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True, help="Short code written on every call, e.g. N/A, W/N, D, C.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    is_connected = fields.Boolean(
        "Connected", tracking=True, help="Someone answered: the call counts in the connected rate (接通率).")
    is_conversation = fields.Boolean(
        "Conversation", tracking=True,
        help="A real conversation took place: counts in the conversation rate (洽谈率).")
    is_conversion = fields.Boolean(
        "Conversion", tracking=True,
        help="The contact became a potential or target customer: counts in the conversion rate (转化率).")
    is_hangup = fields.Boolean(
        "Hang-up", tracking=True, help="The contact hung up: counts in the hang-up rate (挂线率).")
    effect = fields.Selection(EFFECTS, required=True, default="none", tracking=True)
    retry_hours = fields.Integer(
        "Retry After (Hours)", default=0, tracking=True,
        help="The lead is due for a call again after this delay (0: no retry scheduled).")
    unreachable_after = fields.Integer(
        default=0, tracking=True,
        help="After this many consecutive calls with this outcome the number is flagged 长期未接通 "
             "(0: never).")
    cooldown_days = fields.Integer("Cool-down (Days)", default=0, tracking=True)
    lost_reason_id = fields.Many2one("crm.lost.reason", tracking=True)
    activity_type_id = fields.Many2one(
        "mail.activity.type", tracking=True, help="Activity scheduled on the lead by this outcome.")
    activity_days = fields.Integer("Activity In (Days)", default=1, tracking=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A call outcome code must be unique."),
        ("params_positive",
         "CHECK(retry_hours >= 0 AND unreachable_after >= 0 AND cooldown_days >= 0 AND activity_days >= 0)",
         "Delays and counts of a call outcome cannot be negative."),
    ]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for outcome in self:
            outcome.display_name = f"{outcome.code} · {outcome.name}" if outcome.name else outcome.code

    @api.model
    @api.readonly
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """A code typed exactly wins: "C" gives C before Cut, "D" gives D before 待跟进's meaning."""
        results = super().name_search(name, args, operator, limit)
        code = (name or "").strip()
        if not code or operator not in ("ilike", "=ilike", "=", "like"):
            return results
        exact = self.search_fetch([*(args or []), ("code", "=ilike", escape_psql(code))], ["display_name"], limit=1)
        if not exact:
            return results
        others = [r for r in results if r[0] != exact.id]
        return [(exact.id, exact.display_name), *(others[:limit - 1] if limit else others)]

    @api.model
    def _from_code(self, code):
        """The active outcome with this code, or a clear error."""
        outcome = self.search([("code", "=", (code or "").strip())], limit=1)
        if not outcome:
            known = ", ".join(self.search([("code", "!=", False)], limit=50).mapped("code"))
            raise UserError(self.env._("Unknown call outcome code %(code)r. Known codes: %(known)s",
                                       code=code, known=known))
        return outcome
