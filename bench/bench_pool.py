"""Public pool reclaim (issues 6 and 13): 30% of the N deals due, returned by the cron's batches (history,
chatter line, warnings included) on the module's database, against the same ``user_id = False`` batch write
of the same deals on the plain-crm database (same data, no module, same batch size).

Goals: <= 1.3x the plain-crm write; memory flat: peak RSS growth of the run < 200 MB. Also printed: the
candidate query's plan (the date_reclaim index) and queries per reclaimed deal.
"""
from datetime import timedelta

from odoo import fields

BATCH = 1000


def _due_ids(env, count):
    env.cr.execute("""SELECT l.id FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
                       WHERE l.user_id IS NOT NULL AND l.active AND NOT COALESCE(s.is_won, false)
                    ORDER BY l.id LIMIT %s""", [count])
    return [row[0] for row in env.cr.fetchall()]


def run(ctx, bench):
    env = ctx.env(context=dict(ctx.env.context, tracking_disable=True, mail_notrack=True))
    count = int(ctx.n * 0.3)
    due_ids = _due_ids(env, count)
    env.cr.execute("UPDATE crm_lead SET date_reclaim = %s, date_reclaim_warning = %s WHERE id = ANY(%s)",
                   [fields.Datetime.now() - timedelta(days=1), fields.Datetime.now() - timedelta(days=3), due_ids])
    env.cr.execute("ANALYZE crm_lead")
    bench.figure("deals due for reclaim", len(due_ids))
    Lead = env["crm.lead"]
    plan = bench.explain(env.cr, "reclaim candidates", Lead._pool_reclaim_candidates_query(limit=BATCH)
                         .replace("%s", "now() at time zone 'UTC'"))
    bench.figure("candidate query uses an index (1 = yes)", int(bench.uses_index(plan)))

    plain = ctx.plain(context=dict(ctx.plain.context, tracking_disable=True, mail_notrack=True))
    plain_ids = _due_ids(plain, count)
    PlainLead = plain["crm.lead"]
    with bench.measure(f"plain crm: write user_id=False on {len(plain_ids):,} deals, batches of {BATCH}") as base:
        for start in range(0, len(plain_ids), BATCH):
            PlainLead.browse(plain_ids[start:start + BATCH]).write({"user_id": False})
            plain.flush_all()
            plain.invalidate_all()

    with bench.rss_growth() as mem, bench.measure(f"reclaim cron: {len(due_ids):,} deals, batches of {BATCH}") as rec:
        reclaimed = 0
        while True:
            done, remaining = Lead._cron_pool_reclaim(batch_size=BATCH)
            reclaimed += done
            env.invalidate_all()
            if not remaining:
                break
    bench.figure("deals reclaimed", reclaimed)
    bench.figure("queries per reclaimed deal", rec["queries"] / max(reclaimed, 1))
    bench.figure("peak RSS growth of the reclaim", mem["mb"], "MB")
    ratio = rec["seconds"] / base["seconds"]
    bench.goal(f"reclaim of {reclaimed:,} due deals vs plain-crm user_id=False batch write",
               f"{ratio:.2f}x ({rec['seconds']:.1f} s vs {base['seconds']:.1f} s)", "<= 1.3x",
               ratio <= 1.3 and reclaimed == len(due_ids))
    bench.goal("reclaim peak RSS growth", f"{mem['mb']:.0f} MB", "< 200 MB", mem["mb"] < 200)
