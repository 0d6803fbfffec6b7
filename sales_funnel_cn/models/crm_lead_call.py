from odoo import api
from odoo import fields
from odoo import models
from odoo.osv import expression

# what crm computes a deal's company from (crm.lead._compute_company_id), and the company itself
COMPANY_INPUTS = {"company_id", "user_id", "team_id", "partner_id"}


class CrmLead(models.Model):
    """Telesales on deals: the call state (crm_call_state.py), the call logs and the telesales status."""

    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.call.state.mixin"]

    call_log_ids = fields.One2many("crm.call.log", "lead_id", "Call Logs")
    call_count = fields.Integer("Calls", compute="_compute_call_count")
    call_status = fields.Selection(
        [("potential", "Potential Customer (D)"), ("target", "Target Customer (C)")],
        "Telesales Status", index="btree_not_null", copy=False, readonly=True,
        help="Set by the last D or C call outcome. The A/B/C/D customer grade is computed separately "
             "from key persons and qualification facts.")
    call_phone = fields.Char("Number to Call", compute="_compute_call_phone",
                             help="The deal's mobile or phone, else its contact's mobile or phone.")

    def init(self):
        res = super().init()
        # 今日外呼 (a rep's deals due today, the screen a telesales rep opens all day): the rep's active deals
        # by their next call, so the list does not build a bitmap of every deal of every rep due before tonight
        # (half the table at 1,000,000 deals: 456 ms, 244 ms with this index). It names call_next_date, so
        # uninstalling drops it with the column.
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS sales_funnel_cn_call_due_index
                ON crm_lead (user_id, call_next_date) WHERE active""")
        return res

    def write(self, vals):
        """A deal moved to another company takes its calls along (a call's company is its deal's; the call
        rules and rates are per company). Only a write can move a deal's company (crm computes it from the
        owner, the team and the customer), so the calls follow here rather than through a dependency of every
        call on its deal's company: that made the ORM read and recompute every call of every deal a reclaim
        returns to the pool (5 per deal in the benchmark) to change none of them."""
        if not COMPANY_INPUTS & set(vals):
            return super().write(vals)
        before = {lead.id: lead.company_id for lead in self}
        result = super().write(vals)
        moved = self.filtered(lambda lead: lead.company_id and lead.company_id != before[lead.id])
        Call = self.env["crm.call.log"].sudo()
        for company in moved.company_id:
            leads = moved.filtered(lambda lead, company=company: lead.company_id == company)
            Call.search([("lead_id", "in", leads.ids), ("company_id", "!=", company.id)]).write(
                {"company_id": company.id})
        return result

    @api.depends("phone", "mobile", "partner_id.phone", "partner_id.mobile")
    def _compute_call_phone(self):
        for lead in self:
            lead.call_phone = lead._sfcn_call_number()

    def _sfcn_call_number(self):
        return self._sfcn_own_call_number() or (self.partner_id and self.partner_id._sfcn_own_call_number())

    def _compute_call_count(self):
        counts = dict(self.env["crm.call.log"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
        for lead in self:
            lead.call_count = counts.get(lead, 0)

    def _sfcn_call_due_domain(self, end):
        """A deal never called is due at once; a won deal is a customer now, not a cold call."""
        return [
            "|", ("stage_id", "=", False), ("stage_id.is_won", "=", False),
            "|", ("call_next_date", "<", end),
            "&", ("call_next_date", "=", False), ("call_last_date", "=", False),
        ]

    def _sfcn_has_number_domain(self):
        """Its own number or its contact's. Whether the contact has a number is one subquery on the contacts
        without their record rules (a contact's rules, e.g. the pool's masking, join the deals again for
        every row: seconds on today's call list at a million deals); it reveals no number, only that the
        deal can be dialled, and the deals listed stay those the user may read."""
        Partner = self.env["res.partner"]
        has_number = Partner.sudo().with_context(active_test=False)._search(expression.OR(
            [[(fname, "!=", False)] for fname in Partner._phone_get_number_fields()]))
        return [*super()._sfcn_has_number_domain(), ("partner_id", "in", has_number)]

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
