"""Excel export of the funnel (issues 7 and 13): the whole workbook of every generated deal (the wizard's
period covers them all) against its floor: one search_read of the detail rows + raw xlsxwriter writing the
same cells (constant_memory mode), on the same database. The workbook has two detail sheets since issue 14:
明细 (the deals) and 沟通明细 (every call and follow-up of the period: 5 per deal here); the floor writes
both: the deals from one search_read, the communications from one SELECT of the report's rows (names looked
up once), raw xlsxwriter for the cells.

Goals: export <= 1.5x the baseline; peak RSS growth of the export < 150 MB. The export runs first, on
caches no warmer than the baseline's.
"""
import os
import tempfile
from datetime import timedelta

import xlsxwriter

from odoo import fields
from odoo.addons.sales_funnel_cn.report.funnel_context import FunnelContext
from odoo.tools import SQL

COMM_FIELDS = ["date", "kind", "channel", "user_id", "partner_id", "lead_id", "customer_grade", "stage_id",
               "purpose", "content", "checkin_far"]
FIELDS = ["name", "partner_id", "user_id", "team_id", "stage_id", "customer_grade", "expected_revenue",
          "probability", "prorated_revenue", "create_date", "date_last_stage_update", "date_last_followup"]


def _communications(env, date_from, date_to):
    """The 沟通明细 rows as one SELECT (many2ones as names), the floor of that sheet."""
    Report = env["crm.communication.report"]
    query = Report._search([("date", ">=", date_from), ("date", "<", date_to)], order="date, id")
    rows = env.execute_query(query.select(*(SQL.identifier(query.table, f) for f in COMM_FIELDS)))
    names = {}
    for position, field in enumerate(COMM_FIELDS):
        if Report._fields[field].type == "many2one":
            records = env[Report._fields[field].comodel_name].sudo().browse({r[position] for r in rows if r[position]})
            names[position] = {record.id: record.display_name for record in records}
    return [{field: names[i].get(row[i], "") if i in names else row[i] for i, field in enumerate(COMM_FIELDS)}
            for row in rows]


def _baseline(env, domain, date_from, date_to):
    rows = env["crm.lead"].search_read(domain, FIELDS, order="id")
    communications = _communications(env, date_from, date_to)
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "remove_timezone": True})
    fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    _sheet(wb, "明细", FIELDS, rows, fmt)
    _sheet(wb, "沟通明细", COMM_FIELDS, communications, fmt)
    wb.close()
    size = os.path.getsize(path)
    os.unlink(path)
    return len(rows), len(communications), size


def _sheet(wb, title, fields, rows, fmt):
    ws = wb.add_worksheet(title)
    for r, rec in enumerate(rows, start=1):
        for c, name in enumerate(fields):
            value = rec[name]
            if isinstance(value, tuple):
                ws.write_string(r, c, value[1])
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            elif hasattr(value, "year"):
                ws.write_datetime(r, c, value, fmt)
            elif value is False or value is None:
                ws.write_blank(r, c, None)
            else:
                ws.write_number(r, c, value)


def _sheet_profile(uenv, funnel, bench):
    """Where the workbook's time goes: each sheet written alone into a scratch workbook (figures only)."""
    from odoo.addons.sales_funnel_cn.report.funnel_sheets import sheet_providers
    from odoo.addons.sales_funnel_cn.report.funnel_workbook import FunnelWorkbook

    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        book = FunnelWorkbook(path, [])
        for provider in sheet_providers():
            uenv.invalidate_all()
            with bench.measure(f"sheet {provider.sheet}", quiet=True) as sheet:
                provider.write_sheet(book, funnel)
            bench.figure(f"sheet {provider.sheet}: time ({sheet['queries']} queries)", sheet["seconds"], "s")
        book.close()
    finally:
        os.unlink(path)


def run(ctx, bench):
    """Workbook and baseline alternately, SFCN_BENCH_ROUNDS times (default 3) in this one run: on a shared
    machine the best of each is the figure, the spread of the per-round ratios is printed beside it."""
    env = ctx.env
    manager = env.ref("base.user_admin")
    uenv = env(user=manager, su=False)
    today = fields.Date.context_today(manager)
    wizard = uenv["crm.funnel.export.wizard"].create({"date_from": today - timedelta(days=400), "date_to": today})
    funnel = FunnelContext(uenv, wizard.date_from, wizard.date_to, wizard.team_ids, wizard.user_ids)
    env.cr.execute("SELECT count(*) FROM crm_lead")  # both runs start with the table in the cache
    exports, bases, growth = [], [], None
    for round_ in range(int(os.environ.get("SFCN_BENCH_ROUNDS", 3))):
        env.invalidate_all()
        with bench.rss_growth() as mem, bench.measure(f"export: whole workbook (round {round_ + 1})") as export:
            content = wizard._build_xlsx()
        growth = mem["mb"] if growth is None else max(growth, mem["mb"])
        size = len(content)
        del content
        env.invalidate_all()
        with bench.measure(f"baseline: search_read + raw xlsxwriter (round {round_ + 1})") as base:
            count, comm_count, base_size = _baseline(uenv, funnel.domain, funnel.date_from, funnel.date_to)
        exports.append(export)
        bases.append(base)
    bench.figure("workbook size", size / 1e6, "MB")
    bench.figure("detail rows (deals)", count)
    bench.figure("detail rows (communications)", comm_count)
    bench.figure("baseline file size", base_size / 1e6, "MB")
    _sheet_profile(uenv, funnel, bench)
    best_export = min(e["seconds"] for e in exports)
    best_base = min(b["seconds"] for b in bases)
    ratio = best_export / best_base
    ratios = [e["seconds"] / b["seconds"] for e, b in zip(exports, bases, strict=True)]
    bench.goal(f"whole workbook ({count:,} deals, {comm_count:,} communications) vs search_read + raw xlsxwriter",
               f"{ratio:.2f}x best of {len(ratios)} (round ratios {min(ratios):.2f}-{max(ratios):.2f}x; "
               f"{best_export:.1f} s vs {best_base:.1f} s; {exports[0]['queries']} queries)",
               "<= 1.5x", ratio <= 1.5)
    bench.goal("workbook peak RSS growth", f"{growth:.0f} MB", "< 150 MB", growth < 150)
