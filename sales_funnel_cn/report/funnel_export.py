"""The whole funnel workbook as bytes, built as ``env``'s user: the export wizard calls it inside the request
(small exports) and the background export job (crm.funnel.export.job) on a cron worker, as the requester."""
import os
import tempfile

from odoo import fields

from .funnel_context import FunnelContext
from .funnel_sheets import sheet_providers
from .funnel_workbook import FunnelWorkbook

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_header(env, date_from, date_to, teams, users):
    generated = fields.Datetime.context_timestamp(env.user, fields.Datetime.now())
    filters = "; ".join(filter(None, [
        teams and env._("Teams: %s", ", ".join(teams.mapped("name"))),
        users and env._("Salespersons: %s", ", ".join(users.mapped("name"))),
    ])) or env._("All deals you may read")
    return [
        (env._("Company"), env.company.name),
        (env._("Period"), f"{date_from} – {date_to}"),
        (env._("Filters"), filters),
        (env._("Generated at"), generated.strftime("%Y-%m-%d %H:%M")),
    ]


def export_filename(date_from, date_to):
    return f"sales_funnel_{date_from}_{date_to}.xlsx"


def build_funnel_xlsx(env, date_from, date_to, teams, users, progress=None):
    """The workbook as bytes. Reads only (record rules of env's user apply); ``progress(fraction)`` is called
    after each sheet and between the batches of the detail sheet, fraction of the whole workbook in 0..1."""
    teams, users = teams.with_env(env), users.with_env(env)
    providers = sheet_providers()
    step = {"index": 0}

    def sheet_progress(fraction):
        if progress:
            progress((step["index"] + min(max(fraction, 0.0), 1.0)) / len(providers))

    ctx = FunnelContext(env, date_from, date_to, teams, users, progress=sheet_progress)
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        book = FunnelWorkbook(path, export_header(env, date_from, date_to, teams, users))
        for index, provider in enumerate(providers):
            step["index"] = index
            provider.write_sheet(book, ctx)
            sheet_progress(1.0)
        book.close()
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)
