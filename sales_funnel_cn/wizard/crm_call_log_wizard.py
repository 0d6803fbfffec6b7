from odoo import api
from odoo import fields
from odoo import models


class CrmCallLogWizard(models.TransientModel):
    """Quick dialog to log a call from a lead, a kanban card or a contact."""

    _name = "crm.call.log.wizard"
    _description = "Log a Call"

    lead_id = fields.Many2one("crm.lead")
    partner_id = fields.Many2one("res.partner", "Contact")
    phone = fields.Char("Number", compute="_compute_phone", store=True, readonly=False)
    outcome_id = fields.Many2one("crm.call.outcome", required=True)
    outcome_effect = fields.Selection(related="outcome_id.effect")
    duration = fields.Float("Duration (Minutes)")
    purpose = fields.Char(required=True)
    note = fields.Text()
    callback_date = fields.Datetime("Callback On")
    warning = fields.Char(compute="_compute_warning")
    # defaults, not computes: the dialog opens through onchange, which fills defaults but leaves a compute
    # without dependencies at 0 (the "0 / 0" of issue 17)
    goal_calls = fields.Integer(readonly=True, default=lambda self: self._progress("goal_calls"))
    goal_conversions = fields.Integer(readonly=True, default=lambda self: self._progress("goal_conversions"))
    today_calls = fields.Integer("Calls Today", readonly=True, default=lambda self: self._progress("today_calls"))
    today_conversions = fields.Integer("D + C Today", readonly=True,
                                       default=lambda self: self._progress("today_conversions"))

    @api.depends("lead_id", "partner_id")
    def _compute_phone(self):
        for wizard in self:
            lead, partner = wizard.lead_id, wizard.partner_id
            # a stored compute runs as superuser: ask as the user who opened the dialog
            if lead.with_env(self.env(su=False))._pool_masked_ids() \
                    or partner.with_env(self.env(su=False))._sfcn_masked_ids():
                wizard.phone = False  # the pool hides it: the call is refused until the deal is claimed
                continue
            wizard.phone = ((lead or partner) and (lead or partner)._sfcn_call_number()) or wizard.phone

    @api.depends("phone", "partner_id", "lead_id")
    def _compute_warning(self):
        for wizard in self:
            if wizard.lead_id._pool_masked_ids() or wizard.partner_id._sfcn_masked_ids():
                wizard.warning = False
                continue
            found = self.env["crm.phone.suppression"]._find(
                [(wizard.lead_id or wizard.partner_id)._sfcn_sanitize(wizard.phone)],
                wizard.partner_id | wizard.lead_id.partner_id)
            wizard.warning = "; ".join(s._describe() for s in found) or False

    @api.model
    def _progress(self, key):
        """Today's figure ``key`` of the user, or the goal from the settings."""
        return self.env["crm.call.report"]._daily_progress(self.env.user)[key]

    @api.model
    def _action_open(self, context):
        """The quick call dialog, pre-filled from ``context`` (default_lead_id / default_partner_id)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_log(self):
        self.ensure_one()
        self.env["crm.call.log"].create({
            "lead_id": self.lead_id.id,
            "partner_id": (self.partner_id or self.lead_id.partner_id).id,
            "phone": self.phone,
            "outcome_id": self.outcome_id.id,
            "duration": self.duration,
            "purpose": self.purpose,
            "note": self.note,
            "callback_date": self.callback_date,
        })
        return {"type": "ir.actions.act_window_close"}
