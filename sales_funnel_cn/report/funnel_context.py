"""What every sheet of the funnel workbook shares: the export's filters and dates (FunnelContext), the
provider interface (SheetProvider) and the rule-filtered GROUP BY helper."""
from datetime import datetime
from datetime import timedelta

from odoo import fields
from odoo.tools import SQL

DETAIL_CHUNK = 2000
NAME_CACHE = 100_000  # names a detail sheet keeps between its chunks


class FunnelContext:
    def __init__(self, env, date_from, date_to, teams, users, progress=None):
        """:param progress: optional callable(fraction of the current sheet done, 0..1); a long sheet calls
        it between its batches (the background export reports it on its job)."""
        self.env = env
        self.progress = progress
        self.date_from = datetime.combine(date_from, datetime.min.time())
        self.date_to = datetime.combine(date_to, datetime.min.time()) + timedelta(days=1)
        self.teams = teams
        self.users = users
        self.now = fields.Datetime.now()
        self.today = datetime.combine(fields.Date.context_today(env.user), datetime.min.time())
        self.week_start = self.today - timedelta(days=self.today.weekday())
        self.base_domain = self.filter_domain(teams, users)
        self.domain = [*self.base_domain, ("create_date", ">=", self.date_from), ("create_date", "<", self.date_to)]

    @staticmethod
    def filter_domain(teams, users):
        domain = [("type", "=", "opportunity")]
        if teams:
            domain.append(("team_id", "in", teams.ids))
        if users:
            domain.append(("user_id", "in", users.ids))
        return domain

    @classmethod
    def period_domain(cls, date_from, date_to, teams, users):
        """The deals of the period (the detail sheet's rows), before the user's record rules."""
        start = datetime.combine(date_from, datetime.min.time())
        end = datetime.combine(date_to, datetime.min.time()) + timedelta(days=1)
        return [*cls.filter_domain(teams, users), ("create_date", ">=", start), ("create_date", "<", end)]

    def tick(self, fraction):
        if self.progress:
            self.progress(fraction)

    @property
    def leads(self):
        return self.env["crm.lead"]

    def lead_query(self, domain=None):
        """The rule-filtered query of the exporting user over crm.lead."""
        return self.leads._search(self.domain if domain is None else domain)


class SheetProvider:
    sheet = None

    def write_sheet(self, book, ctx):
        raise NotImplementedError


def avg_days_by(ctx, column):
    """{group id: average whole days in current stage} by SQL GROUP BY over the user's deal query."""
    query = ctx.lead_query()
    query.groupby = SQL("%s", SQL.identifier("crm_lead", column))
    rows = ctx.env.execute_query(query.select(
        SQL.identifier("crm_lead", column),
        SQL("AVG(GREATEST(FLOOR(EXTRACT(EPOCH FROM (%s - COALESCE(crm_lead.date_last_stage_update, "
            "crm_lead.create_date))) / 86400), 0))", ctx.now)))
    return {key: float(avg or 0) for key, avg in rows}
