from odoo import models

from .sfcn_masking import check_not_masked


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _generate_template(self, res_ids, render_fields, find_or_create_partners=False):
        """A template rendered on a pooled deal or its customer (the template preview, the composer opened with a
        template) would show a salesperson their hidden e-mail or number, and the composer would create a
        contact carrying it: refused until the deal is claimed."""
        if res_ids and self and self[:1].model in ("crm.lead", "res.partner"):
            check_not_masked(self.env[self[:1].model].browse(res_ids))
        return super()._generate_template(res_ids, render_fields, find_or_create_partners=find_or_create_partners)
