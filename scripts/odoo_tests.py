"""Run Odoo (odoo-bin arguments follow) and write the test counts it gathered to a JSON file.

Odoo logs failures as they happen but gives no machine-readable total; this wrapper reads the
registry's assertion report (tests run, failures, errors, skips) once Odoo is done.
Usage: python odoo_tests.py <result.json> <odoo-bin> [odoo args...]

With SFCN_AT_INSTALL_LATE=1 the at_install tests of the selected modules run in the post-install phase,
i.e. once the whole registry is loaded (Odoo 18 started without -i/-u runs them while loading each module,
see odoo/modules/loading.py, so the registry would not yet hold the modules that depend on it).
That is how crm's and sales_team's own suites run *with*
sales_funnel_cn installed: started without -i/-u on a database where the module is installed, Odoo runs
the post-install phase over every installed module (filtered by --test-tags), and at_install tests (which
normally run while their module is installed, before any module depending on it is loaded) join it.
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


def run_at_install_late():
    """Make the post-install phase also run the at_install tests (imported once the config is parsed)."""
    loader = importlib.import_module("odoo.tests.loader")
    orig_make_suite = loader.make_suite

    def make_suite_late(module_names, position="at_install"):
        if position == "at_install":  # Odoo runs these after loading each module, with a partial registry
            return loader.OdooSuite([])
        return loader.OdooSuite([*orig_make_suite(module_names, "at_install"),
                                 *orig_make_suite(module_names, "post_install")])

    loader.make_suite = make_suite_late


def preload_and_count(dbnames):
    if os.environ.get("SFCN_AT_INSTALL_LATE"):
        run_at_install_late()
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
