"""Call logging and call rates (issues 5 and 13) over the generated call history (5 calls per deal: 5,000,000
at 1,000,000 deals).

- CALLS calls logged one by one through the ORM by the deals' owners (crm.call.log.create: the outcome's
  effect, the chatter line, the follow-up clock), in the outcome mix reps log; goal <= 3 queries per call;
- the month rates per rep (the 外呼报表 pivot: read_group per salesperson over last month's calls); goal <= 1 s;
- the suppression lookup of one number (plan printed).
"""
from datetime import date

from generate import CALL_MIX
from generate import bench_team

from odoo import sql_db
from odoo.tools import SQL

CALLS = 200
# outcomes whose effect is the call state only (no activity, no lost deal, no flag)
PLAIN_CODES = ("N/A", "Cut", "R/J")


def run(ctx, bench):
    env = ctx.env(context=dict(ctx.env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True,
                               mail_create_nosubscribe=True))
    Outcome = env["crm.call.outcome"]
    leads = env["crm.lead"].search([("team_id", "=", bench_team(env).id), ("user_id", "!=", False),
                                    ("probability", "<", 100)], order="id desc", limit=CALLS)
    # codes without a callback date to invent and without side effects on other deals (W/N, B/L flag numbers)
    mix = [code for code in CALL_MIX if code not in ("待跟进", "W/N")]
    vals = [(lead, {"lead_id": lead.id, "outcome_id": Outcome._from_code(mix[i * 7 % len(mix)]).id,
                    "purpose": "挖需求", "duration": 1.5}) for i, lead in enumerate(leads)]
    env.invalidate_all()
    by_code = {}
    with bench.measure(f"log {len(vals)} calls one by one (ORM, as the deal's owner)") as logged:
        for lead, call in vals:
            before = sql_db.sql_counter
            env["crm.call.log"].with_user(lead.user_id).create(call)
            env.flush_all()
            by_code.setdefault(call["outcome_id"], []).append(sql_db.sql_counter - before)
    per_call = logged["queries"] / len(vals)
    bench.goal("queries per logged call", f"{per_call:.1f} ({1000 * logged['seconds'] / len(vals):.1f} ms per call)",
               "<= 3", per_call <= 3)
    # the same calls by outcome: codes with nothing more to do than the call itself, and those whose effect is an
    # Odoo action of its own (an activity scheduled, the deal marked lost)
    plain = [n for code in PLAIN_CODES for n in by_code.get(Outcome._from_code(code).id, [])]
    detail = ", ".join(f"{code} {sum(q) / len(q):.1f}" for code, q in (
        (Outcome.browse(oid).code, q) for oid, q in sorted(by_code.items())))
    bench.goal(f"queries per logged call, codes with no action of their own ({'/'.join(PLAIN_CODES)}: "
               f"{len(plain)} of {len(vals)} calls)", f"{sum(plain) / len(plain):.1f} (by code: {detail})",
               "(measured only)", None)

    Report = env["crm.call.report"]
    first = date.today().replace(day=1)
    last_month = (first.replace(year=first.year - 1, month=12) if first.month == 1
                  else first.replace(month=first.month - 1))
    month = [("date", ">=", str(last_month)), ("date", "<", str(first))]
    measures = ["call_count:sum", "connected_rate:avg", "hangup_rate:avg", "conversation_rate:avg",
                "conversion_rate:avg"]
    env.cr.execute("SELECT count(*) FROM crm_call_log")
    total = env.cr.fetchone()[0]
    env.cr.execute("SELECT count(*) FROM crm_call_log WHERE date >= %s AND date < %s", [last_month, first])
    in_month = env.cr.fetchone()[0]
    bench.figure("call logs in the database", total)
    bench.figure("call logs last month", in_month)
    env.invalidate_all()
    with bench.measure("month rates per rep (pivot read_group)") as rates:
        Report.read_group(month, measures, ["user_id"], lazy=False)
    query = Report._search(month)
    bench.explain(env.cr, "month rates per rep (the pivot's GROUP BY)", SQL(
        "%s GROUP BY 1", query.select(SQL.identifier(query.table, "user_id"),
                                      SQL("sum(%s)", SQL.identifier(query.table, "connected_count")))))
    bench.goal(f"month rates per rep over {total:,} calls ({in_month:,} in the month)",
               f"{rates['seconds']:.3f} s, {rates['queries']} queries", "<= 1 s", rates["seconds"] <= 1)

    number = leads[:1].phone_sanitized
    with bench.measure("suppression lookup of one number"):
        env["crm.phone.suppression"]._find([number])
    index = bench.index_verdict(env.cr, "suppression lookup",
                                env["crm.phone.suppression"]._search([("phone_sanitized", "=", number)]))
    bench.figure(f"suppression lookup uses an index: {index}", 0)
