"""Follow-ups (issue 14): logging a structured follow-up against logging a call on the same deals (goal:
a follow-up costs at most 1.3x a call), and the weekly list and Monday digest counted in queries at two
sizes (goal: the same number of queries whatever the number of deals).

SFCN_BENCH_N opportunities (default 2,000)."""
import os
from datetime import datetime
from datetime import timedelta

from generate import make_opportunities


def _queries(env, func):
    env.invalidate_all()
    before = env.cr.sql_log_count
    func()
    return env.cr.sql_log_count - before


def run(env, bench):
    n = int(os.environ.get("SFCN_BENCH_N", "2000"))
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True,
                           mail_create_nosubscribe=True))
    leads = make_opportunities(env, n)
    env.cr.execute("UPDATE crm_lead SET phone = '138' || lpad((id %% 100000000)::text, 8, '0') WHERE id = ANY(%s)",
                   [leads.ids])
    env["crm.phone.suppression"].search([]).unlink()
    env.invalidate_all()
    half = min(250, n // 2)
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

    # like with like: a plain call (Cut) vs a follow-up without a next step; a callback call (待跟进, schedules
    # an activity) vs a follow-up whose next step becomes an activity
    with bench.measure(f"log {half} plain calls (Cut), one by one") as calls:
        log_calls(first, "Cut")
    with bench.measure(f"log {half} follow-ups without next step, one by one") as followups:
        log_followups(second)
    bench.figure("follow-up / call time ratio, plain (goal <= 1.3)", followups["seconds"] / calls["seconds"])
    with bench.measure(f"log {half} callback calls (待跟进, activity), one by one") as calls:
        log_calls(first, "待跟进", callback_date=callback_at)
    with bench.measure(f"log {half} follow-ups with next step (activity), one by one") as followups:
        log_followups(second, next_step="发送报价", next_date=callback_at.date())
    bench.figure("follow-up / call time ratio, with activity (goal <= 1.3)", followups["seconds"] / calls["seconds"])

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

    env.cr.execute("UPDATE crm_lead SET date_last_followup = %s WHERE id = ANY(%s)", [old, leads[: n // 10].ids])
    digest()
    small = (_queries(env, weekly_list), _queries(env, digest))
    env.cr.execute("UPDATE crm_lead SET date_last_followup = %s WHERE id = ANY(%s)", [old, leads.ids])
    large = (_queries(env, weekly_list), _queries(env, digest))
    bench.figure(f"weekly list queries, {n // 10:,} deals due", small[0])
    bench.figure(f"weekly list queries, {n:,} deals due", large[0])
    bench.figure(f"Monday digest queries, {n // 10:,} deals due", small[1])
    bench.figure(f"Monday digest queries, {n:,} deals due", large[1])
    with bench.measure(f"Monday digest over {n:,} due deals"):
        digest()
