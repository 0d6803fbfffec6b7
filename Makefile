# sales_funnel_cn: the two commands, plus the benchmarks and linters.
.PHONY: run test bench lint help
help:
	@echo "make run    - serve Odoo 18 + sales_funnel_cn + demo data on http://127.0.0.1:8069 (admin/admin)"
	@echo "make test   - the whole test suite in a throwaway database (module tests, tours, e2e, linters)"
	@echo "make bench  - the benchmarks under bench/ (prints figures)"
	@echo "make lint   - ruff and pylint-odoo only"
run:
	@bash scripts/run.sh
test:
	@bash scripts/test.sh
bench:
	@bash scripts/bench.sh
lint:
	@bash scripts/lint.sh
