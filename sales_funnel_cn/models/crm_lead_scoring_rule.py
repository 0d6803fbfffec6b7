from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError

SIZES = [("1_49", "1-49 employees"), ("50_199", "50-199 employees"), ("200_999", "200-999 employees"),
         ("1000", "1000+ employees")]
PROFILE = ("industry", "size", "region")


def size_of(employees):
    """The size bucket of a head count (False when unknown)."""
    if not employees:
        return False
    return "1_49" if employees < 50 else "50_199" if employees < 200 else "200_999" if employees < 1000 else "1000"
BEHAVIOUR = ("calls_connected", "followups", "replies")


class CrmLeadScoringRule(models.Model):
    """One line of the lead score (识别客户 · 评分): a profile match (industry, company size, region: the lead's,
    else its customer's profile) or a
    behaviour (calls connected, follow-ups, customer replies) worth some points. A lead's score is the sum of
    the points of the rules it matches; the matched rules are its "why"."""

    _name = "crm.lead.scoring.rule"
    _description = "Lead Scoring Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    team_id = fields.Many2one("crm.team", "Sales Team", index=True, check_company=True,
                              help="Only for the leads of this team (empty: every team of the company).")
    criterion = fields.Selection(
        [("industry", "Industry is one of"), ("size", "Company size is"), ("region", "Region is one of"),
         ("calls_connected", "Calls connected at least"), ("followups", "Follow-ups at least"),
         ("replies", "Customer replies at least")], required=True, default="industry")
    industry_ids = fields.Many2many("res.partner.industry", string="Industries")
    size = fields.Selection(SIZES, "Company Size")
    state_ids = fields.Many2many("res.country.state", string="Provinces")
    country_ids = fields.Many2many("res.country", string="Countries")
    minimum = fields.Integer("At Least", default=1)
    points = fields.Integer(required=True, default=10)

    @api.constrains("criterion", "industry_ids", "size", "state_ids", "country_ids", "minimum")
    def _check_criterion(self):
        for rule in self:
            if ((rule.criterion == "industry" and not rule.industry_ids)
                    or (rule.criterion == "size" and not rule.size)
                    or (rule.criterion == "region" and not (rule.state_ids or rule.country_ids))
                    or (rule.criterion in BEHAVIOUR and rule.minimum < 1)):
                raise ValidationError(self.env._(
                    "The scoring rule %(rule)s needs what it matches: industries, a size, a region, or a "
                    "minimum count of at least 1.", rule=rule.name))

    def _sfcn_matcher(self):
        """``test(profile, counts)``, telling whether a lead matches this rule, from plain values
        read once per lead (``profile``: {"industry", "size", "state", "country"} ids and bucket, the lead's
        else its customer's; ``counts``: {criterion: count} of its behaviour); rules read once per batch."""
        self.ensure_one()
        criterion, minimum = self.criterion, self.minimum
        if criterion == "industry":
            industries = set(self.industry_ids.ids)
            return lambda profile, counts: profile["industry"] in industries
        if criterion == "size":
            size = self.size
            return lambda profile, counts: bool(size) and profile["size"] == size
        if criterion == "region":
            states, countries = set(self.state_ids.ids), set(self.country_ids.ids)
            return lambda profile, counts: profile["state"] in states or profile["country"] in countries
        return lambda profile, counts: counts.get(criterion, 0) >= minimum
