"""Excel export of the funnel: the whole workbook against the floor of (a search_read of the detail rows +
raw xlsxwriter writing the same cells), peak Python memory of the export and its SQL query count.

Goals (issue 7): ratio <= 1.5x, memory growth under 150 MB (constant_memory mode), aggregates by SQL
GROUP BY / read_group (the query count does not grow with the number of deals beyond the detail chunks).
"""
import os
import tempfile
import tracemalloc

import xlsxwriter
from generate import make_opportunities

from odoo import fields
from odoo.addons.sales_funnel_cn.report.funnel_sheets import DETAIL_CHUNK
from odoo.addons.sales_funnel_cn.report.funnel_sheets import FunnelContext

FIELDS = ["name", "partner_id", "user_id", "team_id", "stage_id", "customer_grade", "expected_revenue",
          "probability", "prorated_revenue", "create_date", "date_last_stage_update", "date_last_followup"]


def _baseline(env, domain):
    rows = env["crm.lead"].search_read(domain, FIELDS, order="id")
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "remove_timezone": True})
    ws = wb.add_worksheet("明细")
    fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for r, rec in enumerate(rows, start=1):
        for c, name in enumerate(FIELDS):
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
    wb.close()
    size = os.path.getsize(path)
    os.unlink(path)
    return len(rows), size


def run(env, bench):
    n = int(os.environ.get("SFCN_BENCH_N", "100000"))
    with bench.measure(f"create {n:,} opportunities"):
        make_opportunities(env, n)
    env.cr.flush()
    manager = env.ref("base.user_admin")
    uenv = env(user=manager, su=False)
    today = fields.Date.context_today(manager)
    wizard = uenv["crm.funnel.export.wizard"].create({"date_from": today.replace(month=1, day=1), "date_to": today})
    domain = FunnelContext(uenv, wizard.date_from, wizard.date_to, wizard.team_ids, wizard.user_ids).domain
    env.invalidate_all()
    with bench.measure("baseline: search_read detail rows + raw xlsxwriter") as base:
        count, base_size = _baseline(uenv, domain)
    bench.figure("detail rows", count)
    env.invalidate_all()
    with bench.measure("export: whole workbook (wizard)") as export:
        content = wizard._build_xlsx()
    bench.figure("workbook size", len(content) / 1e6, "MB")
    bench.figure("baseline file size", base_size / 1e6, "MB")
    bench.figure("ratio export / baseline (goal <= 1.5)", export["seconds"] / base["seconds"], "x")
    bench.figure("detail chunks (reads of 2,000 rows)", -(-count // DETAIL_CHUNK))
    env.invalidate_all()
    tracemalloc.start()
    wizard._build_xlsx()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    bench.figure("export peak Python memory growth (goal < 150)", peak / 1e6, "MB")
    bench.figure("peak RSS of the process", bench.peak_rss_mb(), "MB")
