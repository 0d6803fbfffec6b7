# sales_funnel_cn: the two commands, plus the benchmarks and linters.
.PHONY: run test bench lint help pytest-db pytest-db-stop
help:
	@echo "make run    - serve Odoo 18 + sales_funnel_cn + demo data on http://127.0.0.1:8069 (admin/admin)"
	@echo "make test   - the whole test suite in a throwaway database (module tests, tours, e2e, linters)"
	@echo "make bench  - the benchmarks under bench/ (prints figures)"
	@echo "make lint   - ruff, pylint-odoo, the README.rst and docs/ARCHITECTURE.md checks"
	@echo "make pytest-db - a database for running one module test under pytest-odoo (README, Development)"
run:
	@bash scripts/run.sh
test:
	@bash scripts/test.sh
bench:
	@bash scripts/bench.sh
lint:
	@bash scripts/lint.sh
pytest-db:
	@bash scripts/pytest_db.sh
pytest-db-stop:
	@bash scripts/pytest_db.sh stop
