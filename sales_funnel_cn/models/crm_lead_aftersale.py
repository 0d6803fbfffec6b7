from odoo import fields
from odoo import models
from odoo.exceptions import UserError

# seed 001 · 转化客户 · 关键环节, after the win
STEPS = [("quote_confirmed", "Quotation Confirmed"), ("invoice", "Invoice"), ("payment", "Payment Received"),
         ("delivery", "Delivery"), ("health_check", "Health Check"), ("renewal", "Renewal"),
         ("upsell", "Upsell")]


class CrmLeadAftersale(models.Model):
    """One step of a won deal's after-sale checklist (报价确认 → 发票 → 回款 → 交付 → 体检监控 → 续约 → 增购): who
    marked it done and when (set by the system), with a note."""

    _name = "crm.lead.aftersale"
    _inherit = ["sfcn.guarded.mixin"]
    _description = "After-sale Step"
    _order = "lead_id, sequence, id"

    lead_id = fields.Many2one("crm.lead", "Deal", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    step = fields.Selection(STEPS, required=True)
    sequence = fields.Integer(default=10)
    done = fields.Boolean(readonly=True)
    user_id = fields.Many2one("res.users", "Done By", readonly=True)
    date_done = fields.Datetime("Done On", readonly=True)
    note = fields.Char()

    _sql_constraints = [("lead_step_uniq", "unique(lead_id, step)", "Each after-sale step appears once per deal.")]

    def action_done(self):
        """Mark the steps done now, by the current user (on deals he may edit)."""
        self.lead_id.check_access("write")
        if any(step.done for step in self):
            raise UserError(self.env._("This after-sale step is already done."))
        self.sudo().write({"done": True, "user_id": self.env.user.id, "date_done": self.env.cr.now()})
        return True

    def action_reopen(self):
        self.lead_id.check_access("write")
        self.sudo().write({"done": False, "user_id": False, "date_done": False})
        return True
