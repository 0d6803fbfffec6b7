"""Figures for the data generator itself: how fast N opportunities are created."""
import os

from generate import make_opportunities


def run(env, bench):
    n = int(os.environ.get("SFCN_BENCH_N", "10000"))
    with bench.measure(f"create {n:,} opportunities") as r:
        make_opportunities(env, n)
    bench.figure("opportunities per second", n / r["seconds"], "/s")
    bench.figure("peak RSS", bench.peak_rss_mb(), "MB")
