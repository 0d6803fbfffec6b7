from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError


class CrmChannelCost(models.Model):
    """What a channel cost in one month (optionally for one campaign or one team): the denominator of the
    channel metrics' cost per lead, per MQL and per customer, and of the ROI."""

    _name = "crm.channel.cost"
    _description = "Acquisition Channel Cost"
    _order = "date desc, medium_id"
    _check_company_auto = True

    medium_id = fields.Many2one("utm.medium", "Acquisition Channel", required=True, index=True, ondelete="restrict",
                                domain=[("sfcn_channel", "=", True)])
    campaign_id = fields.Many2one("utm.campaign", index=True, ondelete="restrict")
    team_id = fields.Many2one("crm.team", "Sales Team", index=True, ondelete="restrict", check_company=True)
    date = fields.Date("Month", required=True, index=True, default=lambda self: fields.Date.context_today(
        self).replace(day=1), help="The month the amount was spent in (stored as its first day).")
    amount = fields.Monetary("Cost", required=True, currency_field="currency_id")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    note = fields.Char("Description")

    @api.constrains("amount")
    def _check_amount(self):
        if any(cost.amount < 0 for cost in self):
            raise ValidationError(self.env._("A channel cost cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._month_start(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._month_start(vals))

    @api.model
    def _month_start(self, vals):
        """The period is a month: any date given is stored as the first day of its month."""
        if vals.get("date"):
            vals = dict(vals, date=fields.Date.to_date(vals["date"]).replace(day=1))
        return vals
