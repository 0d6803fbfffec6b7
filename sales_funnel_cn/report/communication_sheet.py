"""Sheets of the funnel workbook for seed 000 requirement 3 (业务员针对某个级别的客户，在本周或者这一天进行了
哪些沟通): the counts of 沟通记录 gain the structured follow-ups, and 沟通明细 lists every communication
(follow-ups and calls) of the period with its purpose and content."""
from odoo.tools import SQL

from .funnel_context import DETAIL_CHUNK
from .funnel_context import NAME_CACHE
from .funnel_context import SheetProvider
from .funnel_sheets import SHEET_PROVIDERS
from .funnel_sheets import CommunicationSheet


class FollowupCommunicationSheet(CommunicationSheet):
    """沟通记录 with three more columns: structured follow-ups in the period, this week and today."""


    def followup_counts(self, ctx):
        env = ctx.env
        since = min(ctx.date_from, ctx.week_start, ctx.today)
        query = env["crm.followup"]._search([("date", ">=", since), ("lead_id", "any", ctx.base_domain)])
        query.add_join("JOIN", "fu_lead", "crm_lead", SQL("fu_lead.id = crm_followup.lead_id"))
        query.add_join("JOIN", "fu_user", "res_users", SQL("fu_user.id = crm_followup.user_id"))
        query.groupby = SQL("fu_user.partner_id, fu_lead.stage_id, fu_lead.customer_grade")
        return {(partner, stage, grade): counts for partner, stage, grade, *counts in env.execute_query(
            query.select(SQL("fu_user.partner_id"), SQL("fu_lead.stage_id"), SQL("fu_lead.customer_grade"),
                         *self._windows(ctx, SQL("crm_followup.date"))))}

    def write_sheet(self, book, ctx):
        env = ctx.env
        rows = self.figures(ctx)
        width = len(rows[0]) if rows else 12
        grades = dict(env["crm.lead"]._fields["customer_grade"]._description_selection(env))
        by_label = {tuple(row[:3]): row for row in rows}
        counts = self.followup_counts(ctx)
        partners = env["res.partner"].sudo().browse({key[0] for key in counts})
        names = {p.id: p.name for p in partners}
        for (partner, stage, grade), values in counts.items():
            label = (names.get(partner, ""), env["crm.stage"].browse(stage).name if stage else "",
                     grades.get(grade, ""))
            row = by_label.get(label)
            if row is None:
                row = by_label[label] = [*label] + [0] * (width - 3)
                rows.append(row)
            row.extend(values)
        for row in rows:
            row.extend([0] * (width + 3 - len(row)))
        windows = (env._("period"), env._("this week"), env._("today"))
        columns = [(env._("Salesperson"), "text"), (env._("Stage"), "text"), (env._("Grade"), "text")]
        kinds = [env._("Calls"), env._("Notes"), env._("Activities"), env._("Follow-ups")]
        columns += [(f"{kind} ({window})", "int") for kind in kinds for window in windows]
        book.add_table(self.sheet, columns, rows)


class CommunicationDetailSheet(SheetProvider):
    """沟通明细: every follow-up and call of the period, with the deal's stage and grade, purpose and content."""

    sheet = "沟通明细"
    fields = ["date", "kind", "channel", "user_id", "partner_id", "lead_id", "customer_grade", "stage_id",
              "purpose", "content", "checkin_far"]

    def rows(self, ctx):
        Report = ctx.env["crm.communication.report"]
        domain = [("date", ">=", ctx.date_from), ("date", "<", ctx.date_to)]
        if ctx.teams:
            domain.append(("team_id", "in", ctx.teams.ids))
        if ctx.users:
            domain.append(("user_id", "in", ctx.users.ids))
        kinds = dict(Report._fields["kind"]._description_selection(ctx.env))
        grades = dict(Report._fields["customer_grade"]._description_selection(ctx.env))
        query = Report._search(domain, order="date, id")
        columns = [SQL.identifier(query.table, name) for name in self.fields]
        Report.env.flush_all()
        far = ctx.env._("far from customer")
        # names looked up once per record, the lookups bounded: a dict is emptied when it holds NAME_CACHE
        # names (a million deals' names would be the whole sheet's memory again); each lookup reads the
        # name's own columns only (prefetch_fields=False: a deal's whole row per name was most of the time)
        names = {"user_id": {}, "partner_id": {}, "lead_id": {}, "stage_id": {}}
        # one pass over the rows, DETAIL_CHUNK at a time from a server-side cursor: the view's ids are
        # expressions (no index), so reading it back by ids would compute the whole view once per chunk
        with Report.env.cr._cnx.cursor(name="sfcn_communication_detail") as stream:
            sql = query.select(*columns)
            stream.execute(sql.code, sql.params)
            while chunk := stream.fetchmany(DETAIL_CHUNK):
                for field, position in (("user_id", 3), ("partner_id", 4), ("lead_id", 5), ("stage_id", 7)):
                    known = names[field]
                    if len(known) > NAME_CACHE:
                        known.clear()
                    records = Report.env[Report._fields[field].comodel_name].sudo().with_context(
                        prefetch_fields=False).browse(
                        {row[position] for row in chunk if row[position] and row[position] not in known})
                    known.update((record.id, record.display_name) for record in records)
                users, partners, leads, stages = (names[f] for f in ("user_id", "partner_id", "lead_id", "stage_id"))
                for (date, kind, channel, user, partner, lead, grade, stage, purpose, content,
                     checkin_far) in chunk:
                    yield [date, kinds.get(kind, ""), channel or "", users.get(user, ""), partners.get(partner, ""),
                           leads.get(lead, ""), grades.get(grade, ""), stages.get(stage, ""), purpose or "",
                           content or "", far if checkin_far else ""]
                Report.env.invalidate_all()

    def write_sheet(self, book, ctx):
        env = ctx.env
        book.add_table(self.sheet, [
            (env._("Date"), "date"), (env._("Kind"), "text"), (env._("Channel"), "text"),
            (env._("Salesperson"), "text"), (env._("Customer"), "text"), (env._("Opportunity"), "text"),
            (env._("Grade"), "text"), (env._("Stage"), "text"), (env._("Purpose"), "text"),
            (env._("What Was Discussed"), "text"), (env._("Check-in"), "text")], self.rows(ctx),
            widths={8: 30, 9: 50})


def register(providers):
    """Registered in the workbook's SHEET_PROVIDERS like the other sheets: 沟通记录 (now with follow-ups) in
    place of the plain one, 沟通明细 right after it."""
    if CommunicationDetailSheet in providers:
        return
    at = providers.index(CommunicationSheet)
    providers[at:at + 1] = [FollowupCommunicationSheet, CommunicationDetailSheet]


register(SHEET_PROVIDERS)
