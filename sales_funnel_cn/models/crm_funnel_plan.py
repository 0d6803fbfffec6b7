from datetime import date
from datetime import datetime

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .funnel_balance import balance
from .funnel_balance import coverage
from .sfcn_constants import WAN


class CrmFunnelPlan(models.Model):
    """Funnel-balance planner (销售漏斗的平衡计算): from an annual target back to the number of target
    customers the funnel must take in each month, and the same figures against the real pipeline."""

    _name = "crm.funnel.plan"
    _description = "Funnel Balance Plan"
    _order = "year desc, team_id, user_id"

    name = fields.Char(compute="_compute_name", store=True)
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)
    team_id = fields.Many2one("crm.team", "Sales Team", index=True)
    user_id = fields.Many2one("res.users", "Salesperson", index=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    target_amount = fields.Float("Annual Target (10k)", digits=(16, 2), help="Annual sales target in 万.")
    avg_contract_amount = fields.Float("Average Contract (10k)", digits=(16, 2), default=1.0,
                                       help="Average contract amount in 万.")
    target_units = fields.Float("Annual Target (units)", digits=(16, 2))
    avg_units_per_contract = fields.Float("Average Units per Contract", digits=(16, 2), default=1.0)
    win_rate = fields.Float("Win Rate of a Target Customer (%)", digits=(16, 2), default=10.0,
                            help="Probability that a target customer becomes a won customer.")
    sales_cycle_days = fields.Integer("Sales Cycle (days)", default=90)
    # planned needs (the seed's two columns)
    contracts_needed = fields.Float(digits=(16, 1), compute="_compute_needs")
    customers_needed_year = fields.Float("Target Customers Needed per Year", digits=(16, 1),
                                         compute="_compute_needs")
    customers_needed_month = fields.Float("Target Customers Needed per Month", digits=(16, 1),
                                          compute="_compute_needs")
    contracts_needed_units = fields.Float("Contracts Needed (units)", digits=(16, 1), compute="_compute_needs")
    customers_needed_year_units = fields.Float("Target Customers per Year (units)", digits=(16, 1),
                                               compute="_compute_needs")
    customers_needed_month_units = fields.Float("Target Customers per Month (units)", digits=(16, 1),
                                                compute="_compute_needs")
    # reality
    won_amount = fields.Float("Won (10k)", digits=(16, 2), compute="_compute_reality")
    remaining_target = fields.Float("Remaining Target (10k)", digits=(16, 2), compute="_compute_reality")
    weighted_pipeline = fields.Float("Weighted Pipeline (10k)", digits=(16, 2), compute="_compute_reality")
    coverage = fields.Float(digits=(16, 2), compute="_compute_reality",
                            help="Weighted pipeline divided by the remaining target; below 1 the funnel is too thin.")
    open_deals = fields.Integer(compute="_compute_reality")
    observed_win_rate = fields.Float("Observed Win Rate (%)", digits=(16, 1), compute="_compute_reality",
                                     help="Won deals among the deals closed (won or lost) this year.")
    actual_customers_month = fields.Float("New Target Customers per Month (actual)", digits=(16, 1),
                                          compute="_compute_reality")
    funnel_warning = fields.Char(compute="_compute_reality")

    @api.depends("year", "team_id.name", "user_id.name")
    def _compute_name(self):
        for plan in self:
            who = plan.user_id.name or plan.team_id.name or ""
            plan.name = f"{plan.year} {who}".strip()

    @api.constrains("avg_contract_amount", "avg_units_per_contract", "win_rate", "target_amount",
                    "target_units", "team_id", "user_id")
    def _check_inputs(self):
        for plan in self:
            if plan.avg_contract_amount <= 0 or plan.avg_units_per_contract <= 0:
                raise ValidationError(self.env._("The average contract amount and the average units per "
                                                 "contract must be greater than zero."))
            if not 0 < plan.win_rate <= 100:
                raise ValidationError(self.env._("The win rate must be greater than 0 and at most 100%."))
            if plan.target_amount < 0 or plan.target_units < 0:
                raise ValidationError(self.env._("The annual target cannot be negative."))
            if not plan.team_id and not plan.user_id:
                raise ValidationError(self.env._("A funnel plan is for a sales team or a salesperson."))

    @api.model
    @api.readonly
    def balance(self, target, average, win_rate):
        """The seed's calculation: (contracts, target customers per year, per month)."""
        return balance(target, average, win_rate)

    @api.depends("target_amount", "avg_contract_amount", "target_units", "avg_units_per_contract", "win_rate")
    def _compute_needs(self):
        for plan in self:
            (plan.contracts_needed, plan.customers_needed_year,
             plan.customers_needed_month) = self.balance(plan.target_amount, plan.avg_contract_amount,
                                                         plan.win_rate)
            (plan.contracts_needed_units, plan.customers_needed_year_units,
             plan.customers_needed_month_units) = self.balance(plan.target_units, plan.avg_units_per_contract,
                                                               plan.win_rate)

    def _lead_domain(self):
        domain = [("type", "=", "opportunity"), ("company_id", "in", [False, self.company_id.id])]
        if self.team_id:
            domain.append(("team_id", "=", self.team_id.id))
        if self.user_id:
            domain.append(("user_id", "=", self.user_id.id))
        return domain

    def _year_bounds(self):
        return datetime(self.year, 1, 1), datetime(self.year + 1, 1, 1)

    @api.model
    def _closed_in(self, start, end):
        """Deals closed in [start, end): by their close date, or, for a deal won or lost without one (imported,
        created directly in the won stage), by the date it entered its last stage."""
        return ["|", "&", ("date_closed", ">=", start), ("date_closed", "<", end),
                "&", "&", ("date_closed", "=", False),
                ("date_last_stage_update", ">=", start), ("date_last_stage_update", "<", end)]

    def _months_elapsed(self):
        today = fields.Date.context_today(self)
        if self.year < today.year:
            return 12
        if self.year > today.year:
            return 0
        return today.month - 1 + today.day / ((date(today.year + (today.month == 12), today.month % 12 + 1, 1)
                                                - date(today.year, today.month, 1)).days)

    def _new_target_customers(self, start, end):
        """Deals that entered the funnel in [start, end), lost ones included: the date of their first
        stage-history entry when the stage history exists (a deal without history: its creation date),
        otherwise the creation date of the opportunity. One SQL query over the user's readable deals."""
        query = self.env["crm.lead"].with_context(active_test=False)._search(self._lead_domain())
        query.add_join("LEFT JOIN", "first_stage", SQL(
            "(SELECT lead_id, MIN(date) AS date FROM crm_lead_stage_history GROUP BY lead_id)"),
            SQL("first_stage.lead_id = crm_lead.id"))
        entered = SQL("COALESCE(first_stage.date, crm_lead.create_date)")
        query.add_where(SQL("%s >= %s AND %s < %s", entered, start, entered, end))
        [(count,)] = self.env.execute_query(query.select(SQL("COUNT(*)")))
        return count

    @api.depends("year", "team_id", "user_id", "target_amount", "win_rate", "customers_needed_month")
    def _compute_reality(self):
        Lead = self.env["crm.lead"]
        for plan in self:
            start, end = plan._year_bounds()
            domain = plan._lead_domain()
            closed = plan._closed_in(start, end)
            [(won, won_count)] = Lead._read_group(
                [*domain, ("stage_id.is_won", "=", True), *closed], [], ["expected_revenue:sum", "__count"])
            [(lost_count,)] = Lead.with_context(active_test=False)._read_group(
                [*domain, ("active", "=", False), ("probability", "=", 0), *closed], [], ["__count"])
            [(weighted, open_count)] = Lead._read_group([*domain, ("stage_id.is_won", "=", False)], [],
                                                        ["prorated_revenue:sum", "__count"])
            plan.won_amount = (won or 0.0) / WAN
            plan.weighted_pipeline = (weighted or 0.0) / WAN
            plan.remaining_target, plan.coverage = coverage(plan.target_amount, plan.won_amount,
                                                            plan.weighted_pipeline)
            plan.open_deals = open_count
            closed_count = won_count + lost_count
            plan.observed_win_rate = 100.0 * won_count / closed_count if closed_count else 0.0
            months = plan._months_elapsed()
            plan.actual_customers_month = plan._new_target_customers(start, end) / months if months else 0.0
            warnings = []
            if plan.remaining_target and plan.coverage < 1:
                warnings.append(self.env._("weighted pipeline covers only %(pct)s%% of the remaining target",
                                           pct=round(plan.coverage * 100)))
            if months and plan.actual_customers_month < plan.customers_needed_month:
                warnings.append(self.env._("%(actual)s new target customers per month, %(needed)s needed",
                                           actual=round(plan.actual_customers_month, 1),
                                           needed=round(plan.customers_needed_month, 1)))
            plan.funnel_warning = (self.env._("The funnel is too thin: %s", "; ".join(warnings))
                                   if warnings else False)
