from odoo import api
from odoo import fields
from odoo import models

from .sfcn_access import guard_create
from .sfcn_access import guard_write
from .sfcn_access import log_corrections


class CrmLeadCheck(models.Model):
    _name = "crm.lead.check"
    _description = "Deal Checklist Answer"
    _order = "stage_sequence, sequence, id"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade")
    check_id = fields.Many2one("crm.stage.check", required=True, ondelete="cascade", index=True)
    name = fields.Char(related="check_id.name", string="Check Item")
    help_text = fields.Text(related="check_id.help_text")
    required = fields.Boolean(related="check_id.required", store=True)
    stage_id = fields.Many2one(related="check_id.stage_id", store=True)
    stage_sequence = fields.Integer(related="check_id.stage_id.sequence", store=True, string="Stage Sequence")
    sequence = fields.Integer(related="check_id.sequence", store=True)
    done = fields.Boolean()
    user_id = fields.Many2one("res.users", string="Checked By", readonly=True)
    date = fields.Datetime("Checked On", readonly=True)
    note = fields.Char("Note / Evidence")
    needs_reconfirm = fields.Boolean("To Re-confirm", readonly=True)
    log_ids = fields.One2many("crm.lead.check.log", "lead_check_id", string="Audit Trail")

    _sql_constraints = [
        ("lead_check_unique", "unique(lead_id, check_id)", "A check is answered once per deal."),
    ]

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # the checklist rows of moves still in the ORM's cache are written by crm_lead's stage trigger
        # (crm_lead_stage_history.py) when crm_lead is flushed: a read of a deal's checklist sees them
        self.env["crm.lead"].flush_model(["stage_id"])
        return super()._search(domain, offset, limit, order)

    @api.model_create_multi
    def create(self, vals_list):
        # who ticked and when is the system's to say (sfcn_access.SYSTEM_FIELDS)
        guard_create(self, vals_list)
        now = fields.Datetime.now()
        vals_list = [dict(vals, user_id=self.env.uid, date=now) if vals.get("done") else vals for vals in vals_list]
        checks = super().create(vals_list)
        checks.filtered("done")._log_answer()
        return checks

    def write(self, vals):
        changes = guard_write(self, vals)
        if "done" in vals:
            vals = dict(vals, user_id=self.env.uid, date=fields.Datetime.now(), needs_reconfirm=False)
        res = super().write(vals)
        if "done" in vals or "note" in vals:
            self._log_answer()
        log_corrections(self, changes, thread_of=lambda check: check.lead_id)
        return res

    def _log_answer(self):
        self.env["crm.lead.check.log"].sudo().create([{
            "lead_check_id": check.id, "lead_id": check.lead_id.id, "done": check.done,
            "note": check.note, "user_id": self.env.uid,
        } for check in self])
