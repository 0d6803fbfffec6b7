from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

COUNTS = ("lead_count", "mql_count", "sql_count", "customer_count", "won_revenue", "cost")
# ratio field -> (numerator, denominator, factor): recomputed from the summed counts of every group
RATIOS = {
    "mql_rate": ("mql_count", "lead_count", 100.0),
    "l2c_rate": ("customer_count", "lead_count", 100.0),
    "cost_per_lead": ("cost", "lead_count", 1.0),
    "cost_per_mql": ("cost", "mql_count", 1.0),
    "cost_per_customer": ("cost", "customer_count", 1.0),
}


class CrmChannelReport(models.Model):
    """Acquisition metrics per channel, campaign, team and period (seed 001 · 获取客户: ROI, leads, MQLs, L2C).

    An SQL view: one row per lead (dated by its creation) and one row per channel cost (dated by its month).
    Ratios — MQL per lead, lead to customer (L2C), cost per lead / MQL / customer, ROI — are recomputed from
    the group's summed counts, never averaged over rows."""

    _name = "crm.channel.report"
    _description = "Acquisition Channel Metrics"
    _auto = False
    _order = "date desc"
    _rec_name = "date"

    date = fields.Datetime(readonly=True)
    medium_id = fields.Many2one("utm.medium", "Acquisition Channel", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    lead_id = fields.Many2one("crm.lead", readonly=True)
    lead_count = fields.Integer("Leads", readonly=True)
    mql_count = fields.Integer("MQLs", readonly=True)
    sql_count = fields.Integer("SQLs", readonly=True)
    customer_count = fields.Integer("Customers", readonly=True)
    won_revenue = fields.Float(readonly=True)
    cost = fields.Float(readonly=True)
    mql_rate = fields.Float("MQL per Lead (%)", readonly=True, aggregator="avg")
    l2c_rate = fields.Float("Lead to Customer (%)", readonly=True, aggregator="avg")
    cost_per_lead = fields.Float("Cost per Lead", readonly=True, aggregator="avg")
    cost_per_mql = fields.Float("Cost per MQL", readonly=True, aggregator="avg")
    cost_per_customer = fields.Float("Cost per Customer", readonly=True, aggregator="avg")
    roi = fields.Float("ROI (%)", readonly=True, aggregator="avg",
                       help="(Won revenue - cost) / cost, in percent; 0 without cost.")

    @property
    def _table_query(self):
        return SQL("""
            SELECT l.id * 2 AS id, l.create_date AS date, l.medium_id, l.campaign_id, l.team_id, l.user_id,
                   l.company_id, l.id AS lead_id,
                   1 AS lead_count,
                   (l.sfcn_mql_date IS NOT NULL)::int AS mql_count,
                   (l.sfcn_sql_date IS NOT NULL)::int AS sql_count,
                   (l.active AND l.probability >= 100)::int AS customer_count,
                   CASE WHEN l.active AND l.probability >= 100 THEN COALESCE(l.expected_revenue, 0) ELSE 0 END
                       AS won_revenue,
                   0.0 AS cost,
                   0.0 AS mql_rate, 0.0 AS l2c_rate, 0.0 AS cost_per_lead, 0.0 AS cost_per_mql,
                   0.0 AS cost_per_customer, 0.0 AS roi
              FROM crm_lead l
             UNION ALL
            SELECT c.id * 2 + 1, c.date::timestamp, c.medium_id, c.campaign_id, c.team_id, NULL, c.company_id, NULL,
                   0, 0, 0, 0, 0.0, c.amount, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
              FROM crm_channel_cost c
        """)

    @staticmethod
    def _ratio(numerator, denominator, factor=1.0):
        return round(factor * numerator / denominator, 2) if denominator else 0.0

    @api.model
    def _complete(self, sums):
        """Add the ratios to a dict of summed counts."""
        for ratio, (num, den, factor) in RATIOS.items():
            sums[ratio] = self._ratio(sums.get(num) or 0, sums.get(den) or 0, factor)
        cost = sums.get("cost") or 0
        sums["roi"] = self._ratio((sums.get("won_revenue") or 0) - cost, cost, 100.0)
        return sums

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        names = {f.split(":")[0] for f in fields or ()}
        ratios = [r for r in (*RATIOS, "roi") if r in names]
        if ratios:
            fields = [f for f in fields if f.split(":")[0] not in ratios] + [
                f"{c}:sum" for c in COUNTS if c not in names]
        groups = super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        if ratios:
            for group in groups:
                self._complete(group)
        return groups

    @api.model
    def _metrics(self, domain, groupby=("medium_id",)):
        """{group key: {counts and ratios}} for the rows matching domain (one query, record rules apply)."""
        self.env["crm.lead"].flush_model()
        self.env["crm.channel.cost"].flush_model()
        result = {}
        for row in self._read_group(domain, list(groupby), [f"{c}:sum" for c in COUNTS]):
            key, sums = row[:len(groupby)], dict(zip(COUNTS, row[len(groupby):], strict=False))
            result[key[0] if len(key) == 1 else key] = self._complete(sums)
        return result
