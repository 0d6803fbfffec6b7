from odoo import api
from odoo import models

from .crm_lead_grade import GRADE_FACT_FIELDS

# what a deal's write may change of its company's level (res.partner._derive_customer_level reads the deal's
# company, active, type, won stage, grade A/B, lost probability and won date)
LEVEL_TRIGGERS = {"stage_id", "active", "probability", "partner_id", "type", "customer_grade",
                  "customer_grade_override", "date_closed", *GRADE_FACT_FIELDS}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads.partner_id.sudo()._apply_customer_level()
        return leads

    def write(self, vals):
        triggers = LEVEL_TRIGGERS & set(vals)
        if not triggers or (triggers <= {"stage_id", "probability"} and self._sfcn_open_move_only(vals)):
            return super().write(vals)
        before = {lead.id: lead._sfcn_level_inputs() for lead in self}
        res = super().write(vals)
        # only deals whose contribution to the level changed: a move between two open stages changes nothing
        changed = [lead for lead in self if lead._sfcn_level_inputs() != before[lead.id]]
        if changed:
            partner_ids = {before[lead.id][0] for lead in changed} | {lead.partner_id.id for lead in changed}
            self.env["res.partner"].browse(partner_ids - {False}).sudo()._apply_customer_level()
        return res

    def _sfcn_open_move_only(self, vals):
        """A stage (and probability) write that cannot change what the level reads: no deal reaches or leaves
        a won stage (the won stages from the gate's stage cache) and, when the probability is written, every
        deal is active (the probability counts only for a lost deal)."""
        won = self.env["crm.stage"]._sfcn_gate_config().won_ids
        return vals.get("stage_id") not in won and not any(lead.stage_id.id in won for lead in self) \
            and ("probability" not in vals or all(self.mapped("active")))

    def _sfcn_level_inputs(self):
        """What res.partner._derive_customer_level reads of this deal, as a comparable tuple (from the cache)."""
        self.ensure_one()
        won = bool(self.stage_id.is_won)
        won_date = None
        if won and self.active:
            # the won date falls back on write_date, which every write changes
            won_date = self.date_closed or object()
        return (self.partner_id.id, self.active, won, self.type, self.customer_grade in ("A", "B"),
                not self.active and self.probability == 0, won_date)
