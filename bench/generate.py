"""Create N opportunities fast (batched ORM create, no tracking/mail) for the benchmarks.

Spread over a team of reps, the team's stages and a pool of customers, so the data has the shape of a
real pipeline. Returns the created recordset.
"""
import random

from odoo import Command

BATCH = 2000


def make_reps(env, count=8, prefix="bench_rep"):
    users = env["res.users"].search([("login", "=like", f"{prefix}%")])
    group = env.ref("sales_team.group_sale_salesman")
    missing = count - len(users)
    if missing > 0:
        users |= env["res.users"].with_context(no_reset_password=True).create([
            {"name": f"Bench Rep {i}", "login": f"{prefix}{i}", "groups_id": [Command.link(group.id)]}
            for i in range(len(users), count)])
    return users[:count]


def make_opportunities(env, n, seed=42):
    rnd = random.Random(seed)
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True,
                           mail_notrack=True, mail_create_nosubscribe=True))
    reps = make_reps(env)
    team = env["crm.team"].search([("name", "=", "Bench Team")], limit=1) or env["crm.team"].create({
        "name": "Bench Team", "crm_team_member_ids": [Command.create({"user_id": u.id}) for u in reps]})
    stages = env["crm.stage"].search([("team_id", "in", [False, team.id]), ("is_won", "=", False)])
    partners = env["res.partner"].create([{"name": f"客户 {i:05d} 有限公司", "is_company": True}
                                          for i in range(min(n, 500))])
    leads = env["crm.lead"]
    for start in range(0, n, BATCH):
        vals = [{
            "name": f"商机 {i:06d}",
            "type": "opportunity",
            "team_id": team.id,
            "user_id": rnd.choice(reps).id,
            "stage_id": rnd.choice(stages).id,
            "partner_id": rnd.choice(partners).id,
            "expected_revenue": rnd.randrange(10_000, 1_000_000, 1000),
        } for i in range(start, min(start + BATCH, n))]
        leads |= env["crm.lead"].create(vals)
        env.cr.flush()
        env.invalidate_all()
    return leads
