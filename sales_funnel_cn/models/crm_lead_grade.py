from odoo import fields
from odoo import models

CUSTOMER_GRADES = [
    ("A", "A · Process Customer"),
    ("B", "B · Intent Customer"),
    ("C", "C · Target Customer"),
    ("D", "D · Potential Customer"),
]


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Computed from key persons and qualification facts (seed 002); other features (public pool rules,
    # reports) read it.
    customer_grade = fields.Selection(CUSTOMER_GRADES, index=True, readonly=True, copy=False)
