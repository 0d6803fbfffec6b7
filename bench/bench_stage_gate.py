"""Stage changes through the checklist gate vs the same writes on plain crm (issues 12 and 13).

WRITES single-deal stage writes (意向 -> 方案 of the B2B template, every required check of 意向 and 方案 ticked,
gate 'block') through the module's whole crm.lead.write on the module's database (the gate reads the answers from
the deal's row; the history row and the next stage's checklist rows are written by the module's stage trigger
inside crm's UPDATE, see sales_funnel_cn/models/crm_lead_stage_history.py), against the
same number of single-deal stage writes on the plain-crm database (same data, no module), given the same
probability (the gated write sets the stage's fixed probability, which spares crm its predictive-probability
queries; the baseline is told the same probability so only the module's cost is compared). Goal: <= 1.2x,
<= 3 queries per write.

Measured beside the goal (not the goal's methodology, which keeps crm's tracking off and the deals in the cache
of one long transaction): a stage move as a user makes one, one transaction per move: the deal read afresh
(empty cache), crm's tracking on as crm ships it, and what runs before a commit (``cr.precommit``: crm's
tracking line in the deal's chatter) run after each write, on both sides; the commit itself left out.

The machine is shared (other work on the same cores makes one round 10-40% slower than the next): both
databases are written block by block, BLOCK deals at a time, every series writing the same block in turn (the
order reversed every other block) before the next block, so the module and plain crm share the machine's
conditions of the same moment; each block runs in a savepoint rolled back afterwards (every series and round
starts from the same rows). ROUNDS rounds; the figure is the median over the rounds of the ratio of the two
series' times in the same round, the range of those ratios beside it.

Three more figures, measured only, that say where the time goes:
- floor: the same plain-crm writes each followed by the least a recorded move can cost, one INSERT of a
  history row (deal, stages, user, date; foreign keys as Odoo declares them) into a table made for the run and
  dropped after it: the floor of any design that records the move in a statement of its own;
- floor by trigger: the same row written by a row trigger on crm_lead inside crm's own UPDATE (no round trip,
  a plan PL/pgSQL keeps): the floor of a design that records the move in the database;
- the module without the gate: the module's same writes with the gate left out (no answers checked, no
  history row, no checklist rows: ``_sfcn_gate`` patched out and the stage trigger disabled for its blocks): what the
  module's other duties of a stage write cost (the pool's follow-up clock and return dates, the extra columns
  and indexes of crm_lead, the module's write layers). The goal minus this is what is left for the gate.
"""
import statistics
import time
from contextlib import ExitStack
from contextlib import contextmanager
from contextlib import nullcontext
from unittest.mock import patch

from generate import bench_team
from generate import open_stages

from odoo import sql_db
from odoo.addons.sales_funnel_cn.models.crm_lead_stage_history import TRIGGER

WRITES = 1000
ROUNDS = 5
# deals per timed block: every series writes the same block in turn before the next block
BLOCK = 50


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


FLOOR_TRIGGER = """
    CREATE FUNCTION sfcn_bench_floor_record() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.stage_id IS DISTINCT FROM OLD.stage_id THEN
            INSERT INTO sfcn_bench_floor_history (lead_id, stage_from_id, stage_to_id, user_id, date)
            VALUES (NEW.id, OLD.stage_id, NEW.stage_id, NEW.write_uid, NEW.write_date);
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER sfcn_bench_floor_record AFTER UPDATE OF stage_id ON crm_lead
        FOR EACH ROW EXECUTE FUNCTION sfcn_bench_floor_record()"""


def _record_floor(env, lead, stage_from, stage_to):
    env.cr.execute("INSERT INTO sfcn_bench_floor_history (lead_id, stage_from_id, stage_to_id, user_id, date) "
                   "VALUES (%s, %s, %s, %s, now() AT TIME ZONE 'UTC')", [lead.id, stage_from, stage_to, env.uid])


def _block(env, ids, vals, record=None, as_user=False):
    """Time single-deal stage writes of the deals ``ids`` (a savepoint rolled back afterwards, so every series
    and round starts from the same rows): (seconds, queries). ``record(lead)`` after each write, if given.
    Written as the goal says: the deals in the cache (read before the timing, as in one long transaction);
    ``as_user``: as users make moves instead, each deal read afresh (a new transaction's empty cache), crm's
    tracking on, what runs before a commit run after each write."""
    if as_user:
        env = env(context={k: v for k, v in env.context.items() if k not in ("tracking_disable", "mail_notrack")})
    Lead = env["crm.lead"]
    env.flush_all()
    env.cr.execute("SAVEPOINT sfcn_bench_block")
    deals = Lead.browse(ids)
    if not as_user:
        deals.mapped("stage_id")
    q0, t0 = sql_db.sql_counter, time.perf_counter()
    for lead in deals:
        lead.write(vals)
        if record:
            record(lead)
        env.flush_all()
        if as_user:
            env.cr.precommit.run()
            env.invalidate_all()
    seconds, queries = time.perf_counter() - t0, sql_db.sql_counter - q0
    env.cr.execute("ROLLBACK TO SAVEPOINT sfcn_bench_block")
    # what the block wrote (the deals, and rows the module's trigger wrote) is gone: forget it; what it read
    # (stages, teams, pools, users) stays cached as in a long transaction
    for model in (Lead, *(env[name] for name in ("crm.lead.check", "crm.lead.stage.history") if name in env)):
        model.invalidate_model()
    if as_user:
        env.invalidate_all()
    return seconds, queries


@contextmanager
def _statements(cr, before, after):
    """Run ``before`` ahead of a block and ``after`` behind it (outside the timing)."""
    cr.execute(before)
    try:
        yield
    finally:
        cr.execute(after)


def _setup(ctx, count, bench):
    """The module's deals at 意向 with every required check of 方案 ticked; plain crm's at its first stage."""
    env = ctx.env(context=dict(ctx.env.context, tracking_disable=True, mail_notrack=True))
    leads = _deals(env, count)
    stages = env.ref("sales_funnel_cn.funnel_template_b2b").action_apply(bench_team(env))
    intent, proposal = stages[0], stages[1]
    # entry criteria: the checks of the stage entered, and of the first stage, which a deal leaving it answers
    checks = intent.check_ids | proposal.check_ids
    env["crm.lead.check"].create([{"lead_id": lead_id, "check_id": c.id, "done": True}
                                  for lead_id in leads.ids for c in checks])
    env.flush_all()
    # (the module's stage trigger records this move as any other: history rows, the next stage's checks)
    env.cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id = ANY(%s)", [intent.id, leads.ids])
    env.invalidate_all()
    env.cr.execute("ANALYZE crm_lead_check")
    env.invalidate_all()
    bench.figure("required checks of the move (意向's and 方案's)", len(checks))

    plain_env = ctx.plain(context=dict(ctx.plain.context, tracking_disable=True, mail_notrack=True))
    plain_leads = _deals(plain_env, count)
    first, second = open_stages(plain_env, bench_team(plain_env))[:2]
    plain_env.cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id = ANY(%s)", [first.id, plain_leads.ids])
    plain_env.invalidate_all()
    return leads, {"stage_id": proposal.id}, plain_leads, {"stage_id": second.id,
                                                            "probability": proposal.stage_probability}


def _series(leads, vals, plain_leads, plain_vals):
    """{series: (env, deals, vals, record, as_user, around)}: what each series writes; ``around()`` returns the
    context its blocks run in (a trigger switched on or off, the gate patched out)."""
    env, plain_env = leads.env, plain_leads.env
    stage_from, stage_to = plain_leads[:1].stage_id.id, plain_vals["stage_id"]
    def without():
        stack = ExitStack()
        stack.enter_context(_statements(env.cr, f"ALTER TABLE crm_lead DISABLE TRIGGER {TRIGGER}",
                                        f"ALTER TABLE crm_lead ENABLE TRIGGER {TRIGGER}"))
        stack.enter_context(patch.object(type(leads), "_sfcn_gate", lambda self, *args, **kwargs: {}))
        return stack

    return {
        "gated": (env, leads, vals, None, False, nullcontext),
        "plain": (plain_env, plain_leads, plain_vals, None, False, nullcontext),
        "moves": (env, leads, vals, None, True, nullcontext),
        "plain_moves": (plain_env, plain_leads, plain_vals, None, True, nullcontext),
        "floor": (plain_env, plain_leads, plain_vals,
                  lambda lead: _record_floor(plain_env, lead, stage_from, stage_to), False, nullcontext),
        "trigger": (plain_env, plain_leads, plain_vals, None, False, lambda: _statements(
            plain_env.cr, "ALTER TABLE crm_lead ENABLE TRIGGER sfcn_bench_floor_record",
            "ALTER TABLE crm_lead DISABLE TRIGGER sfcn_bench_floor_record")),
        "without": (env, leads, vals, None, False, without),
    }


def _round(series, count):
    """One round: the deals in blocks of BLOCK; each block written by every series in turn (the order reversed
    every other block), so all series share the machine's conditions of the same moment: {series: (seconds,
    queries)}."""
    result = dict.fromkeys(series, (0.0, 0))
    names = list(series)
    for number, start in enumerate(range(0, count, BLOCK)):
        for name in (names if number % 2 == 0 else names[::-1]):
            env, deals, vals, record, as_user, around = series[name]
            with around():
                seconds, queries = _block(env, deals.ids[start:start + BLOCK], vals, record, as_user)
            result[name] = (result[name][0] + seconds, result[name][1] + queries)
    return result


MEASURED = (
    ("floor", "floor: plain crm + one history row INSERT per move, vs plain crm"),
    ("trigger", "floor by trigger: plain crm + the history row written by a trigger in crm's UPDATE, vs plain crm"),
    ("without", "the module's stage write without the gate (no answers checked, stage trigger disabled), vs plain crm"),
)


def run(ctx, bench):
    count = min(WRITES, ctx.n // 2)
    leads, vals, plain_leads, plain_vals = _setup(ctx, count, bench)
    plain_cr = plain_leads.env.cr
    plain_cr.execute("SAVEPOINT sfcn_bench_floor")
    plain_cr.execute(FLOOR_TABLE)
    plain_cr.execute(FLOOR_TRIGGER)
    plain_cr.execute("ALTER TABLE crm_lead DISABLE TRIGGER sfcn_bench_floor_record")
    series = _series(leads, vals, plain_leads, plain_vals)
    rounds = []
    for _round_number in range(ROUNDS):
        rounds.append(_round(series, count))
        print(f"  {bench.name:<10} round {len(rounds)}: ms per write, " + ", ".join(
            f"{name} {seconds * 1000 / count:.2f}" for name, (seconds, _q) in rounds[-1].items()),
            flush=True)
    plain_cr.execute("ROLLBACK TO SAVEPOINT sfcn_bench_floor")
    totals = {name: [r[name] for r in rounds] for name in series}

    def ratio_of(name, base="plain"):
        """The median over the rounds of the series' time over its baseline's in the same round, and the range."""
        ratios = sorted(a[0] / b[0] for a, b in zip(totals[name], totals[base], strict=True))
        return statistics.median(ratios), ratios[0], ratios[-1]

    def ms(name):
        return statistics.median(s for s, _q in totals[name]) * 1000 / count

    def per_write(name):
        return totals[name][0][1] / count

    how = f"median of {ROUNDS} interleaved rounds"
    bench.figure(f"{count:,} stage writes through the gate ({how}): ms a write", ms("gated"), "ms")
    bench.figure(f"{count:,} stage writes on plain crm, same probability: ms a write", ms("plain"), "ms")
    ratio, low, high = ratio_of("gated")
    bench.goal("stage write through the gate vs plain crm (same probability)",
               f"{ratio:.2f}x ({ms('gated'):.2f} ms vs {ms('plain'):.2f} ms a write, {how}; rounds "
               f"{low:.2f}-{high:.2f}x)", "<= 1.2x", ratio <= 1.2)
    move_ratio, low, high = ratio_of("moves", "plain_moves")
    bench.goal("a stage move as a user makes one (one transaction per move: deal read afresh, crm's tracking on), "
               "vs plain crm", f"{move_ratio:.2f}x ({ms('moves'):.2f} ms vs {ms('plain_moves'):.2f} ms a move; rounds "
               f"{low:.2f}-{high:.2f}x; {per_write('moves'):.2f} vs {per_write('plain_moves'):.2f} queries)",
               "(measured only)", None)
    for name, what in MEASURED:
        measured, low, high = ratio_of(name)
        bench.goal(what, f"{measured:.2f}x ({ms(name):.2f} ms a write, {per_write(name):.2f} queries; rounds "
                         f"{low:.2f}-{high:.2f}x)", "(measured only)", None)
    bench.goal("queries per gated stage write",
               f"{per_write('gated'):.2f} (plain crm {per_write('plain'):.2f})", "<= 3", per_write("gated") <= 3)
