#!/usr/bin/env bash
# Benchmarks in a throwaway cluster: install the module (no demo data), run bench/run.py, print figures.
# SFCN_BENCH_N sets the data size; arguments pick benchmarks by name (bench_<name>.py).
source "$(dirname "$0")/lib.sh"
resolve_odoo
ensure_venv
WORK="$(mktemp -d /var/tmp/sfcn-bench.XXXXXX)"; chmod 755 "$WORK"
trap 'pg_stop; rm -rf "$WORK"' EXIT
SFCN_PG_FSYNC=off SFCN_PGPORT="${SFCN_BENCH_PGPORT:-55433}" pg_start "$WORK/pgdata"
odoo_bin -d sfcn_bench -i sales_funnel_cn --without-demo=all --stop-after-init --max-cron-threads=0 --log-level=warn
PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER=odoo "$VENV/bin/python" "$REPO/bench/run.py" "$ODOO_SRC" sfcn_bench "$@"
