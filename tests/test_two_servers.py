"""Two Odoo servers (HTTP + cron threads) on one database run the module's scheduled work at the same time.

Due work is created through the admin's RPC on the suite's server: deals due for reclaim, deals to warn,
stale deals with a decision date (the temperature/grade cron), deals not followed up (the weekly digest) and a
background Excel export. Then two more servers with two cron threads each are started on the same database and
everything is started at once: every cron made due (both servers' cron threads wake on the NOTIFY), the
reclaim run by hand on both servers in a loop, and "Run Manually" of each cron on both servers. A second wave
re-runs every cron on both servers (a re-run after a partial or failed run). Then: no deal reclaimed twice, no
duplicate chatter line, warning, activity, digest or summary notification, the export built once.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest
import requests
from conftest import DB
from conftest import OdooClient
from conftest import RpcError
from conftest import parallel
from conftest import reclaim_now

REPO = Path(__file__).resolve().parents[1]
ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo-18.0")
TAG = uuid.uuid4().hex[:6]
DUE, WARNED, STALE = 6, 3, 3  # per rep
CRONS = ["ir_cron_pool_reclaim", "ir_cron_stale_deals", "ir_cron_recompute_date_dependent",
         "ir_cron_weekly_followup_digest", "ir_cron_customer_levels", "ir_cron_funnel_export"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ago(**delta):
    return (datetime.utcnow() - timedelta(**delta)).strftime("%Y-%m-%d %H:%M:%S")


class Server:
    """One more Odoo server on the suite's database: threaded HTTP + cron threads (the suite's own server
    runs none), its configuration file (data_dir, hence the filestore) shared through ODOO_RC."""

    def __init__(self, name, workdir):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(workdir) / f"{name}.log"
        cmd = [sys.executable, f"{ODOO_SRC}/odoo-bin", f"--addons-path={ODOO_SRC}/addons,{REPO}",
               f"--db_host={os.environ.get('PGHOST', '')}", f"--db_port={os.environ.get('PGPORT', '5432')}",
               "--db_user=odoo", "-d", DB, f"--db-filter=^{DB}$", "--http-interface=127.0.0.1",
               f"--http-port={self.port}", "--max-cron-threads=2", "--db_maxconn=16", "--log-level=info"]
        # a write of a cron's next call NOTIFYs the cron threads of every server (as _trigger() does)
        env = dict(os.environ, ODOO_NOTIFY_CRON_CHANGES="1")
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)

    def wait_up(self, timeout=120):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server stopped:\n{self.tail()}")
            try:
                if requests.get(f"{self.url}/web/login", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"server not up after {timeout}s:\n{self.tail()}")

    def tail(self, lines=40):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def sql(query, params=()):
    """Rows of a query on the suite's database: inbox notifications (message_type user_notification) are
    not readable over RPC by anyone but their recipient, so the counts are taken in SQL."""
    with psycopg2.connect(host=os.environ.get("PGHOST"), port=os.environ.get("PGPORT"), dbname=DB,
                          user="odoo") as conn, conn.cursor() as cr:
        cr.execute(query, params)
        rows = cr.fetchall() if cr.description else []
        conn.rollback()
    return rows


NOTIFIED = """SELECT m.res_id, count(*) FROM mail_message m
                JOIN mail_message_res_partner_rel r ON r.mail_message_id = m.id
               WHERE r.res_partner_id = %s AND m.subject ILIKE %s AND (%s IS NULL OR m.model = %s)
            GROUP BY m.res_id"""


def ref(admin, xmlid):
    module, name = xmlid.split(".")
    return admin.execute("ir.model.data", "check_object_reference", module, name)[1]


@pytest.fixture(scope="module")
def world(admin):
    """Users, team, pool and due work, created on the suite's server before the two servers start."""
    salesman = ref(admin, "sales_team.group_sale_salesman")
    users = {}
    for who in ("rep_a", "rep_b", "leader"):
        login = f"two_{who}_{TAG}"
        users[who] = admin.execute("res.users", "create", {
            "name": f"Two Servers {who} {TAG}", "login": login, "password": login, "groups_id": [(4, salesman)]})
    team = admin.execute("crm.team", "create", {
        "name": f"Two Servers Team {TAG}", "user_id": users["leader"],
        "member_ids": [(6, 0, [users["rep_a"], users["rep_b"]])]})
    admin.execute("crm.pool", "create", {
        "name": f"Two Servers Pool {TAG}", "team_id": team, "followup_days": 10, "won_days": 100,
        "warning_days": 3, "holding_cap": 1000, "daily_claim_cap": 1000})

    def deals(kind, user, count, **vals):
        return admin.execute("crm.lead", "create", [{
            "name": f"{kind} {TAG} {i}", "type": "opportunity", "team_id": team, "user_id": user, **vals}
            for i in range(count)])

    world = {"users": users, "team": team, "due": [], "warned": [], "stale": []}
    for rep in ("rep_a", "rep_b"):
        due = deals("Due", users[rep], DUE)
        admin.execute("crm.lead", "write", due, {"date_claimed": ago(days=40), "date_last_followup": ago(days=40)})
        warned = deals("Warned", users[rep], WARNED)
        admin.execute("crm.lead", "write", warned, {"date_claimed": ago(days=8), "date_last_followup": ago(days=8)})
        stale = deals("Stale", users[rep], STALE, date_deadline=(date.today() + timedelta(days=5)).isoformat())
        admin.execute("crm.lead", "write", stale, {"date_last_stage_update": ago(days=90)})
        world["due"] += due
        world["warned"] += warned
        world["stale"] += stale
    rows = admin.execute("crm.lead", "read", world["due"] + world["warned"], ["date_reclaim", "pool_warning"])
    assert all(r["date_reclaim"] <= ago(seconds=0) for r in rows[:len(world["due"])]), rows
    assert admin.execute("crm.lead", "search_count", [("id", "in", world["stale"]), ("is_stale", "=", True)]) \
        == len(world["stale"])
    # a background export of rep_a, queued (the crons below build it)
    company = admin.execute("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    [before] = admin.execute("res.company", "read", [company], ["sfcn_export_background_threshold"])
    admin.execute("res.company", "write", [company], {"sfcn_export_background_threshold": 0})
    try:
        rep_a = OdooClient(f"two_rep_a_{TAG}", f"two_rep_a_{TAG}")
        wizard = rep_a.execute("crm.funnel.export.wizard", "create", {
            "date_from": f"{date.today().year}-01-01", "date_to": date.today().isoformat(),
            "team_ids": [(6, 0, [team])]})
        world["job"] = rep_a.execute("crm.funnel.export.wizard", "action_export", [wizard])["res_id"]
    finally:
        admin.execute("res.company", "write", [company],
                      {"sfcn_export_background_threshold": before["sfcn_export_background_threshold"]})
    world["crons"] = [ref(admin, f"sales_funnel_cn.{name}") for name in CRONS]
    return world


@pytest.fixture(scope="module")
def servers():
    workdir = tempfile.mkdtemp(prefix="sfcn-two-servers-")
    pair = [Server("server_a", workdir), Server("server_b", workdir)]
    try:
        for server in pair:
            server.wait_up()
        yield pair
    finally:
        for server in pair:
            server.stop()


def crons_idle(admin, crons, since):
    """Every cron ran since ``since`` and is not due again, none is running (its row lock is free), no
    trigger is pending."""
    rows = admin.execute("ir.cron", "read", crons, ["nextcall", "lastcall"])
    now = ago(seconds=0)
    if any(not r["lastcall"] or r["lastcall"] < since or r["nextcall"] <= now for r in rows):
        return False
    if admin.execute("ir.cron.trigger", "search_count", [("cron_id", "in", crons), ("call_at", "<=", now)]):
        return False
    free = len(sql("SELECT id FROM ir_cron WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED", [tuple(crons)]))
    return free == len(crons)


def wait_idle(admin, crons, since, servers, timeout=100):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if crons_idle(admin, crons, since):
            return
        time.sleep(1)
    logs = "\n".join(f"--- {s.log.name}\n{s.tail()}" for s in servers)
    raise AssertionError(f"the crons did not all run within {timeout}s\n{logs}")


def make_due(admin, crons):
    """All crons due now; written through one of the two servers (ODOO_NOTIFY_CRON_CHANGES), the write
    NOTIFYs the cron threads of both servers, which wake at once."""
    for _ in range(30):
        try:
            return admin.execute("ir.cron", "write", crons, {"nextcall": ago(minutes=1)})
        except RpcError as exc:  # one of them is still running somewhere
            assert "currently being executed" in exc.message, exc
            time.sleep(1)
    raise AssertionError("the crons stayed locked")


def run_manually(client, crons):
    """'Run Manually' of each cron on one server; a cron running elsewhere refuses (that is the lock)."""
    refused = 0
    for cron in crons:
        try:
            client.execute("ir.cron", "method_direct_trigger", [cron])
        except RpcError as exc:
            assert "currently being executed" in exc.message, exc
            refused += 1
    return refused


def reclaim_loop(client):
    for _ in range(200):
        _done, remaining = reclaim_now(client)
        if not remaining:
            return "done"
    return "not done"


def test_two_servers_no_duplicate_work(admin, world, servers):
    a, b = (OdooClient("admin", "admin", url=s.url) for s in servers)
    crons = world["crons"]
    # wave 1: the crons made due at once (the cron threads of both servers wake together), while the reclaim
    # runs by hand on both servers and "Run Manually" of every cron is clicked on both servers
    start = ago(seconds=1)
    make_due(a, crons)
    results = parallel(lambda: reclaim_loop(a), lambda: reclaim_loop(b),
                       lambda: run_manually(a, crons), lambda: run_manually(b, list(reversed(crons))))
    assert results[:2] == ["done", "done"], results
    wait_idle(admin, crons, start, servers)
    # wave 2: everything re-run on both servers at once (a re-run after a partial or failed run)
    start = ago(seconds=1)
    make_due(a, crons)
    parallel(lambda: run_manually(a, crons), lambda: run_manually(b, crons))
    wait_idle(admin, crons, start, servers)

    users = world["users"]
    partners = {who: admin.execute("res.users", "read", [uid], ["partner_id"])[0]["partner_id"][0]
                for who, uid in users.items()}
    mine = world["due"] + world["warned"] + world["stale"]

    # reclaimed once: owner gone, one closed holding per deal, one chatter line per deal
    assert admin.execute("crm.lead", "search_count", [("id", "in", world["due"]), ("user_id", "!=", False)]) == 0
    closed = admin.execute("crm.pool.history", "read_group", [("lead_id", "in", world["due"]),
                                                              ("end_reason", "=", "reclaimed")],
                           ["lead_id"], ["lead_id"])
    assert sorted(g["lead_id"][0] for g in closed) == sorted(world["due"])
    assert all(g["lead_id_count"] == 1 for g in closed), closed
    lines = admin.execute("mail.message", "read_group", [
        ("model", "=", "crm.lead"), ("res_id", "in", world["due"]),
        ("body", "ilike", "returned to the public pool automatically")], ["res_id"], ["res_id"])
    assert sorted(g["res_id"] for g in lines) == sorted(world["due"])
    assert all(g["res_id_count"] == 1 for g in lines), lines

    # the reclaim summaries: each reclaimed deal counted once for its rep and once for the team leader
    def summarized(partner):
        bodies = sql("""SELECT m.body FROM mail_message m
                          JOIN mail_message_res_partner_rel r ON r.mail_message_id = m.id
                         WHERE r.res_partner_id = %s AND m.subject = 'Public pool: deals reclaimed'""", [partner])
        return sum(int(re.search(r"(\d+)", body).group(1)) for (body,) in bodies)

    assert summarized(partners["rep_a"]) == DUE
    assert summarized(partners["rep_b"]) == DUE
    assert summarized(partners["leader"]) == 2 * DUE

    # one pool warning per warned deal, one stale activity per stale deal, one stale note to the leader
    def activities(ids, summary):
        return admin.execute("mail.activity", "read_group", [("res_model", "=", "crm.lead"), ("res_id", "in", ids),
                                                             ("summary", "ilike", summary)], ["res_id"], ["res_id"])

    warned = activities(world["warned"], "returns to the public pool")
    assert sorted(g["res_id"] for g in warned) == sorted(world["warned"])
    assert all(g["res_id_count"] == 1 for g in warned), warned
    stale = activities(world["stale"], "Stale deal")
    assert sorted(g["res_id"] for g in stale) == sorted(world["stale"])
    assert all(g["res_id_count"] == 1 for g in stale), stale
    notes = dict(sql(NOTIFIED, [partners["leader"], "Stale deal%", "crm.lead", "crm.lead"]))
    assert {lead: notes.get(lead) for lead in world["stale"]} == dict.fromkeys(world["stale"], 1)

    # no two identical chatter lines or activities on any of these deals
    twice = sql("""SELECT res_id, body, count(*) FROM mail_message
                    WHERE model = 'crm.lead' AND res_id IN %s AND body IS NOT NULL AND body != ''
                 GROUP BY res_id, body, subject, message_type HAVING count(*) > 1""", [tuple(mine)])
    assert not twice, twice
    acts = admin.execute("mail.activity", "search_read", [("res_model", "=", "crm.lead"), ("res_id", "in", mine)],
                         ["res_id", "summary", "user_id"])
    keys = [(x["res_id"], x["summary"], x["user_id"][0]) for x in acts]
    assert len(keys) == len(set(keys)), [k for k in keys if keys.count(k) > 1][:5]

    # the weekly digest: once per person (and week)
    for who in ("rep_a", "rep_b", "leader"):
        digests = admin.execute("crm.followup.digest", "search_read", [("user_id", "=", users[who])],
                                ["week_start", "kind"])
        assert len(digests) == 1, (who, digests)
        assert sum(dict(sql(NOTIFIED, [partners[who], "Weekly follow-up review%", None, None])).values()) == 1, who

    # the temperature/grade cron went over the dated deals once per run: no tracking line twice (above)
    # the export was built once, notified once
    # (the job is rep_a's only: not even the admin reads it over RPC)
    assert sql("SELECT state, attempts FROM crm_funnel_export_job WHERE id = %s", [world["job"]]) == [("done", 1)]
    assert sql("SELECT count(*) FROM ir_attachment WHERE res_model = 'crm.funnel.export.job' AND res_id = %s",
               [world["job"]]) == [(1,)]
    notified = dict(sql(NOTIFIED, [partners["rep_a"], "%export%", "crm.funnel.export.job", "crm.funnel.export.job"]))
    assert notified == {world["job"]: 1}, notified
