"""Run Odoo (odoo-bin arguments follow) and write the test counts it gathered to a JSON file.

Odoo logs failures as they happen but gives no machine-readable total; this wrapper reads the
registry's assertion report (tests run, failures, errors, skips) once Odoo is done.
Usage: python odoo_tests.py <result.json> <odoo-bin> [odoo args...]
"""
import importlib
import json
import os
import sys

result_path, odoo_bin = sys.argv[1], sys.argv[2]
sys.argv = [odoo_bin, *sys.argv[3:]]
sys.path.insert(0, os.path.dirname(odoo_bin))
odoo = importlib.import_module("odoo")
server = importlib.import_module("odoo.service.server")
importlib.import_module("odoo.cli")

_orig_preload = server.preload_registries
counts = {"run": 0, "failures": 0, "errors": 0, "skipped": 0, "rc": None}


def preload_and_count(dbnames):
    rc = _orig_preload(dbnames)
    for db in dbnames:
        registry = odoo.modules.registry.Registry.registries.get(db)
        if registry is None:  # the database failed to load: count it as an error
            counts["errors"] += 1
            continue
        report = registry._assertion_report
        counts["run"] += report.testsRun
        counts["failures"] += report.failures_count
        counts["errors"] += report.errors_count
        counts["skipped"] += report.skipped
    counts["rc"] = rc
    with open(result_path, "w", encoding="utf-8") as fh:
        json.dump(counts, fh)
    return rc


server.preload_registries = preload_and_count
odoo.cli.main()
