from odoo import api
from odoo import fields
from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    # Bumped by every claim/assignment for the user, in the claiming transaction: concurrent claims for the
    # same user then conflict on this row and PostgreSQL serialises them (the loser is retried).
    sfcn_pool_claim_seq = fields.Integer(copy=False, readonly=True, groups="base.group_system")

    def _sfcn_is_sales_manager(self):
        """THE answer, for the whole module, to "is this user a sales manager" (Sales / Administrator).

        Code that asks it about the current request uses ``sfcn_access.is_trusted(env)``, which also
        trusts the superuser environment (crons, and trusted code running on ``sudo()``)."""
        self.ensure_one()
        return self.has_group("sales_team.group_sale_manager")

    @api.model
    def context_get(self):
        """The web client asks before a warn gate lets a deal move on (presentation only: a client without
        the key gets the move, flagged and logged; with it, the qualify dialog first)."""
        return dict(super().context_get(), sfcn_gate_ask=True)
