"""Benchmark data, generated set-based: the same generator fills the module's database and the plain-crm
baseline database, so both hold the same deals (same ids, owners, stages, amounts, dates).

- reps and the team through the ORM (a handful of records; users need their groups and partners);
- customers and deals with one ``INSERT ... SELECT generate_series`` each: deterministic (no random(): every
  value is derived from the row number), so two databases get identical rows;
- on the module's database, the deals are then brought under the module exactly as an install on an existing
  CRM does (``post_init_hook``: pools, holding periods, return-to-pool dates, stage history, checklist rows),
  their call numbers normalised, and 5 call logs per deal inserted (set-based) with the outcome mix reps
  really log.

The generated data is committed and analysed (``VACUUM ANALYZE``) by bench/run.py before any benchmark runs.
"""
from odoo import Command
from odoo.tools import SQL

REPS = 8
CALLS_PER_DEAL = 5
# outcome codes in the proportions reps log them (N/A dominates a cold-call list)
CALL_MIX = ["N/A"] * 40 + ["Cut"] * 15 + ["R/J"] * 15 + ["待跟进"] * 10 + ["D"] * 8 + ["C"] * 4 + ["No Need"] * 6 \
    + ["W/N"] * 2


def bench_team(env):
    return env["crm.team"].search([("name", "=", "Bench Team")], limit=1)


def make_reps(env, count=REPS, prefix="bench_rep"):
    users = env["res.users"].search([("login", "=like", f"{prefix}%")], order="id")
    group = env.ref("sales_team.group_sale_salesman")
    missing = count - len(users)
    if missing > 0:
        users |= env["res.users"].with_context(no_reset_password=True).create([
            {"name": f"Bench Rep {i}", "login": f"{prefix}{i}", "groups_id": [Command.link(group.id)],
             "tz": "Asia/Shanghai"}
            for i in range(len(users), count)])
    return users[:count]


def open_stages(env, team):
    return env["crm.stage"].search([("team_id", "in", [False, team.id]), ("is_won", "=", False)],
                                   order="sequence, id")


def generate(env, n):
    """N opportunities (and, with the module, 5 x N call logs) in the database of env; returns a summary."""
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True,
                           mail_create_nosubscribe=True))
    # a company in China: the numbers below are stored as crm sanitises them there (phone_sanitized, E.164)
    env.company.country_id = env.ref("base.cn")
    reps = make_reps(env)
    team = bench_team(env) or env["crm.team"].create({
        "name": "Bench Team", "crm_team_member_ids": [Command.create({"user_id": u.id}) for u in reps]})
    stages = open_stages(env, team)
    won = env["crm.stage"].search([("is_won", "=", True)], limit=1)
    env.flush_all()
    cr = env.cr
    customers = max(500, min(n // 20, 50_000))
    cr.execute("""
        INSERT INTO res_partner (name, complete_name, is_company, active, type, lang, phone, phone_sanitized, email,
                                 create_uid, write_uid, create_date, write_date)
        SELECT '客户 ' || lpad(g::text, 6, '0') || ' 有限公司', '客户 ' || lpad(g::text, 6, '0') || ' 有限公司',
               true, true, 'contact', 'zh_CN', '0755 ' || lpad(g::text, 8, '0'), '+86755' || lpad(g::text, 8, '0'),
               'c' || g || '@example.cn',
               1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM generate_series(1, %s) g
     RETURNING id""", [customers])
    partner_ids = sorted(row[0] for row in cr.fetchall())
    assert partner_ids[-1] - partner_ids[0] == customers - 1, "customers expected with consecutive ids"
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partner_ids])
    # with the module, the state the deal's calls and follow-ups left, in the same statement (an UPDATE of every
    # deal afterwards costs as much again)
    module = "crm.call.log" in env
    module_columns = ", call_next_date, date_last_followup" if module else ""
    module_values = """,
               CASE WHEN g %% 10 <> 0 THEN d.now + make_interval(days => g %% 14 - 7) END,
               CASE WHEN g %% 10 <> 0 THEN d.now - make_interval(days => g %% 20) END""" if module else ""
    params = {"n": n, "reps": reps.ids, "team": team.id, "stages": stages.ids, "won": won.id,
              "partner0": partner_ids[0], "customers": customers, "company": env.company.id}
    # the NOT NULL columns the insert below does not name (the module's, e.g. its selections) get their ORM
    # defaults, as a create would give them, for the time of the insert
    cr.execute("""SELECT column_name FROM information_schema.columns
                   WHERE table_name = 'crm_lead' AND is_nullable = 'NO' AND column_default IS NULL
                     AND column_name NOT IN ('name', 'type', 'active', 'id')""")
    required = [row[0] for row in cr.fetchall()]
    defaults = env["crm.lead"].default_get(required)
    for column in required:
        if column not in defaults:
            raise RuntimeError(f"crm_lead.{column} is required and has no default: teach bench/generate.py")
        cr.execute(SQL("ALTER TABLE crm_lead ALTER COLUMN %s SET DEFAULT %s", SQL.identifier(column), defaults[column]))
    # 10% unassigned (public pool), 4% won, the rest open in the team's stages; created over the last year,
    # last stage change within the last 90 days (some deals stale), amounts 10,000 to 1,000,000
    cr.execute("""
        INSERT INTO crm_lead (name, type, active, user_id, team_id, stage_id, company_id, partner_id,
                              probability, expected_revenue, prorated_revenue, phone, phone_sanitized,
                              email_from, priority,
                              create_date, write_date, date_open, date_last_stage_update, create_uid, write_uid
                              {module_columns})
        SELECT '商机 ' || lpad(g::text, 7, '0'), 'opportunity', true,
               CASE WHEN g %% 10 = 0 THEN NULL
                    ELSE (%(reps)s::int[])[1 + (g / 10) %% array_length(%(reps)s::int[], 1)] END,
               %(team)s, s.stage_id, %(company)s,
               %(partner0)s + (g::bigint * 7919 %% %(customers)s)::int,
               s.probability, 10000 + (g::bigint * 104729 %% 990000)::int,
               (10000 + (g::bigint * 104729 %% 990000)::int) * s.probability / 100.0,
               '138 ' || lpad(g::text, 8, '0'), '+86138' || lpad(g::text, 8, '0'),
               'deal' || g || '@example.cn', '0',
               d.created, d.created, d.created, GREATEST(d.created, d.now - make_interval(days => (g * 31) %% 90)),
               1, 1 {module_values}
          FROM generate_series(1, %(n)s) g
         CROSS JOIN LATERAL (SELECT now() at time zone 'UTC' AS now,
                                    now() at time zone 'UTC' - make_interval(days => (g * 13) %% 365, mins => g %% 1440)
                                    AS created) d
         CROSS JOIN LATERAL (SELECT CASE WHEN g %% 25 = 0 THEN %(won)s
                                         ELSE (%(stages)s::int[])[1 + (g * 7) / 3
                                                                  %% array_length(%(stages)s::int[], 1)] END
                                    AS stage_id,
                                    CASE WHEN g %% 25 = 0 THEN 100 ELSE 10 + (g * 3) %% 7 * 10 END AS probability) s
    """.replace("{module_columns}", module_columns).replace("{module_values}", module_values), params)
    for column in required:
        cr.execute(SQL("ALTER TABLE crm_lead ALTER COLUMN %s DROP DEFAULT", SQL.identifier(column)))
    summary = {"deals": n, "customers": customers}
    if module:
        summary.update(_bring_under_module(env, n))
    env.invalidate_all()
    return summary


def _bring_under_module(env, n):
    """What installing the module on this CRM would do (its own set-based hook), then call history."""
    from odoo.addons.sales_funnel_cn import hooks

    cr = env.cr
    hooks.post_init_hook(env)
    outcomes = dict(env["crm.call.outcome"].with_context(active_test=False)._read_group(
        [], ["code"], ["id:min"]))
    mix = [outcomes[code] for code in CALL_MIX]
    # 5 calls per deal over the last 150 days, by the deal's owner (or the first rep for pooled deals)
    reps = make_reps(env)
    cr.execute("""
        INSERT INTO crm_call_log (lead_id, partner_id, user_id, team_id, company_id, date, outcome_id, phone,
                                  phone_sanitized, duration, purpose, callback_date,
                                  create_uid, write_uid, create_date, write_date)
        SELECT l.id, l.partner_id, COALESCE(l.user_id, %(rep)s), l.team_id, l.company_id, c.date,
               (%(mix)s::int[])[1 + (g::bigint * 37 %% 100)::int %% array_length(%(mix)s::int[], 1)], l.phone,
               l.phone_sanitized, (g %% 30) / 10.0, '挖需求', NULL, 1, 1, c.date, c.date
          FROM generate_series(0, %(calls)s - 1) g
          JOIN LATERAL (SELECT min(id) AS first FROM crm_lead) f ON true
          JOIN crm_lead l ON l.id = f.first + g %% %(n)s
         CROSS JOIN LATERAL (SELECT now() at time zone 'UTC'
                                    - make_interval(days => (g::bigint * 17 %% 150)::int,
                                                    mins => (g::bigint * 7 %% 600)::int) AS date) c
    """, {"rep": reps[0].id, "mix": mix, "calls": CALLS_PER_DEAL * n, "n": n})
    cr.execute("""
        UPDATE crm_lead l SET call_last_date = c.last
          FROM (SELECT lead_id, max(date) AS last FROM crm_call_log GROUP BY lead_id) c WHERE c.lead_id = l.id""")
    # the customers' levels (已接触, 有线索...) as the module's daily cron keeps them on a live database; a call
    # then recomputes a company's level only when the call can change it (crm_call_log_level.py)
    env["res.partner"]._cron_refresh_customer_levels()
    return {"call logs": CALLS_PER_DEAL * n}
