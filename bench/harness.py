"""Benchmark harness: timers, query counters, memory, EXPLAIN, and the goal table.

Each bench_*.py module in this folder defines ``run(ctx, bench)``; bench/run.py calls them in turn with a
context holding the module's environment (``ctx.env``), the plain-crm baseline's (``ctx.plain``, same data,
no sales_funnel_cn) and the data size (``ctx.n``). Figures are printed as they come; every goal becomes one
row of the table printed at the end (``bench.goal``). Nothing is asserted: a benchmark never fails a build.
"""
import contextlib
import re
import time

from odoo import sql_db
from odoo.tools import SQL

GOALS = []


class Context:
    def __init__(self, env, plain, n):
        self.env, self.plain, self.n = env, plain, n


class Bench:
    def __init__(self, name, n):
        self.name = name
        self.n = n

    @contextlib.contextmanager
    def measure(self, label, quiet=False):
        """Time a block and count its SQL queries (every cursor); yields a dict filled on exit."""
        result = {}
        q0, t0 = sql_db.sql_counter, time.perf_counter()
        yield result
        result["seconds"] = time.perf_counter() - t0
        result["queries"] = sql_db.sql_counter - q0
        if not quiet:
            self.figure(f"{label}: time", result["seconds"], "s")
            self.figure(f"{label}: queries", result["queries"])

    def figure(self, label, value, unit=""):
        shown = f"{value:,.3f}" if isinstance(value, float) else f"{value:,}"
        print(f"  {self.name:<10} {label:<66} {shown:>14} {unit}", flush=True)

    def goal(self, what, figure, goal, met):
        """One row of the goal table: met is True / False, or None for a figure that is only measured."""
        GOALS.append((self.name, self.n, what, figure, goal, met))
        verdict = {True: "met", False: "NOT MET", None: "measured"}[met]
        print(f"  {self.name:<10} GOAL {what}: {figure} (goal {goal}) -> {verdict}", flush=True)

    # ------------------------------------------------------------------ memory (Linux /proc)
    @staticmethod
    def _status_kb(key):
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return 0

    @contextlib.contextmanager
    def rss_growth(self):
        """Peak RSS growth of the block in MB: the kernel's high-water mark is reset first (clear_refs 5),
        so what ran before does not hide the block's own peak."""
        result = {}
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        before = self._status_kb("VmRSS")
        yield result
        result["mb"] = (self._status_kb("VmHWM") - before) / 1024.0

    # ------------------------------------------------------------------ plans
    def explain(self, cr, label, query):
        """Print the plan of an Odoo Query (or SQL object) and return it; uses_index tells whether the scan
        of crm_lead (or the driving table) goes through an index."""
        if isinstance(query, str):
            query = SQL(query)
        cr.execute(SQL("EXPLAIN %s", query if isinstance(query, SQL) else query.select()))
        plan = "\n".join(row[0] for row in cr.fetchall())
        print(f"  {self.name:<10} EXPLAIN {label}:\n" + "\n".join(f"      {line}" for line in plan.splitlines()),
              flush=True)
        return plan

    @staticmethod
    def uses_index(plan):
        return bool(re.search(r"Index (Only )?Scan|Bitmap Index Scan", plan))

    def index_verdict(self, cr, label, query):
        """'yes' when the planner's plan reads through an index; else, on a table small enough for a
        sequential scan to be cheaper, whether an index could serve the query ('usable': the plan with
        sequential scans disabled, printed too); else 'NO'."""
        if self.uses_index(self.explain(cr, label, query)):
            return "yes"
        cr.execute("SAVEPOINT bench_plan")
        cr.execute("SET LOCAL enable_seqscan = off")
        usable = self.uses_index(self.explain(cr, f"{label} (sequential scans disabled)", query))
        cr.execute("ROLLBACK TO SAVEPOINT bench_plan")
        return "usable" if usable else "NO"


def best_of(bench, env, label, func, runs=3):
    """Run func `runs` times on an empty record cache (the first run warms PostgreSQL's and the registry's
    caches); returns (best seconds, queries of the last run)."""
    best, queries = None, None
    for _ in range(runs):
        env.invalidate_all()
        with bench.measure(label, quiet=True) as r:
            func()
        best = r["seconds"] if best is None else min(best, r["seconds"])
        queries = r["queries"]
    bench.figure(f"{label}: time (best of {runs})", best, "s")
    bench.figure(f"{label}: queries", queries)
    return best, queries


def print_table(out=print):
    rows = [("benchmark", "N", "what", "figure(s)", "goal", "result")]
    rows += [(name, f"{n:,}", what, figure, goal, {True: "met", False: "NOT MET", None: "measured"}[met])
             for name, n, what, figure, goal, met in GOALS]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    out("")
    for i, row in enumerate(rows):
        out("| " + " | ".join(cell + " " * (widths[j] - _width(cell)) for j, cell in enumerate(row)) + " |")
        if i == 0:
            out("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    met = sum(1 for g in GOALS if g[5] is True)
    missed = sum(1 for g in GOALS if g[5] is False)
    out(f"\n{met} goals met, {missed} not met, {sum(1 for g in GOALS if g[5] is None)} measured only")


def _width(text):
    """Display width (a CJK character takes two columns)."""
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)
