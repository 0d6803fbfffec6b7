"""The public pool under concurrency: parallel JSON-RPC claims against the running server.

Two reps claiming one deal, eight reps claiming near their caps, claims and releases during a reclaim run,
each repeated ROUNDS times (SFCN_POOL_ROUNDS, default 50). Everything the test needs (reps, team, pools,
deals) is created through the admin's RPC.
"""
import os
import threading
import uuid
from datetime import datetime
from datetime import timedelta

import pytest
from conftest import OdooClient
from conftest import RpcError
from conftest import parallel
from conftest import reclaim_now

ROUNDS = int(os.environ.get("SFCN_POOL_ROUNDS", "50"))
TAG = uuid.uuid4().hex[:6]


@pytest.fixture(scope="module")
def setup(admin):
    group = admin.execute("ir.model.data", "check_object_reference", "sales_team", "group_sale_salesman")[1]
    reps = []
    for i in range(10):
        login = f"pool_rep_{TAG}_{i}"
        uid = admin.execute("res.users", "create", {
            "name": f"Pool Rep {i}", "login": login, "password": login, "groups_id": [(4, group)]})
        reps.append((uid, login))
    team = admin.execute("crm.team", "create", {
        "name": f"Pool Race Team {TAG}", "member_ids": [(6, 0, [uid for uid, _login in reps])]})
    pool = admin.execute("crm.pool", "create", {
        "name": f"Race Pool {TAG}", "team_id": team, "holding_cap": 100000, "daily_claim_cap": 100000,
        "cooldown_days": 0, "claim_delay_hours": 0})
    clients = [OdooClient(login, login) for _uid, login in reps]
    return {"team": team, "pool": pool, "reps": reps, "clients": clients}


def new_deals(admin, setup, count, user_id=False, **vals):
    return admin.execute("crm.lead", "create", [{
        "name": f"Race deal {TAG}", "type": "opportunity", "team_id": setup["team"], "user_id": user_id,
        "phone": "13800001111", **vals} for _ in range(count)])


def test_two_reps_same_deal_exactly_one_wins(admin, setup):
    a, b = setup["clients"][:2]
    for _ in range(ROUNDS):
        [deal] = new_deals(admin, setup, 1)
        results = parallel(lambda c=a, d=deal: c.execute("crm.lead", "action_pool_claim", [d]),
                           lambda c=b, d=deal: c.execute("crm.lead", "action_pool_claim", [d]))
        errors = [r for r in results if isinstance(r, RpcError)]
        assert len(errors) == 1, results
        assert "Already claimed" in errors[0].message
        winner = a.uid if not isinstance(results[0], RpcError) else b.uid
        [row] = admin.execute("crm.lead", "read", [deal], ["user_id"])
        assert row["user_id"][0] == winner
        opened = admin.execute("crm.pool.history", "search_count", [("lead_id", "=", deal), ("date_end", "=", False)])
        assert opened == 1


def test_eight_reps_near_cap_never_exceed_it(admin, setup):
    cap = 3
    team = admin.execute("crm.team", "create", {
        "name": f"Pool Cap Team {TAG}", "member_ids": [(6, 0, [uid for uid, _l in setup["reps"][2:]])]})
    admin.execute("crm.pool", "create", {
        "name": f"Cap Pool {TAG}", "team_id": team, "holding_cap": cap, "daily_claim_cap": 100000,
        "cooldown_days": 0})
    reps = setup["reps"][2:]
    clients = setup["clients"][2:]
    cap_setup = dict(setup, team=team)
    held = {uid: new_deals(admin, cap_setup, cap - 1, user_id=uid) for uid, _l in reps}
    pooled = new_deals(admin, cap_setup, 2 * len(reps))
    for _ in range(ROUNDS):
        calls = []
        for i, client in enumerate(clients):
            for deal in pooled[2 * i:2 * i + 2]:
                calls.append(lambda c=client, d=deal: c.execute("crm.lead", "action_pool_claim", [d]))
        results = parallel(*calls)
        wins = [r for r in results if not isinstance(r, RpcError)]
        errors = [r for r in results if isinstance(r, RpcError)]
        assert len(wins) == len(reps), [str(e) for e in errors]
        assert all("Holding cap" in e.message or "in progress" in e.message for e in errors), \
            [str(e) for e in errors]
        counts = holdings(admin, reps)
        assert counts == {uid: cap for uid, _l in reps}, f"a cap of {cap} exceeded: {counts}"
        # back to the starting point: the claimed deals return to the pool
        admin.execute("crm.lead", "write", pooled, {"user_id": False})
    assert holdings(admin, reps) == {uid: len(held[uid]) for uid, _l in reps}


def holdings(admin, reps):
    groups = admin.execute("crm.lead", "read_group", [("user_id", "in", [uid for uid, _l in reps])],
                           ["user_id"], ["user_id"])
    return {g["user_id"][0]: g["user_id_count"] for g in groups}


def test_claims_during_reclaim_no_deal_owned_and_pooled(admin, setup):
    owner_id = setup["reps"][0][0]
    owner = setup["clients"][0]
    claimers = setup["clients"][1:3]
    long_ago = (datetime.utcnow() - timedelta(days=40)).strftime("%Y-%m-%d %H:%M:%S")
    all_deals = []
    for _ in range(ROUNDS):
        due = new_deals(admin, setup, 4, user_id=owner_id)
        admin.execute("crm.lead", "write", due, {"date_claimed": long_ago, "date_last_followup": long_ago})
        all_deals += due
        stop = threading.Event()

        def reclaim(stop=stop):
            try:
                while True:
                    _done, remaining = reclaim_now(admin)
                    if not remaining:
                        return "reclaimed"
            finally:
                stop.set()

        def claim(client, stop=stop, due=due):
            claimed = 0
            while not stop.is_set():
                for deal in due:
                    try:
                        client.execute("crm.lead", "action_pool_claim", [deal])
                        claimed += 1
                    except RpcError:
                        pass
            return claimed

        def release(due=due):
            outcome = "released"
            for deal in due[:2]:
                try:
                    wizard = owner.execute("crm.pool.release.wizard", "create", {"reason": "race"},
                                           context={"active_ids": [deal]})
                    owner.execute("crm.pool.release.wizard", "action_release", [wizard],
                                  context={"active_ids": [deal]})
                except RpcError as exc:
                    outcome = exc
            return outcome

        results = parallel(reclaim, release, *[lambda c=c: claim(c) for c in claimers])
        assert results[0] == "reclaimed", results
    rows = admin.execute("crm.lead", "read", all_deals, ["user_id", "pool_id", "active"])
    history = admin.execute("crm.pool.history", "search_read",
                            [("lead_id", "in", all_deals), ("date_end", "=", False)], ["lead_id", "user_id"])
    open_by_deal = {}
    for h in history:
        assert h["lead_id"][0] not in open_by_deal, "two open holdings for one deal"
        open_by_deal[h["lead_id"][0]] = h["user_id"][0]
    assert len(rows) == len(all_deals), "no deal lost"
    for row in rows:
        assert row["active"] and row["pool_id"], row
        if row["user_id"]:
            assert open_by_deal.get(row["id"]) == row["user_id"][0], ("owned without its holding", row)
        else:
            assert row["id"] not in open_by_deal, ("pooled but still held", row)
    # nothing left due: every due deal was reclaimed or claimed again since
    still_due = admin.execute("crm.lead", "search_count", [("id", "in", all_deals), ("user_id", "=", owner_id)])
    assert still_due == 0
