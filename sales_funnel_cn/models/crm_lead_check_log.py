from odoo import fields
from odoo import models


class CrmLeadCheckLog(models.Model):
    _name = "crm.lead.check.log"
    _description = "Deal Checklist Audit Trail"
    _order = "date desc, id desc"

    lead_check_id = fields.Many2one("crm.lead.check", required=True, ondelete="cascade", index=True)
    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    check_id = fields.Many2one(related="lead_check_id.check_id", store=True)
    done = fields.Boolean(readonly=True)
    note = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", readonly=True)
    date = fields.Datetime(default=fields.Datetime.now, readonly=True)
