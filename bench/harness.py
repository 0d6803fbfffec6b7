"""Benchmark harness: an Odoo environment on a database, timers, query counters and figures.

Each bench_*.py module in this folder defines ``run(env, bench)``; bench/run.py calls them in turn.
Figures are printed, never asserted: the goals live in the issues and in the README.
"""
import contextlib
import resource
import time

from odoo import sql_db


class Bench:
    def __init__(self, name):
        self.name = name
        self.figures = []

    @contextlib.contextmanager
    def measure(self, label):
        """Time a block and count its SQL queries; yields a dict filled on exit."""
        result = {}
        q0, t0 = sql_db.sql_counter, time.perf_counter()
        yield result
        result["seconds"] = time.perf_counter() - t0
        result["queries"] = sql_db.sql_counter - q0
        self.figure(f"{label}: time", result["seconds"], "s")
        self.figure(f"{label}: queries", result["queries"], "")

    def figure(self, label, value, unit=""):
        self.figures.append((label, value, unit))
        shown = f"{value:,.3f}" if isinstance(value, float) else f"{value:,}"
        print(f"  {self.name:<14} {label:<58} {shown:>14} {unit}", flush=True)

    @staticmethod
    def peak_rss_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
