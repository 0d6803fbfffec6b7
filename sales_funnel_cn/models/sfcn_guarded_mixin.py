from odoo import api
from odoo import models

from .sfcn_access import guard_create
from .sfcn_access import guard_write


class SfcnGuardedMixin(models.AbstractModel):
    """A model whose system fields (sfcn_access.SYSTEM_FIELDS) only trusted code and sales managers set: every
    create and write goes through the guard (RPC, import, form, mass edit). Models that also log a manager's
    corrections (crm.lead, res.partner, crm.lead.check) call the guard themselves."""

    _name = "sfcn.guarded.mixin"
    _description = "Guarded System Fields"

    @api.model_create_multi
    def create(self, vals_list):
        guard_create(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        guard_write(self, vals)
        return super().write(vals)
