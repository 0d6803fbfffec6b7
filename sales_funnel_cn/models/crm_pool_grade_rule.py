from odoo import fields
from odoo import models

from .crm_lead_grade import CUSTOMER_GRADES


class CrmPoolGradeRule(models.Model):
    _name = "crm.pool.grade.rule"
    _description = "Public Pool Rule per Customer Grade"

    pool_id = fields.Many2one("crm.pool", required=True, ondelete="cascade", index=True)
    grade = fields.Selection(CUSTOMER_GRADES, required=True)
    followup_days = fields.Integer("Days Without Follow-up", help="Empty: the pool's value.")
    won_days = fields.Integer("Days to Win", help="Empty: the pool's value.")

    _sql_constraints = [("grade_uniq", "unique(pool_id, grade)", "One rule per grade and pool.")]
