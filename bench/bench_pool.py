"""Public pool reclaim at scale: N open deals (SFCN_BENCH_N, default 100,000), 30% of them due.

Figures: the reclaim run (all batches of the cron, history and chatter included) against a plain ORM batch
write of ``user_id = False`` on the same deals (same batch size, rolled back), as a ratio; queries per
reclaimed deal; the candidate query's time; peak memory.
"""
import os
from datetime import timedelta

from generate import make_opportunities

from odoo import fields

BATCH = 1000


def run(env, bench):
    n = int(os.environ.get("SFCN_BENCH_N", "100000"))
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    leads = make_opportunities(env, n)
    ids = leads.ids
    due_ids = ids[: int(n * 0.3)]
    long_ago = fields.Datetime.now() - timedelta(days=40)
    Lead = env["crm.lead"]
    for start in range(0, len(due_ids), BATCH):
        Lead.browse(due_ids[start:start + BATCH]).write({"date_claimed": long_ago})
        env.flush_all()
        env.invalidate_all()
    bench.figure("open deals", n)
    bench.figure("deals due for reclaim", len(due_ids))

    with bench.measure("candidate query (one indexed SELECT)") as cand:
        env.cr.execute(Lead._pool_reclaim_candidates_query(), [fields.Datetime.now()])
        found = len(env.cr.fetchall())
    bench.figure("candidates found", found)
    env.cr.execute("EXPLAIN " + Lead._pool_reclaim_candidates_query(), [fields.Datetime.now()])
    plan = " ".join(row[0] for row in env.cr.fetchall())
    bench.figure("candidate query uses the date_reclaim index", int("crm_lead__date_reclaim_index" in plan))
    del cand

    env.cr.execute("SAVEPOINT bench_plain_write")
    with bench.measure("plain ORM write user_id=False (batches of 1000)") as plain:
        for start in range(0, len(due_ids), BATCH):
            Lead.browse(due_ids[start:start + BATCH]).write({"user_id": False})
            env.flush_all()
            env.invalidate_all()
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_plain_write")
    env.invalidate_all()

    with bench.measure("reclaim run (cron batches of 1000, history + chatter)") as reclaim:
        reclaimed = 0
        while True:
            done, remaining = Lead._cron_pool_reclaim(batch_size=BATCH)
            reclaimed += done
            env.invalidate_all()
            if not remaining:
                break
    bench.figure("deals reclaimed", reclaimed)
    bench.figure("reclaim time / plain write time", reclaim["seconds"] / plain["seconds"], "x")
    bench.figure("queries per reclaimed deal", reclaim["queries"] / max(reclaimed, 1), "")
    with bench.measure("second run (idempotent: nothing left)") as again:
        again["done"] = Lead._cron_pool_reclaim(batch_size=BATCH)[0]
    bench.figure("deals reclaimed by the second run", again["done"])
    bench.figure("peak RSS", bench.peak_rss_mb(), "MB")
