from odoo import api
from odoo import models

from .crm_lead_pool_masking import MASKED_FIELDS
from .sfcn_access import guard_create
from .sfcn_access import guard_write
from .sfcn_access import is_trusted
from .sfcn_access import log_corrections
from .sfcn_masking import mask_contact


class CrmLead(models.Model):
    """The outermost layer of the deal's create and write (this file is loaded after every other crm.lead
    extension of the module): it sees what the client sent, before the module's own code adds system values."""

    _inherit = "crm.lead"

    @api.model_create_multi
    def create(self, vals_list):
        guard_create(self, vals_list)
        if not is_trusted(self.env):
            self._sfcn_check_customers(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        changes = guard_write(self, vals)
        if vals.get("partner_id") and not is_trusted(self.env):
            self._sfcn_check_customers([vals])
        result = super().write(vals)
        log_corrections(self, changes)
        return result

    def _sfcn_check_customers(self, vals_list):
        """A salesperson cannot open or re-point a deal to the customer of a deal in the public pool (it would
        copy the hidden phone and e-mail onto a deal of his): he claims the pooled deal instead."""
        partner_ids = {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        if partner_ids:
            partners = self.env["res.partner"].browse(partner_ids)
            # a contact of a pooled customer's company reaches the company too (a deal of it unmasks the company)
            (partners | partners.sudo().commercial_partner_id.with_env(self.env))._sfcn_check_not_masked()

    def onchange(self, values, field_names, fields_spec):
        """The form's onchange returns the values of a pooled deal, or copies its customer's phone and e-mail:
        masked for whoever sees them masked."""
        result = super().onchange(values, field_names, fields_spec)
        value = result.get("value") or {}
        shown = [fname for fname in MASKED_FIELDS if value.get(fname)]
        if shown and not is_trusted(self.env):
            partner = values.get("partner_id") or value.get("partner_id")
            if isinstance(partner, dict):
                partner = partner.get("id")
            if (self.ids and self._pool_masked_ids()) or (
                    isinstance(partner, int) and self.env["res.partner"].browse(partner)._sfcn_masked_ids()):
                for fname in shown:
                    value[fname] = mask_contact(value[fname])
        return result

    def _message_get_suggested_recipients(self):
        """The chatter's suggested recipients carry the customer's e-mail: none for a masked deal."""
        if self._pool_masked_ids():
            return []
        return super()._message_get_suggested_recipients()
