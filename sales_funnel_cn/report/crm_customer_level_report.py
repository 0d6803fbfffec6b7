from odoo import fields
from odoo import models
from odoo.tools import SQL

from ..models.crm_customer_level_history import CUSTOMER_LEVELS

LEVEL_RANK = {key: rank for rank, (key, _label) in enumerate(CUSTOMER_LEVELS)}


class CrmCustomerLevelReport(models.Model):
    """Seed 000 CRM requirement 1 for customers (显示出客户级别的变动情况，如从潜在客户变为成交客户的时间):
    one row per company and pair of levels it reached in order (e.g. 已接触 → 签约), with the days between the
    first time it reached each. The measure *Median Days* is the median of the group (per team, ...)."""

    _name = "crm.customer.level.report"
    _description = "Time Between Customer Levels"
    _auto = False
    _order = "partner_id, level_from, level_to"

    partner_id = fields.Many2one("res.partner", "Company", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    level_from = fields.Selection(CUSTOMER_LEVELS, "From Level", readonly=True)
    level_to = fields.Selection(CUSTOMER_LEVELS, "To Level", readonly=True)
    date_from = fields.Datetime("Reached From Level", readonly=True)
    date_to = fields.Datetime("Reached To Level", readonly=True)
    days = fields.Float("Average Days", readonly=True, aggregator="avg")
    days_median = fields.Float("Median Days", readonly=True, aggregator="max")
    company_count = fields.Integer("Companies", readonly=True)

    @property
    def _table_query(self):
        ranks = SQL(", ").join(SQL("(%s, %s)", key, rank) for key, rank in LEVEL_RANK.items())
        return SQL("""
            WITH firsts AS (
                SELECT h.partner_id, h.level_to AS level, MIN(h.date) AS date,
                       (array_agg(h.team_id ORDER BY h.date) FILTER (WHERE h.team_id IS NOT NULL))[1] AS team_id
                  FROM crm_customer_level_history h
                 WHERE h.level_to != 'abandoned'
              GROUP BY h.partner_id, h.level_to
            ), ranked AS (
                SELECT f.*, r.rank FROM firsts f JOIN (VALUES %s) AS r(level, rank) ON r.level = f.level
            )
            SELECT ROW_NUMBER() OVER (ORDER BY a.partner_id, a.rank, b.rank) AS id,
                   a.partner_id, COALESCE(b.team_id, a.team_id) AS team_id, p.user_id,
                   a.level AS level_from, b.level AS level_to,
                   a.date AS date_from, b.date AS date_to,
                   EXTRACT(EPOCH FROM (b.date - a.date)) / 86400.0 AS days,
                   EXTRACT(EPOCH FROM (b.date - a.date)) / 86400.0 AS days_median,
                   1 AS company_count
              FROM ranked a
              JOIN ranked b ON b.partner_id = a.partner_id AND b.rank > a.rank AND b.date >= a.date
              JOIN res_partner p ON p.id = a.partner_id
        """, ranks)

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec.split(":")[0] == "days_median":
            return SQL("percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)",
                       self._field_to_sql(self._table, "days_median", query))
        return super()._read_group_select(aggregate_spec, query)
