

from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

from ..models.sfcn_dates import local_period_utc
from ..models.sfcn_settings import sfcn_settings

# rate field -> (numerator count, denominator count)
RATES = {
    "connected_rate": ("connected_count", "call_count"),
    "hangup_rate": ("hangup_count", "connected_count"),
    "conversation_rate": ("conversation_count", "connected_count"),
    "conversion_rate": ("conversion_count", "connected_count"),
}


COUNTS = ("call_count", "connected_count", "hangup_count", "conversation_count", "conversion_count")


class CrmCallReport(models.Model):
    """Calls and rates per rep, per day / week / month (an SQL view over crm_call_log).

    接通率 = connected / calls; 挂线率 = hang-ups (Cut) / connected; 洽谈率 = conversations / connected;
    转化率 = conversions (D + C) / connected. Rates are recomputed from the summed counts of every group,
    so a week's rate is never an average of daily rates."""

    _name = "crm.call.report"
    _description = "Call Rates"
    _auto = False
    _order = "date desc"
    _rec_name = "date"

    date = fields.Datetime(readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    lead_id = fields.Many2one("crm.lead", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    outcome_id = fields.Many2one("crm.call.outcome", readonly=True)
    call_count = fields.Integer("Calls", readonly=True)
    connected_count = fields.Integer("Connected", readonly=True)
    hangup_count = fields.Integer("Hang-ups", readonly=True)
    conversation_count = fields.Integer("Conversations", readonly=True)
    conversion_count = fields.Integer("Conversions (D+C)", readonly=True)
    duration = fields.Float("Duration (Minutes)", readonly=True)
    connected_rate = fields.Float("Connected Rate (%)", readonly=True, aggregator="avg")
    hangup_rate = fields.Float("Hang-up Rate (%)", readonly=True, aggregator="avg")
    conversation_rate = fields.Float("Conversation Rate (%)", readonly=True, aggregator="avg")
    conversion_rate = fields.Float("Conversion Rate (%)", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        return SQL("""
            SELECT c.id, c.date, c.user_id, c.team_id, c.lead_id, c.company_id, c.outcome_id, c.duration,
                   1 AS call_count,
                   COALESCE(o.is_connected, FALSE)::int AS connected_count,
                   COALESCE(o.is_connected AND o.is_hangup, FALSE)::int AS hangup_count,
                   COALESCE(o.is_connected AND o.is_conversation, FALSE)::int AS conversation_count,
                   COALESCE(o.is_connected AND o.is_conversion, FALSE)::int AS conversion_count,
                   CASE WHEN o.is_connected THEN 100.0 ELSE 0.0 END AS connected_rate,
                   CASE WHEN o.is_hangup THEN 100.0 ELSE 0.0 END AS hangup_rate,
                   CASE WHEN o.is_conversation THEN 100.0 ELSE 0.0 END AS conversation_rate,
                   CASE WHEN o.is_conversion THEN 100.0 ELSE 0.0 END AS conversion_rate
              FROM crm_call_log c
              JOIN crm_call_outcome o ON o.id = c.outcome_id
        """)

    @api.model
    @api.readonly
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Rates of a group = ratio of the group's summed counts (not an average of rows)."""
        names = {f.split(":")[0] for f in fields or ()}
        rates = [r for r in RATES if r in names]
        if rates:
            fields = [f for f in fields if f.split(":")[0] not in rates] + [
                f"{c}:sum" for c in COUNTS if c not in names]
        groups = super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        for group in groups:
            for rate in rates:
                num, den = RATES[rate]
                group[rate] = self._rate(group.get(num) or 0, group.get(den) or 0)
        return groups

    @staticmethod
    def _rate(numerator, denominator):
        return round(100.0 * numerator / denominator, 2) if denominator else 0.0

    @api.model
    def _rates(self, domain, groupby=("user_id",)):
        """{group key: {count and rate figures}} for the calls matching domain (one SQL query)."""
        counts = COUNTS
        result = {}
        self.env["crm.call.log"].flush_model()  # the view reads the table: calls of this transaction count
        for row in self._read_group(domain, list(groupby), [f"{c}:sum" for c in counts]):
            key, sums = row[:len(groupby)], dict(zip(counts, row[len(groupby):], strict=False))
            for rate, (num, den) in RATES.items():
                sums[rate] = self._rate(sums[num], sums[den])
            result[key[0] if len(key) == 1 else key] = sums
        return result

    @api.model
    def _daily_progress(self, user):
        """Today's calls and conversions of a rep against the daily goals from the settings."""
        # the rep's own day (Asia/Shanghai starts 8 hours before UTC), stored datetimes are UTC
        start, end = local_period_utc(user.tz)
        bounds = [("user_id", "=", user.id), ("date", ">=", start), ("date", "<", end)]
        figures = self.sudo()._rates(bounds).get(user, {})
        # the goals of the company the rep works in now (their default company for another rep)
        company = sfcn_settings(self.env, None if user == self.env.user else user.company_id)
        return {
            "today_calls": figures.get("call_count", 0),
            "today_conversions": figures.get("conversion_count", 0),
            "goal_calls": company.sfcn_call_daily_goal,
            "goal_conversions": company.sfcn_call_daily_conversion_goal,
        }
