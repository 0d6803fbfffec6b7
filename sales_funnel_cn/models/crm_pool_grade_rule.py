from markupsafe import Markup

from odoo import api
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

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._log_on_pool()
        return rules

    def write(self, vals):
        result = super().write(vals)
        self._log_on_pool()
        return result

    def unlink(self):
        self._log_on_pool(removed=True)
        return super().unlink()

    def _log_on_pool(self, removed=False):
        """A rule per grade changes when deals return to the pool: each change leaves a line in the pool's
        chatter (the pool's own fields are tracked)."""
        grades = dict(self._fields["grade"]._description_selection(self.env))
        for rule in self:
            if removed:
                body = self.env._("Rule for grade %(grade)s removed.", grade=grades.get(rule.grade, rule.grade))
            else:
                body = self.env._(
                    "Rule for grade %(grade)s: %(followup)s days without follow-up, %(won)s days to win "
                    "(empty: the pool's value).", grade=grades.get(rule.grade, rule.grade),
                    followup=rule.followup_days or "-", won=rule.won_days or "-")
            rule.pool_id._message_log(body=Markup("<p>%s</p>") % body)
