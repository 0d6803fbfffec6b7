"""Run the benchmarks (bench_*.py, or the names given) on a database and print their figures.

Usage (through `make bench`): python bench/run.py <odoo-src> <db> [name ...]
Each benchmark runs in its own transaction, rolled back at the end, so they do not see each other's data.
"""
import importlib
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main():
    odoo_src, db, *names = sys.argv[1:]
    sys.path[:0] = [odoo_src, str(HERE)]
    odoo = importlib.import_module("odoo")
    from odoo.tools import config

    config.parse_config(["-d", db, "--addons-path", f"{odoo_src}/addons,{HERE.parent}", "--log-level=warn"])
    harness = importlib.import_module("harness")
    registry = odoo.modules.registry.Registry(db)
    names = names or sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))
    print(f"sales_funnel_cn benchmarks on database {db!r}: {', '.join(names)}", flush=True)
    for name in names:
        module = importlib.import_module(f"bench_{name}")
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            module.run(env, harness.Bench(name))
            cr.rollback()


if __name__ == "__main__":
    main()
