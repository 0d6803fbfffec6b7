from odoo import api
from odoo import models

from ..models.sfcn_access import is_trusted
from ..models.sfcn_masking import guard_domain
from ..models.sfcn_masking import mask_text_rows
from ..models.sfcn_masking import masked_leads_query


class CrmActivityReport(models.Model):
    _inherit = "crm.activity.report"

    def _read_format(self, fnames, load="_classic_read"):
        """The activity report quotes the text of done activities: masked for a masked deal, as the chatter."""
        return mask_text_rows(self, super()._read_format(fnames, load=load), fnames, ("body",),
                              lambda row: ("crm.lead", row.lead_id.id))

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Its text is not searchable on masked deals (an oracle for a guessed number)."""
        if not is_trusted(self.env):
            domain = guard_domain(domain, ("body",), lambda: [("lead_id", "not in", masked_leads_query(self.env))])
        return super()._search(domain, offset=offset, limit=limit, order=order)
