"""Follow-ups (issue 14): logging a structured follow-up against logging a call on the same deals (goal:
a follow-up costs at most 1.3x a call), and the weekly list and Monday digest counted in queries at two
sizes (goal: the same number of queries whatever the number of deals).

Run on the generated deals (the owned open deals of the bench team); the digest is counted with a tenth of the
deals due, then with all of them.
"""
from datetime import datetime
from datetime import timedelta

from generate import bench_team

from odoo import fields

ROUNDS = 3


def _queries(env, func):
    env.invalidate_all()
    before = env.cr.sql_log_count
    func()
    return env.cr.sql_log_count - before


def run(ctx, bench):  # noqa: PLR0915 (one scenario, step by step)
    env = ctx.env(context=dict(ctx.env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True,
                               mail_create_nosubscribe=True))
    n = ctx.n
    half = min(250, n // 4)
    leads = env["crm.lead"].search([("team_id", "=", bench_team(env).id), ("user_id", "!=", False),
                                    ("probability", "<", 100)], order="id", limit=2 * half)
    first, second = leads[:half], leads[half:2 * half]
    channel = env.ref("sales_funnel_cn.followup_channel_wechat")
    Outcome = env["crm.call.outcome"]
    callback_at = datetime.now() + timedelta(days=3)

    def log_calls(deals, code, **extra):
        for lead in deals:
            env["crm.call.log"].with_user(lead.user_id).create({
                "lead_id": lead.id, "outcome_id": Outcome._from_code(code).id, "purpose": "确认需求", **extra})
        env.flush_all()

    def log_followups(deals, **extra):
        for lead in deals:
            env["crm.followup"].with_user(lead.user_id).create({
                "lead_id": lead.id, "channel_id": channel.id, "purpose": "确认需求", "content": "沟通了预算", **extra})
        env.flush_all()

    def best(label, func):
        """Best of ROUNDS runs of func, each rolled back (every round logs on the same deals as the first)."""
        runs = []
        for i in range(ROUNDS):
            env.flush_all()
            env.cr.execute("SAVEPOINT sfcn_bench_followup")
            with bench.measure(f"{label} (round {i + 1})", quiet=i > 0) as r:
                func()
            env.invalidate_all(flush=False)
            env.cr.execute("ROLLBACK TO SAVEPOINT sfcn_bench_followup")
            runs.append(r["seconds"])
        return min(runs)

    # like with like: a plain call (Cut) vs a follow-up without a next step; a callback call (待跟进, schedules
    # an activity) vs a follow-up whose next step becomes an activity; best of ROUNDS each (a single round of
    # 250 moved by up to 15% from run to run)
    calls = best(f"log {half} plain calls (Cut), one by one", lambda: log_calls(first, "Cut"))
    followups = best(f"log {half} follow-ups without next step, one by one", lambda: log_followups(second))
    ratio_plain = followups / calls
    calls = best(f"log {half} callback calls (待跟进, activity), one by one",
                 lambda: log_calls(first, "待跟进", callback_date=callback_at))
    followups = best(f"log {half} follow-ups with next step (activity), one by one",
                     lambda: log_followups(second, next_step="发送报价", next_date=callback_at.date()))
    ratio_activity = followups / calls
    bench.goal(f"logging a follow-up vs logging a call ({half} each, one by one, best of {ROUNDS})",
               f"{ratio_plain:.2f}x plain, {ratio_activity:.2f}x with an activity", "<= 1.3x",
               ratio_plain <= 1.3 and ratio_activity <= 1.3)

    Lead = env["crm.lead"]
    Digest = env["crm.followup.digest"]
    _week, since = Digest._reviewed_week()
    old = since - timedelta(days=1)

    def weekly_list():
        Lead.web_search_read([("followed_up_this_week", "=", False), ("user_id", "!=", False)],
                             {"name": {}, "user_id": {}, "stage_id": {}, "pool_days_left": {}}, limit=80)

    def digest():
        Digest.search([]).unlink()
        Lead._cron_weekly_followup_digest()

    # every owned deal followed up this week, then a tenth of them not, then all of them not
    env.cr.execute("UPDATE crm_lead SET date_last_followup = %s WHERE user_id IS NOT NULL", [fields.Datetime.now()])
    env.cr.execute("SELECT id FROM crm_lead WHERE user_id IS NOT NULL ORDER BY id")
    owned = [row[0] for row in env.cr.fetchall()]
    env.cr.execute("UPDATE crm_lead SET date_last_followup = %s WHERE id = ANY(%s)", [old, owned[: len(owned) // 10]])
    env.cr.execute("ANALYZE crm_lead")
    env.invalidate_all()
    digest()
    small = (_queries(env, weekly_list), _queries(env, digest))
    env.cr.execute("UPDATE crm_lead SET date_last_followup = %s WHERE id = ANY(%s)", [old, owned])
    env.cr.execute("ANALYZE crm_lead")
    env.invalidate_all()
    large = (_queries(env, weekly_list), _queries(env, digest))
    bench.figure(f"weekly list queries, {len(owned) // 10:,} deals due", small[0])
    bench.figure(f"weekly list queries, {len(owned):,} deals due", large[0])
    bench.figure(f"Monday digest queries, {len(owned) // 10:,} deals due", small[1])
    bench.figure(f"Monday digest queries, {len(owned):,} deals due", large[1])
    with bench.measure(f"Monday digest over {len(owned):,} due deals") as run_digest:
        digest()
    bench.goal("weekly list (first page), queries", f"{small[0]} at N/10 due, {large[0]} at N due", "constant",
               small[0] == large[0])
    bench.goal("Monday digest, queries", f"{small[1]} at N/10 due, {large[1]} at N due "
                                         f"({run_digest['seconds']:.1f} s)", "constant", small[1] == large[1])
