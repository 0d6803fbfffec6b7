"""Run the benchmarks on the module's database and the plain-crm baseline database; print the goal table.

Usage (through `make bench` / scripts/bench.sh):
    python bench/run.py <odoo-src> <module-db> <plain-crm-db> [name ...]

1. Data: both databases get the same SFCN_BENCH_N deals from bench/generate.py (set-based SQL), committed,
   then ``VACUUM ANALYZE`` (PostgreSQL plans with the statistics of the real data, as it would some minutes
   after a bulk import). A database already holding data of that size is reused (SFCN_BENCH_DIR keeps the
   cluster between runs).
   `run.py ... data` stops there.
2. Each benchmark (bench_<name>.py, all but `install` unless named) runs in its own transactions, rolled
   back at the end, so none sees another's changes; a benchmark that changes data in bulk analyses again.
3. One table: benchmark, N, figure(s), goal, met / not met.
"""
import importlib
import os
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
SIZE_KEY = "sales_funnel_cn.bench_n"
# run only when named: installs databases of its own with odoo-bin (bench/bench_install.py)
ON_DEMAND = {"install"}


def _vacuum_analyze(db):
    import psycopg2

    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute("VACUUM ANALYZE")
    conn.close()


def _ensure_data(odoo, registry, db, n):
    generate = importlib.import_module("generate")
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        have = env["ir.config_parameter"].get_param(SIZE_KEY)
        if have == str(n):
            reused = True
        elif have:
            sys.exit(f"{db} holds data of another size ({have}); use another SFCN_BENCH_DIR")
        else:
            reused = False
    if reused:
        # a kept database has the dead rows of every earlier run's rolled-back writes (the scoring bench alone
        # rewrites every deal twice): vacuumed and analysed first, as autovacuum would have left it
        t0 = time.perf_counter()
        _vacuum_analyze(db)
        print(f"  data      {db}: {n:,} deals already generated, reused (VACUUM ANALYZE "
              f"{time.perf_counter() - t0:,.1f} s)", flush=True)
        return
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        t0 = time.perf_counter()
        summary = generate.generate(env, n)
        env["ir.config_parameter"].set_param(SIZE_KEY, str(n))
        env.flush_all()
        cr.commit()
        t1 = time.perf_counter()
    _vacuum_analyze(db)
    t2 = time.perf_counter()
    what = ", ".join(f"{v:,} {k}" for k, v in summary.items())
    print(f"  data      {db}: {what} generated in {t1 - t0:,.1f} s (SQL), VACUUM ANALYZE {t2 - t1:,.1f} s",
          flush=True)


def main():
    odoo_src, db, plain_db, *names = sys.argv[1:]
    sys.path[:0] = [odoo_src, str(HERE)]
    odoo = importlib.import_module("odoo")
    from odoo.tools import config

    config.parse_config(["--addons-path", f"{odoo_src}/addons,{HERE.parent}", "--log-level=warn"])
    harness = importlib.import_module("harness")
    n = int(os.environ.get("SFCN_BENCH_N", "20000"))
    names = names or sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py")
                            if p.stem[len("bench_"):] not in ON_DEMAND)
    print(f"sales_funnel_cn benchmarks, N = {n:,} deals: module database {db!r}, plain crm {plain_db!r}: "
          f"{', '.join(names)}", flush=True)
    registries = {name: odoo.modules.registry.Registry(name) for name in (db, plain_db)}
    if names != ["install"]:
        for name, registry in registries.items():
            _ensure_data(odoo, registry, name, n)
    if names == ["data"]:  # generate (or check) the data only, e.g. ahead of a long run
        return
    for name in names:
        module = importlib.import_module(f"bench_{name}")
        bench = harness.Bench(name, n)
        print(f"== {name}", flush=True)
        t0 = time.perf_counter()
        with registries[db].cursor() as cr, registries[plain_db].cursor() as plain_cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            plain = odoo.api.Environment(plain_cr, odoo.SUPERUSER_ID, {})
            try:
                # bench_install takes the module's environment (it installs its own databases), others the context
                module.run(env if name in ON_DEMAND else harness.Context(env, plain, n), bench)
            finally:
                cr.rollback()
                plain_cr.rollback()
        print(f"== {name}: {time.perf_counter() - t0:,.1f} s", flush=True)
    harness.print_table()


if __name__ == "__main__":
    main()
