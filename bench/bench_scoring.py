"""Lead scoring (issue 15, 识别客户): the batched scoring cron over every open deal vs a plain ORM write of the
score field on the same deals.

Rules of every kind the cron evaluates (profile: company size; behaviour: calls connected, follow-ups, customer
replies), the bench team's MQL threshold set, company sizes spread over the deals. The cron runs as ir.cron
does outside a cron context (``_cron_score_leads``: every batch of 1,000 in one go, flushed and the cache
cleared per batch). The baseline walks the same batches and writes, through the ORM, the very scores the cron
computed (one ``write`` per distinct score in the batch: the cheapest plain ORM write of the field). Both start
from unscored deals; each runs twice, alternately, best run kept. Goal: cron <= 2x the plain write.
"""
from collections import defaultdict
from functools import partial

from generate import bench_team

from odoo.addons.sales_funnel_cn.models.crm_lead_scoring import SCORED_DOMAIN
from odoo.addons.sales_funnel_cn.models.sfcn_batch import cron_sweep

BATCH = 1000
ROUNDS = 2
SIZES = ["1_49", "50_199", "200_999", "1000"]


def _setup(env):
    env["crm.lead.scoring.rule"].search([]).active = False
    env["crm.lead.scoring.rule"].create([
        {"name": "Bench 200-999", "criterion": "size", "size": "200_999", "points": 20},
        {"name": "Bench 1000+", "criterion": "size", "size": "1000", "points": 30},
        {"name": "Bench calls", "criterion": "calls_connected", "minimum": 1, "points": 20},
        {"name": "Bench follow-ups", "criterion": "followups", "minimum": 1, "points": 10},
        {"name": "Bench replies", "criterion": "replies", "minimum": 1, "points": 10},
    ])
    bench_team(env).write({"sfcn_mql_threshold": 40})
    env.flush_all()
    env.cr.execute("UPDATE crm_lead SET sfcn_company_size = (%s::varchar[])[1 + id %% 4]", [SIZES])
    env.invalidate_all()


def _reset(env):
    env.flush_all()
    env.cr.execute("""UPDATE crm_lead SET sfcn_score = 0, sfcn_score_why = NULL, sfcn_mql_date = NULL,
                      sfcn_sql_date = NULL, sfcn_handoff_hours = NULL, sfcn_handoff_late = false""")
    env.invalidate_all()


def _plain_write(leads, scores):
    """The baseline: these deals' scores written through the ORM, one write per distinct score."""
    by_score = defaultdict(list)
    for lead_id in leads.ids:
        if scores.get(lead_id):
            by_score[scores[lead_id]].append(lead_id)
    for score, ids in by_score.items():
        leads.browse(ids).write({"sfcn_score": score})


def run(ctx, bench):
    env = ctx.env(context=dict(ctx.env.context, tracking_disable=True, mail_notrack=True))
    Lead = env["crm.lead"]
    _setup(env)
    scored = Lead.search_count(SCORED_DOMAIN)
    bench.figure("open deals scored", scored)
    scores = {}
    cron_runs, plain_runs = [], []
    for _round in range(ROUNDS):
        _reset(env)
        with bench.measure(f"scoring cron over {scored:,} deals") as cron:
            Lead._cron_score_leads(batch_size=BATCH)
        cron_runs.append(cron)
        if not scores:
            env.cr.execute("SELECT id, sfcn_score FROM crm_lead WHERE sfcn_score <> 0")
            scores = dict(env.cr.fetchall())
            env.cr.execute("SELECT count(*) FROM crm_lead WHERE sfcn_mql_date IS NOT NULL")
            bench.figure("MQLs made", env.cr.fetchone()[0])
        _reset(env)

        with bench.measure(f"plain ORM write of the score on the same {scored:,} deals") as plain:
            cron_sweep(Lead, SCORED_DOMAIN, partial(_plain_write, scores=scores),
                       cursor_param="sales_funnel_cn.bench_score_cursor", period="bench", batch_size=BATCH)
        plain_runs.append(plain)
    cron = min(cron_runs, key=lambda r: r["seconds"])
    plain = min(plain_runs, key=lambda r: r["seconds"])
    ratio = cron["seconds"] / plain["seconds"]
    bench.goal("scoring cron vs plain ORM write of the score (same deals, same batches)",
               f"{ratio:.2f}x ({cron['seconds']:.2f} s vs {plain['seconds']:.2f} s; "
               f"{cron['queries']:,} vs {plain['queries']:,} queries)", "<= 2x", ratio <= 2)
