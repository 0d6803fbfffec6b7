#!/usr/bin/env bash
# Benchmarks in a benchmark cluster: two databases with the same generated data, one with sales_funnel_cn,
# one with crm only (the baseline of the goals that say "plain crm"); bench/run.py prints the goal table.
#   SFCN_BENCH_N      deals (default 20,000; the big run: 1000000, with 5 call logs per deal)
#   SFCN_BENCH_DIR    keep the cluster (and its generated data) in this folder between runs (default: a
#                     temporary folder, removed at the end); SFCN_BENCH_UPDATE=1 upgrades the module there first
#   SFCN_BENCH_PGPORT the cluster's port
# Arguments pick benchmarks by name (bench/bench_<name>.py); `install` runs only when named.
source "$(dirname "$0")/lib.sh"
resolve_odoo
ensure_venv
if [ -n "${SFCN_BENCH_DIR:-}" ]; then
  WORK="$SFCN_BENCH_DIR"; mkdir -p "$WORK"; chmod 755 "$WORK"
  trap 'pg_stop' EXIT
else
  WORK="$(mktemp -d /var/tmp/sfcn-bench.XXXXXX)"; chmod 755 "$WORK"
  trap 'pg_stop; rm -rf "$WORK"' EXIT
fi
SFCN_PG_FSYNC=off SFCN_PGPORT="${SFCN_BENCH_PGPORT:-55433}" pg_start "$WORK/pgdata"
db_exists() { [ "$(psql -h "$PGHOST" -p "$PGPORT" -U odoo -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }
ODOO_ARGS=(--without-demo=all --stop-after-init --max-cron-threads=0 --log-level=warn)
if ! db_exists sfcn_plain; then
  log "Baseline database sfcn_plain: crm only"
  odoo_bin -d sfcn_plain -i crm "${ODOO_ARGS[@]}"
fi
if ! db_exists sfcn_bench; then
  log "Module database sfcn_bench: a copy of the empty crm database, then sales_funnel_cn installed"
  psql -h "$PGHOST" -p "$PGPORT" -U odoo -d postgres -qc "CREATE DATABASE sfcn_bench TEMPLATE sfcn_plain"
  odoo_bin -d sfcn_bench -i sales_funnel_cn "${ODOO_ARGS[@]}"
elif [ "${SFCN_BENCH_UPDATE:-0}" = 1 ]; then
  odoo_bin -d sfcn_bench -u sales_funnel_cn "${ODOO_ARGS[@]}"
fi
PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER=odoo "$VENV/bin/python" "$REPO/bench/run.py" "$ODOO_SRC" sfcn_bench sfcn_plain "$@"
