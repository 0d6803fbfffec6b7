"""Stage changes through the checklist gate vs the same writes on plain crm (issues 12 and 13).

WRITES single-deal stage writes (意向 -> 方案 of the B2B template, every required check of 方案 ticked, gate
'block') through the module's whole crm.lead.write (gate, stage history) on the module's database, against the
same number of single-deal stage writes on the plain-crm database (same data, no module), given the same
probability (the gated write sets the stage's fixed probability, which spares crm its predictive-probability
queries; the baseline is told the same probability so only the module's cost is compared). Goal: <= 1.2x,
<= 3 queries per write.

The machine is shared: ROUNDS rounds alternate module and plain crm, each round in a savepoint rolled back
afterwards (every round starts from the same rows); the goal compares the best round of each, and the spread
of the ratio over the rounds is printed beside it.

A third figure, measured only: the same plain-crm writes each followed by the least a recorded move can cost,
one INSERT of a history row (deal, stages, user, date; foreign keys as Odoo declares them) into a table made
for the run and dropped after it. Its ratio to plain crm is the floor of any design that records the move in
the move's own transaction, whatever else it does or skips.
"""
from generate import bench_team
from generate import open_stages

WRITES = 1000
ROUNDS = 3


def _deals(env, count):
    """The first `count` open owned deals of the bench team (the same ids in both databases)."""
    return env["crm.lead"].search([("team_id", "=", bench_team(env).id), ("user_id", "!=", False),
                                   ("probability", "<", 100)], order="id", limit=count)


FLOOR_TABLE = """
    CREATE TABLE sfcn_bench_floor_history (
        id serial PRIMARY KEY,
        lead_id int NOT NULL REFERENCES crm_lead(id) ON DELETE CASCADE,
        stage_from_id int REFERENCES crm_stage(id) ON DELETE SET NULL,
        stage_to_id int REFERENCES crm_stage(id) ON DELETE SET NULL,
        user_id int REFERENCES res_users(id) ON DELETE SET NULL,
        date timestamp NOT NULL)"""


def _record_floor(env, lead, stage_from, stage_to):
    env.cr.execute("INSERT INTO sfcn_bench_floor_history (lead_id, stage_from_id, stage_to_id, user_id, date) "
                   "VALUES (%s, %s, %s, %s, now() AT TIME ZONE 'UTC')", [lead.id, stage_from, stage_to, env.uid])


def _timed_writes(bench, env, label, leads, vals, record=None):
    """One round: the writes in a savepoint rolled back afterwards (the next round starts from the same rows);
    ``record(lead)`` after each write, if given."""
    env.flush_all()
    env.cr.execute("SAVEPOINT sfcn_bench_round")
    env.invalidate_all()
    with bench.measure(label, quiet=True) as r:
        for lead in leads:
            lead.write(vals)
            if record:
                record(lead)
            env.flush_all()
    env.cr.execute("ROLLBACK TO SAVEPOINT sfcn_bench_round")
    env.invalidate_all()
    return r


def run(ctx, bench):
    count = min(WRITES, ctx.n // 2)
    env = ctx.env(context=dict(ctx.env.context, tracking_disable=True, mail_notrack=True))
    leads = _deals(env, count)
    team = bench_team(env)
    stages = env.ref("sales_funnel_cn.funnel_template_b2b").action_apply(team)
    intent, proposal = stages[0], stages[1]
    env.flush_all()
    env.cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id = ANY(%s)", [intent.id, leads.ids])
    env.invalidate_all()
    checks = proposal.check_ids  # entry criteria: the stage entered is the one whose checks must hold
    env["crm.lead.check"].create([{"lead_id": lead_id, "check_id": c.id, "done": True}
                                  for lead_id in leads.ids for c in checks])
    env.flush_all()
    env.cr.execute("ANALYZE crm_lead_check")
    env.invalidate_all()
    bench.figure("required checks of the stage entered", len(checks))

    plain_env = ctx.plain(context=dict(ctx.plain.context, tracking_disable=True, mail_notrack=True))
    plain_leads = _deals(plain_env, count)
    first, second = open_stages(plain_env, bench_team(plain_env))[:2]
    plain_env.cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id = ANY(%s)", [first.id, plain_leads.ids])
    plain_env.invalidate_all()

    plain_env.cr.execute("SAVEPOINT sfcn_bench_floor")
    plain_env.cr.execute(FLOOR_TABLE)
    plain_vals = {"stage_id": second.id, "probability": proposal.stage_probability}
    rounds, floors = [], []
    for _round in range(ROUNDS):
        gated = _timed_writes(bench, env, "gated", leads, {"stage_id": proposal.id})
        plain = _timed_writes(bench, plain_env, "plain", plain_leads, plain_vals)
        floor = _timed_writes(bench, plain_env, "floor", plain_leads, plain_vals,
                              lambda lead: _record_floor(plain_env, lead, first.id, second.id))
        rounds.append((gated, plain))
        floors.append(floor)
        print(f"  {bench.name:<10} round {len(rounds)}: ms per write, gated {gated['seconds'] * 1000 / count:.2f}, "
              f"plain crm {plain['seconds'] * 1000 / count:.2f}, plain crm + one history INSERT "
              f"{floor['seconds'] * 1000 / count:.2f}", flush=True)
    plain_env.cr.execute("ROLLBACK TO SAVEPOINT sfcn_bench_floor")
    gated = min((g for g, _p in rounds), key=lambda r: r["seconds"])
    plain = min((p for _g, p in rounds), key=lambda r: r["seconds"])
    bench.figure(f"{count:,} stage writes through the gate (best round): time", gated["seconds"], "s")
    bench.figure(f"{count:,} stage writes through the gate: queries", gated["queries"])
    bench.figure(f"{count:,} stage writes on plain crm, same probability (best round): time", plain["seconds"], "s")
    bench.figure(f"{count:,} stage writes on plain crm: queries", plain["queries"])
    ratios = sorted(g["seconds"] / p["seconds"] for g, p in rounds)
    ratio = gated["seconds"] / plain["seconds"]
    per_write = gated["queries"] / count
    bench.goal("stage write through the gate vs plain crm (same probability)",
               f"{ratio:.2f}x ({gated['seconds'] * 1000 / count:.2f} ms vs {plain['seconds'] * 1000 / count:.2f} ms "
               f"a write, best of {ROUNDS} rounds; per-round ratios {ratios[0]:.2f}-{ratios[-1]:.2f}x)",
               "<= 1.2x", ratio <= 1.2)
    floor = min(floors, key=lambda r: r["seconds"])
    bench.goal("floor: plain crm + one history row INSERT per move, vs plain crm",
               f"{floor['seconds'] / plain['seconds']:.2f}x ({floor['seconds'] * 1000 / count:.2f} ms a write, best "
               f"of {ROUNDS} rounds)", "(measured only)", None)
    bench.goal("queries per gated stage write",
               f"{per_write:.2f} (plain crm {plain['queries'] / count:.2f})", "<= 3", per_write <= 3)
