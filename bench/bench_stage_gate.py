"""Stage changes through the checklist gate vs the same writes on plain crm.

N single-deal stage writes (意向 -> 方案, every required check of 方案 ticked, gate 'block') through the full
crm.lead.write (gate + stage history + checklist rows), then the same N writes with the add-on's stage
gate override bypassed (plain crm write). Prints both times, the ratio (goal <= 1.3x) and queries/write.
The gated write also sets the stage's fixed probability, which spares crm its predictive-probability
queries; a third run (plain crm given the same probability) shows the cost of the gate alone.
"""
import os

from generate import make_opportunities

from odoo.addons.sales_funnel_cn.models.crm_lead_checklist import CrmLead as GateLead


def _plain_write(records, vals):
    return super(GateLead, records).write(vals)


def _reset(env, leads, stage):
    env.flush_all()
    env.cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id = ANY(%s)", [stage.id, leads.ids])
    env.invalidate_all()


def run(env, bench):
    n = int(os.environ.get("SFCN_BENCH_N", "10000"))
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True, mail_create_nolog=True))
    leads = make_opportunities(env, n)
    team = leads[:1].team_id
    stages = env.ref("sales_funnel_cn.funnel_template_b2b").action_apply(team)
    intent, proposal = stages[0], stages[1]
    _reset(env, leads, intent)
    checks = proposal.check_ids  # entry criteria: the stage entered is the one whose checks must hold
    env["crm.lead.check"].create([{"lead_id": lead_id, "check_id": c.id, "done": True}
                                  for lead_id in leads.ids for c in checks])
    env.flush_all()
    env.invalidate_all()
    bench.figure("required checks of the stage entered", len(checks))

    with bench.measure(f"{n:,} stage writes, gate on") as gated:
        for lead in leads:
            lead.write({"stage_id": proposal.id})
            env.flush_all()
    _reset(env, leads, intent)
    with bench.measure(f"{n:,} stage writes, plain crm") as plain:
        for lead in leads:
            _plain_write(lead, {"stage_id": proposal.id})
            env.flush_all()
    _reset(env, leads, intent)
    with bench.measure(f"{n:,} stage writes, plain crm, same probability") as same:
        for lead in leads:
            _plain_write(lead, {"stage_id": proposal.id, "probability": proposal.stage_probability})
            env.flush_all()
    bench.figure("ratio gate on / plain crm", gated["seconds"] / plain["seconds"], "x")
    bench.figure("ratio gate on / plain crm with the same probability", gated["seconds"] / same["seconds"], "x")
    bench.figure("queries per write, gate on", gated["queries"] / n)
    bench.figure("queries per write, plain crm", plain["queries"] / n)
    bench.figure("queries per write, plain crm with the same probability", same["queries"] / n)
    history = env["crm.lead.stage.history"].search_count(
        [("lead_id", "in", leads.ids), ("stage_to_id", "=", proposal.id)])
    bench.figure("stage history rows written by the gated run", history)
