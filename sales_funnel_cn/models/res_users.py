from odoo import api
from odoo import fields
from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    # Bumped by every claim/assignment for the user, in the claiming transaction: concurrent claims for the
    # same user then conflict on this row and PostgreSQL serialises them (the loser is retried).
    sfcn_pool_claim_seq = fields.Integer(copy=False, readonly=True, groups="base.group_system")

    @api.model
    def context_get(self):
        """The web client asks before a warn gate lets a deal move on (presentation only: a client without
        the key gets the move, flagged and logged; with it, the qualify dialog first)."""
        return dict(super().context_get(), sfcn_gate_ask=True)
