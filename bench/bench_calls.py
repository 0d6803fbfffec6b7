"""Call outcomes (issue 5): log 5 calls per opportunity through the ORM (every code's effect applied),
then the month rates report per rep and the suppression lookup of one number.

SFCN_BENCH_N opportunities (default 10,000) and 5 x N calls (default 50,000). B/L is left out of the mix:
it blacklists the contact, and the generated opportunities share 500 contacts."""
import os
import random
from datetime import datetime
from datetime import timedelta

from generate import make_opportunities

BATCH = 1000


def run(env, bench):
    n = int(os.environ.get("SFCN_BENCH_N", "10000"))
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True,
                           mail_create_nosubscribe=True, mail_activity_quick_update=True))
    leads = make_opportunities(env, n)
    # distinct mobile numbers, written the way reps type them (bench data set-up, straight in SQL)
    env.cr.execute("""
        UPDATE crm_lead SET phone = '138 ' || lpad((id %% 100000000)::text, 8, '0'),
               call_phone_normalized = '+86138' || lpad((id %% 100000000)::text, 8, '0')
         WHERE id = ANY(%s)""", [leads.ids])
    env.invalidate_all()
    vals = _call_values(env, leads, 5 * n, random.Random(5))
    env.invalidate_all()
    Call = env["crm.call.log"]
    with bench.measure(f"log {len(vals):,} calls over {n:,} leads (ORM, effects applied)") as r:
        for i in range(0, len(vals), BATCH):
            Call.create(vals[i:i + BATCH])
            env.flush_all()
            env.invalidate_all()
    bench.figure("calls logged per second", len(vals) / r["seconds"], "/s")
    bench.figure("numbers flagged (W/N, 长期未接通)", env["crm.phone.suppression"].search_count([]))

    Report = env["crm.call.report"]
    month = [("date", ">=", "2026-03-01"), ("date", "<", "2026-04-01")]
    measures = ["call_count:sum", "connected_rate:avg", "hangup_rate:avg", "conversation_rate:avg",
                "conversion_rate:avg"]
    env.invalidate_all()
    with bench.measure("month rates report per rep (pivot read_group)"):
        Report.read_group(month, measures, ["user_id"], lazy=False)
    with bench.measure("month rates report per rep and day (pivot read_group)"):
        Report.read_group(month, measures, ["user_id", "date:day"], lazy=False)

    number = leads[n // 2].call_phone_normalized
    Suppression = env["crm.phone.suppression"]
    with bench.measure("suppression lookup of one number"):
        Suppression._find([number])
    env.cr.execute("EXPLAIN SELECT id FROM crm_phone_suppression WHERE phone_sanitized = %s", [number])
    plan = " ".join(row[0] for row in env.cr.fetchall())
    bench.figure("suppression lookup uses an index (1 = yes)", int("Index" in plan))
    env.invalidate_all()
    with bench.measure("today's call list (search, suppressed excluded)"):
        env["crm.lead"].search([("call_due_today", "=", True)], limit=80)


def _call_values(env, leads, target, rnd):
    """Values of `target` calls over the leads, in a realistic mix of codes; a lead whose number gets
    flagged (W/N, or 5 N/A in a row) is not called again, as the call list would not offer it."""
    outcomes = {o.code: o for o in env["crm.call.outcome"].search([])}
    mix = ["N/A"] * 40 + ["Cut"] * 15 + ["R/J"] * 15 + ["待跟进"] * 10 + ["D"] * 8 + ["C"] * 4 \
        + ["No Need"] * 6 + ["W/N"] * 2
    start = datetime(2026, 3, 1, 9, 0)
    na_count, dead, vals = {}, set(), []
    live = list(leads)
    while len(vals) < target and live:
        for lead in live:
            if len(vals) >= target:
                break
            if lead.id in dead:
                continue
            code = rnd.choice(mix)
            if code == "N/A":
                na_count[lead.id] = na_count.get(lead.id, 0) + 1
                if na_count[lead.id] >= outcomes["N/A"].unreachable_after:
                    dead.add(lead.id)
            elif code == "W/N":
                dead.add(lead.id)
            else:
                na_count[lead.id] = 0
            date = start + timedelta(days=rnd.randrange(28), minutes=rnd.randrange(600))
            vals.append({"lead_id": lead.id, "user_id": lead.user_id.id, "outcome_id": outcomes[code].id,
                         "phone": lead.phone, "purpose": "挖需求", "date": date,
                         "duration": rnd.randrange(30) / 10,
                         "callback_date": date + timedelta(days=2) if code == "待跟进" else False})
        live = [lead for lead in live if lead.id not in dead]
    return vals
