"""Installing the module on a live CRM: SFCN_BENCH_INSTALL_N existing deals (default 200,000).

Separate databases in the benchmark cluster, each made by odoo-bin in its own process (timed, peak memory of
that process from wait4):
  crm_empty      install crm (no demo data) on an empty database
  u_crm          `-u crm` on the database with N deals
  module_empty   install sales_funnel_cn on the crm-only empty database
  module_data    install sales_funnel_cn on the database with N deals
The deals are generated with set-based SQL (8 reps in two companies, crm's stages, 30 to 120 days old,
10% unassigned, 5% won, 5% lost), ANALYZE before timing. Ratios printed: install on data vs crm on an
empty database and vs `-u crm` on the same data, and what the data adds to the install (module_data -
module_empty) vs `-u crm`: the goal is at most 2x.
"""
import os
import subprocess
import sys
import time

import odoo
from odoo.tools import config

DEALS_SQL = """
INSERT INTO crm_lead (name, type, active, user_id, team_id, stage_id, company_id, probability, expected_revenue,
                      partner_name, contact_name, email_from, phone, phone_sanitized, priority, create_date, write_date,
                      date_last_stage_update, date_open, create_uid, write_uid, date_closed)
SELECT 'Deal ' || g, CASE WHEN g %% 4 = 0 THEN 'lead' ELSE 'opportunity' END, g %% 20 <> 1,
       CASE WHEN g %% 10 = 0 THEN NULL ELSE r.id END, r.team_id,
       CASE WHEN g %% 20 = 2 THEN %(won)s ELSE (%(stages)s::int[])[1 + g %% array_length(%(stages)s::int[], 1)] END,
       r.company_id, CASE WHEN g %% 20 = 2 THEN 100 ELSE 10 + g %% 60 END, 1000 * (g %% 500),
       'Customer ' || (g %% 20000), 'Contact ' || g, 'c' || g || '@example.com',
       '138' || lpad(g::text, 8, '0'),  -- one number per deal as in a real CRM
       '+86138' || lpad(g::text, 8, '0'),  -- as crm stores it (phone_sanitized) in a company in China
       (g %% 4)::text, now() - make_interval(days => 30 + g %% 90), now() - make_interval(days => g %% 30),
       now() - make_interval(days => g %% 30), now() - make_interval(days => 30 + g %% 90), 1, 1,
       CASE WHEN g %% 20 IN (1, 2) THEN now() END
  FROM generate_series(1, %(n)s) g
  JOIN (SELECT u.id, u.company_id, m.crm_team_id AS team_id, row_number() OVER (ORDER BY u.id) - 1 AS k
          FROM res_users u JOIN crm_team_member m ON m.user_id = u.id
         WHERE u.login LIKE 'bench_install_%%') r ON r.k = g %% 8
"""

SETUP_REPS = r"""
from odoo import Command
company_b = env["res.company"].create({"name": "Bench Company B", "country_id": env.ref("base.cn").id})
env.ref("base.main_company").country_id = env.ref("base.cn")
group = env.ref("sales_team.group_sale_salesman")
for c, company in enumerate((env.ref("base.main_company"), company_b)):
    reps = env["res.users"].with_context(no_reset_password=True).create([{
        "name": f"Bench Install Rep {c}{i}", "login": f"bench_install_{c}{i}", "company_id": company.id,
        "company_ids": [Command.set(company.ids)], "groups_id": [Command.link(group.id)]} for i in range(4)])
    env["crm.team"].create({"name": f"Bench Install Team {c}", "company_id": company.id,
                            "crm_team_member_ids": [Command.create({"user_id": u.id}) for u in reps]})
env.cr.commit()
"""


class Cluster:
    def __init__(self):
        self.odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
        self.addons = config["addons_path"]
        self.args = [f"--db_host={config['db_host'] or os.environ.get('PGHOST', '')}",
                     f"--db_port={config['db_port'] or os.environ.get('PGPORT', '')}", "--db_user=odoo"]

    def odoo(self, db, *args, stdin=None):
        """Run odoo-bin; returns (seconds, peak RSS in MB) of that process."""
        cmd = [sys.executable, self.odoo_bin, *args[:1], f"--addons-path={self.addons}", *self.args, "-d", db,
               "--max-cron-threads=0", "--log-level=warn", "--stop-after-init", *args[1:]]
        if args[0] == "shell":
            cmd.remove("--stop-after-init")
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin else None, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        if stdin:
            proc.stdin.write(stdin)
            proc.stdin.close()
        stderr = proc.stderr.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise RuntimeError(f"odoo-bin {args} on {db} failed:\n{stderr[-3000:]}")
        return time.perf_counter() - t0, usage.ru_maxrss / 1024.0

    def psql(self, db, sql, params=None):
        conn = odoo.sql_db.db_connect(db)
        with conn.cursor() as cr:
            cr._cnx.autocommit = True
            cr.execute(sql, params)
            return cr.fetchall() if cr.description else None

    def copy(self, template, db):
        self.psql("postgres", f'DROP DATABASE IF EXISTS "{db}"')
        odoo.sql_db.close_db(template)
        self.psql("postgres", f'CREATE DATABASE "{db}" TEMPLATE "{template}"')

    def drop(self, *dbs):
        for db in dbs:
            odoo.sql_db.close_db(db)
            self.psql("postgres", f'DROP DATABASE IF EXISTS "{db}"')


def run(env, bench):
    n = int(os.environ.get("SFCN_BENCH_INSTALL_N", "200000"))
    c = Cluster()
    names = ("sfcn_inst_empty", "sfcn_inst_data", "sfcn_inst_u_crm", "sfcn_inst_module_empty", "sfcn_inst_module_data")
    c.drop(*names)
    empty, data, u_crm, mod_empty, mod_data = names
    c.psql("postgres", f'CREATE DATABASE "{empty}"')
    t_crm, m_crm = c.odoo(empty, "--init=crm", "--without-demo=all")
    bench.figure("install crm, empty database: time", t_crm, "s")
    bench.figure("install crm, empty database: peak memory", m_crm, "MB")
    c.copy(empty, data)
    c.odoo(data, "shell", stdin=SETUP_REPS)
    stages = [row[0] for row in c.psql(
        data, "SELECT id FROM crm_stage WHERE NOT COALESCE(is_won, false) ORDER BY sequence")]
    won = c.psql(data, "SELECT id FROM crm_stage WHERE is_won LIMIT 1")[0][0]
    t0 = time.perf_counter()
    c.psql(data, DEALS_SQL, {"n": n, "stages": stages, "won": won})
    c.psql(data, "ANALYZE")
    bench.figure(f"generate {n:,} deals (SQL) + ANALYZE", time.perf_counter() - t0, "s")
    c.copy(data, u_crm)
    c.copy(data, mod_data)
    c.copy(empty, mod_empty)
    t_u, m_u = c.odoo(u_crm, "--update=crm")
    bench.figure(f"-u crm, {n:,} deals: time", t_u, "s")
    bench.figure(f"-u crm, {n:,} deals: peak memory", m_u, "MB")
    t_me, m_me = c.odoo(mod_empty, "--init=sales_funnel_cn", "--without-demo=all")
    bench.figure("install sales_funnel_cn, no deals: time", t_me, "s")
    bench.figure("install sales_funnel_cn, no deals: peak memory", m_me, "MB")
    t_md, m_md = c.odoo(mod_data, "--init=sales_funnel_cn", "--without-demo=all")
    bench.figure(f"install sales_funnel_cn, {n:,} deals: time", t_md, "s")
    bench.figure(f"install sales_funnel_cn, {n:,} deals: peak memory", m_md, "MB")
    owned, with_reclaim = c.psql(mod_data, """
        SELECT count(*) FILTER (WHERE user_id IS NOT NULL AND active AND probability < 100),
               count(*) FILTER (WHERE date_reclaim IS NOT NULL) FROM crm_lead""")[0]
    bench.figure("open owned deals", owned)
    # the call numbers are crm's own phone_sanitized: the install reads them as crm stored them
    bench.figure("deals with a sanitised number (crm's phone_sanitized)", c.psql(
        mod_data, "SELECT count(*) FROM crm_lead WHERE phone_sanitized IS NOT NULL")[0][0])
    bench.figure("deals with a return-to-pool date", with_reclaim)
    bench.figure("ratio: install on data / install crm on empty db", t_md / t_crm, "x")
    bench.figure("ratio: install on data / -u crm on the same data", t_md / t_u, "x")
    bench.figure("ratio: (install on data - install on empty) / -u crm (goal <= 2)", (t_md - t_me) / t_u, "x")
    c.drop(*names)
