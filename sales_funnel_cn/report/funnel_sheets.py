"""Sheet providers of the funnel workbook: each gathers its figures through the ORM as the exporting user
(record rules apply; aggregates via _read_group or SQL GROUP BY over the rule-filtered query) and hands
them to the FunnelWorkbook builder."""
from datetime import timedelta

from odoo.tools import SQL

from ..models.sfcn_constants import WAN
from .funnel_context import DETAIL_CHUNK
from .funnel_context import SheetProvider
from .funnel_context import avg_days_by


class OverviewSheet(SheetProvider):
    sheet = "漏斗总览"

    def figures(self, ctx):
        """The funnel report's own computation (crm.lead.funnel.report._funnel) on the workbook's filters:
        the pivot and this sheet show the same stages in the same order with the same figures."""
        domain = [("create_date", ">=", ctx.date_from), ("create_date", "<", ctx.date_to)]
        if ctx.teams:
            domain.append(("team_id", "in", ctx.teams.ids))
        if ctx.users:
            domain.append(("user_id", "in", ctx.users.ids))
        days = avg_days_by(ctx, "stage_id")
        return [[stage.name or "", deals, reached, (amount or 0.0) / WAN, (weighted or 0.0) / WAN, conversion,
                 days.get(stage.id, 0.0)]
                for stage, deals, reached, amount, weighted, conversion
                in ctx.env["crm.lead.funnel.report"]._funnel(domain) if reached]

    def write_sheet(self, book, ctx):
        book.add_table(self.sheet, [
            (ctx.env._("Stage"), "text"), (ctx.env._("Deals"), "int"), (ctx.env._("Reached this stage"), "int"),
            (ctx.env._("Amount (10k)"), "num"), (ctx.env._("Weighted Amount (10k)"), "num"),
            (ctx.env._("Conversion to Next Stage"), "pct"), (ctx.env._("Average Days in Stage"), "dec1"),
        ], self.figures(ctx), chart={"type": "bar", "title": ctx.env._("Sales Funnel"), "categories": 0, "values": [2],
                                     "reverse": True})


class RepSheet(SheetProvider):
    sheet = "销售人员"

    def figures(self, ctx):
        Lead = ctx.leads
        groups = Lead._read_group(ctx.domain, ["user_id"], ["__count", "expected_revenue:sum",
                                                            "prorated_revenue:sum"])
        won = {user: (count, amount) for user, count, amount in Lead._read_group(
            [*ctx.domain, ("stage_id.is_won", "=", True)], ["user_id"], ["__count", "expected_revenue:sum"])}
        days = avg_days_by(ctx, "user_id")
        rows = []
        for user, count, amount, weighted in groups:
            won_count, won_amount = won.get(user, (0, 0.0))
            rows.append([user.name or ctx.env._("Unassigned"), count, (amount or 0.0) / WAN,
                         (weighted or 0.0) / WAN, won_count, (won_amount or 0.0) / WAN,
                         won_count / count if count else 0.0, days.get(user.id or None, 0.0)])
        return rows

    def write_sheet(self, book, ctx):
        book.add_table(self.sheet, [
            (ctx.env._("Salesperson"), "text"), (ctx.env._("Deals"), "int"), (ctx.env._("Amount (10k)"), "num"),
            (ctx.env._("Weighted Amount (10k)"), "num"), (ctx.env._("Won Deals"), "int"),
            (ctx.env._("Won Amount (10k)"), "num"),
            (ctx.env._("Won Share"), "pct"), (ctx.env._("Average Days in Stage"), "dec1"),
        ], self.figures(ctx), chart={"type": "column", "title": ctx.env._("Pipeline per Salesperson"),
                                     "categories": 0, "values": [2, 3]})


class StageChangeSheet(SheetProvider):
    sheet = "阶段变动"

    def figures(self, ctx):
        """Stage changes recorded in the period (from, to, count, average days in the previous stage), then
        the deals won in the period with their average days from the first stage (their first history
        entry, or their creation when they have none) to won."""
        # lost (archived) deals moved too: their changes count
        History = ctx.env["crm.lead.stage.history"].with_context(active_test=False)
        groups = History._read_group(
            [("date", ">=", ctx.date_from), ("date", "<", ctx.date_to), ("lead_id", "any", ctx.base_domain)],
            ["stage_from_id", "stage_to_id"], ["__count", "days_in_previous:avg"])
        rows = [[src.name or ctx.env._("(new deal)"), dst.name or "", count, avg or 0.0]
                for src, dst, count, avg in groups]
        query = ctx.lead_query([*ctx.base_domain, ("stage_id.is_won", "=", True),
                                ("date_closed", ">=", ctx.date_from), ("date_closed", "<", ctx.date_to)])
        query.add_join("LEFT JOIN", "first_stage", SQL(
            "(SELECT lead_id, MIN(date) AS date FROM crm_lead_stage_history GROUP BY lead_id)"),
            SQL("first_stage.lead_id = crm_lead.id"))
        [(count, avg)] = ctx.env.execute_query(query.select(SQL(
            "COUNT(*), AVG(GREATEST(EXTRACT(EPOCH FROM (crm_lead.date_closed - "
            "COALESCE(first_stage.date, crm_lead.create_date))), 0) / 86400)")))
        rows.append([ctx.env._("(first stage)"), ctx.env._("Won"), count, float(avg or 0.0)])
        return rows

    def write_sheet(self, book, ctx):
        book.add_table(self.sheet, [(ctx.env._("From Stage"), "text"), (ctx.env._("To Stage"), "text"),
                                    (ctx.env._("Changes"), "int"),
                                    (ctx.env._("Average Days (previous stage; first stage to won)"), "dec1")],
                       self.figures(ctx))


class CommunicationSheet(SheetProvider):
    """Seed 000 requirement 3: which communications each rep made, per customer level (stage and grade),
    in the period, this week and today."""
    sheet = "沟通记录"

    def _windows(self, ctx, date_column, condition=None):
        condition = condition or SQL("TRUE")
        return [SQL("COUNT(*) FILTER (WHERE %s >= %s AND %s < %s AND %s)", date_column, start, date_column, end,
                    condition)
                for start, end in ((ctx.date_from, ctx.date_to), (ctx.week_start, ctx.now + timedelta(seconds=1)),
                                   (ctx.today, ctx.now + timedelta(seconds=1)))]

    def figures(self, ctx):
        env = ctx.env
        since = min(ctx.date_from, ctx.week_start, ctx.today)
        lead_ids = ctx.lead_query(ctx.base_domain).subselect()
        data = {}
        calls = env["crm.call.log"]._search([("date", ">=", since)])
        calls.add_join("JOIN", "cl_lead", "crm_lead", SQL("cl_lead.id = crm_call_log.lead_id"))
        calls.add_join("JOIN", "cl_user", "res_users", SQL("cl_user.id = crm_call_log.user_id"))
        calls.add_where(SQL("crm_call_log.lead_id IN %s", lead_ids))
        calls.groupby = SQL("cl_user.partner_id, cl_lead.stage_id, cl_lead.customer_grade")
        for partner, stage, grade, *counts in env.execute_query(calls.select(
                SQL("cl_user.partner_id"), SQL("cl_lead.stage_id"), SQL("cl_lead.customer_grade"),
                *self._windows(ctx, SQL("crm_call_log.date")))):
            data.setdefault((partner, stage, grade), [0] * 9)[0:3] = counts
        sql = SQL("""
            SELECT m.author_id, l.stage_id, l.customer_grade, %s
              FROM mail_message m JOIN crm_lead l ON l.id = m.res_id
             WHERE m.model = 'crm.lead' AND m.res_id IN %s AND m.date >= %s AND m.author_id IS NOT NULL
               AND (m.mail_activity_type_id IS NOT NULL OR m.message_type = 'comment')
          GROUP BY m.author_id, l.stage_id, l.customer_grade""", SQL(", ").join(
            self._windows(ctx, SQL("m.date"), SQL("m.mail_activity_type_id IS NULL"))
            + self._windows(ctx, SQL("m.date"), SQL("m.mail_activity_type_id IS NOT NULL"))), lead_ids, since)
        for partner, stage, grade, *counts in env.execute_query(sql):
            data.setdefault((partner, stage, grade), [0] * 9)[3:9] = counts
        partners = env["res.partner"].sudo().browse({key[0] for key in data})
        stages = env["crm.stage"].browse({key[1] for key in data if key[1]})
        grades = dict(env["crm.lead"]._fields["customer_grade"]._description_selection(env))
        names = {p.id: p.name for p in partners}
        order = {s.id: (s.sequence, s.id) for s in stages}
        rows = []
        for (partner, stage, grade), counts in sorted(data.items(), key=lambda kv: (
                names.get(kv[0][0], ""), order.get(kv[0][1], (0, 0)), kv[0][2] or "")):
            stage_name = env["crm.stage"].browse(stage).name if stage else ""
            rows.append([names.get(partner, ""), stage_name or "", grades.get(grade, ""), *counts])
        return rows

    def write_sheet(self, book, ctx):
        rows = self.figures(ctx)
        windows = (ctx.env._("period"), ctx.env._("this week"), ctx.env._("today"))
        columns = [(ctx.env._("Salesperson"), "text"), (ctx.env._("Stage"), "text"), (ctx.env._("Grade"), "text")]
        kinds = [ctx.env._("Calls"), ctx.env._("Notes"), ctx.env._("Activities")]
        columns += [(f"{kind} ({window})", "int") for kind in kinds for window in windows]
        book.add_table(self.sheet, columns, rows)


class CallSheet(SheetProvider):
    """Calls per rep with the rates of the call report (crm.call.report, same definitions and rules):
    接通率 connected / calls, 挂线率 hang-ups (Cut) / connected, 洽谈率 conversations / connected,
    转化率 conversions (D + C) / connected. Calls are selected by their own date, salesperson and team
    (not through the lead: a call whose lead was lost and archived still counts)."""
    sheet = "外呼统计"

    def domain(self, ctx):
        domain = [("date", ">=", ctx.date_from), ("date", "<", ctx.date_to)]
        if ctx.teams:
            domain.append(("team_id", "in", ctx.teams.ids))
        if ctx.users:
            domain.append(("user_id", "in", ctx.users.ids))
        return domain

    def figures(self, ctx):
        """The call report's own figures (crm.call.report._rates: counts and rates in percent)."""
        rates = ctx.env["crm.call.report"]._rates(self.domain(ctx))
        return [[user.name or "", f["call_count"], f["connected_count"], f["connected_rate"] / 100.0,
                 f["hangup_count"], f["hangup_rate"] / 100.0, f["conversation_count"],
                 f["conversation_rate"] / 100.0, f["conversion_count"], f["conversion_rate"] / 100.0]
                for user, f in sorted(rates.items(), key=lambda item: (item[0].name or "", item[0].id))]

    def write_sheet(self, book, ctx):
        book.add_table(self.sheet, [
            (ctx.env._("Salesperson"), "text"), (ctx.env._("Calls"), "int"), (ctx.env._("Connected"), "int"),
            (ctx.env._("Connected Rate"), "pct"), (ctx.env._("Hang-ups"), "int"),
            (ctx.env._("Hang-up Rate"), "pct"),
            (ctx.env._("Conversations"), "int"), (ctx.env._("Conversation Rate"), "pct"),
            (ctx.env._("Conversions (D+C)"), "int"),
            (ctx.env._("Conversion Rate"), "pct")], self.figures(ctx),
            chart={"type": "column", "title": ctx.env._("Calls per Salesperson"), "categories": 0, "values": [1, 2]})


class PoolSheet(SheetProvider):
    """公海: per salesperson, holdings started in the period (claimed from the pool, assigned by a manager
    or on creation) and ended in the period, by how they ended (released, reclaimed by a pool rule, ...)."""
    sheet = "公海"
    starts = ("claimed", "assigned")
    reasons = ("released", "reclaimed", "reassigned", "won", "lost")

    def figures(self, ctx):
        History = ctx.env["crm.pool.history"]
        scope = [("lead_id", "any", ctx.base_domain)]
        width = len(self.starts) + len(self.reasons)
        per_user = {}
        started = [*scope, ("date_start", ">=", ctx.date_from), ("date_start", "<", ctx.date_to)]
        ended = [*scope, ("date_end", ">=", ctx.date_from), ("date_end", "<", ctx.date_to)]
        for user, reason, count in History._read_group(started, ["user_id", "start_reason"], ["__count"]):
            if reason in self.starts:
                per_user.setdefault(user, [0] * width)[self.starts.index(reason)] += count
        for user, reason, count in History._read_group(ended, ["user_id", "end_reason"], ["__count"]):
            if reason in self.reasons:
                per_user.setdefault(user, [0] * width)[len(self.starts) + self.reasons.index(reason)] += count
        return sorted([user.name or "", *counts] for user, counts in per_user.items())

    def write_sheet(self, book, ctx):
        book.add_table(self.sheet, [
            (ctx.env._("Salesperson"), "text"), (ctx.env._("Claimed"), "int"), (ctx.env._("Assigned"), "int"),
            (ctx.env._("Released"), "int"), (ctx.env._("Reclaimed by Rule"), "int"),
            (ctx.env._("Reassigned"), "int"), (ctx.env._("Won"), "int"), (ctx.env._("Lost"), "int")],
                       self.figures(ctx),
                       chart={"type": "column", "title": ctx.env._("Public Pool Moves per Salesperson"),
                              "categories": 0, "values": [1, 3, 4]})


class BalanceSheet(SheetProvider):
    sheet = "平衡计算"

    def figures(self, ctx):
        years = list(range(ctx.date_from.year, (ctx.date_to - timedelta(days=1)).year + 1))
        domain = [("year", "in", years)]
        if ctx.teams:
            domain.append(("team_id", "in", ctx.teams.ids))
        if ctx.users:
            domain.append(("user_id", "in", ctx.users.ids))
        plans = ctx.env["crm.funnel.plan"].search(domain)
        result = [{
            "title": plan.name, "target_amount": plan.target_amount,
            "avg_contract_amount": plan.avg_contract_amount, "target_units": plan.target_units,
            "avg_units_per_contract": plan.avg_units_per_contract, "win_rate": plan.win_rate,
            "sales_cycle_days": plan.sales_cycle_days, "won_amount": plan.won_amount,
            "weighted_pipeline": plan.weighted_pipeline, "observed_win_rate": plan.observed_win_rate,
            "actual_customers_month": plan.actual_customers_month,
        } for plan in plans]
        # no plan yet: the seed's worked example, so the sheet is a ready-to-edit template
        return result or [{
            "title": ctx.env._("Example (edit the yellow cells)"), "target_amount": 300.0,
            "avg_contract_amount": 3.0, "target_units": 200.0, "avg_units_per_contract": 2.0, "win_rate": 10.0,
            "sales_cycle_days": 90, "won_amount": 0.0, "weighted_pipeline": 0.0, "observed_win_rate": 0.0,
            "actual_customers_month": 0.0}]

    def write_sheet(self, book, ctx):
        book.add_balance(self.sheet, self.figures(ctx))


class DetailSheet(SheetProvider):
    sheet = "明细"
    fields = ["name", "partner_id", "user_id", "team_id", "stage_id", "customer_grade", "expected_revenue",
              "probability", "prorated_revenue", "create_date", "date_last_stage_update", "date_last_followup"]

    def rows(self, ctx):
        Lead = ctx.leads
        ids = Lead._search(ctx.domain, order="id").get_result_ids()
        # the names of customers, salespersons, teams and stages read their own columns only, not whole rows
        Lead = Lead.with_context(prefetch_fields=False)
        now = ctx.now
        for start in range(0, len(ids), DETAIL_CHUNK):
            ctx.tick(start / len(ids))
            chunk = Lead.browse(ids[start:start + DETAIL_CHUNK])
            for rec in chunk.read(self.fields):
                since = rec["date_last_stage_update"] or rec["create_date"]
                yield [rec["name"] or "", (rec["partner_id"] and rec["partner_id"][1]) or "",
                       (rec["user_id"] and rec["user_id"][1]) or "", (rec["team_id"] and rec["team_id"][1]) or "",
                       (rec["stage_id"] and rec["stage_id"][1]) or "", rec["customer_grade"] or "",
                       (rec["expected_revenue"] or 0.0) / WAN, rec["probability"] or 0.0,
                       (rec["prorated_revenue"] or 0.0) / WAN, rec["create_date"],
                       max((now - since).days, 0) if since else 0, rec["date_last_followup"] or None]
            Lead.env.invalidate_all()

    def write_sheet(self, book, ctx):
        book.add_table(self.sheet, [
            (ctx.env._("Opportunity"), "text"), (ctx.env._("Customer"), "text"), (ctx.env._("Salesperson"), "text"),
            (ctx.env._("Sales Team"), "text"), (ctx.env._("Stage"), "text"), (ctx.env._("Grade"), "text"),
            (ctx.env._("Amount (10k)"), "num"),
            (ctx.env._("Probability (%)"), "num"), (ctx.env._("Weighted Amount (10k)"), "num"),
            (ctx.env._("Created on"), "date"),
            (ctx.env._("Days in Stage"), "int"), (ctx.env._("Last Follow-up"), "date")], self.rows(ctx))


SHEET_PROVIDERS = [OverviewSheet, RepSheet, StageChangeSheet, CommunicationSheet, CallSheet, PoolSheet,
                   BalanceSheet, DetailSheet]


def sheet_providers():
    return [provider() for provider in SHEET_PROVIDERS]
