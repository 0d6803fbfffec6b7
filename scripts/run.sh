#!/usr/bin/env bash
# Serve Odoo 18.0 with sales_funnel_cn and its demo data on http://127.0.0.1:8069 (admin / admin).
# First run: virtualenv, PostgreSQL cluster and database are created. Later runs reuse them and only
# upgrade the module; the database is never dropped unless you ask (SFCN_RESET=1).
source "$(dirname "$0")/lib.sh"

DB="${SFCN_DB:-sales_funnel_cn}"
PORT="${SFCN_PORT:-8069}"
resolve_odoo
ensure_venv
pg_choose_dir pgdata
pg_start "$PGDATA_DIR"
trap 'log "stopping PostgreSQL"; pg_stop' EXIT

if [ -n "${SFCN_RESET:-}" ]; then
  log "SFCN_RESET set: dropping database $DB"
  dropdb_cmd=("$PG_BIN/dropdb" -h "$PGHOST" -p "$PGPORT" -U odoo --if-exists "$DB")
  "${dropdb_cmd[@]}"
fi
exists=$("$PG_BIN/psql" -h "$PGHOST" -p "$PGPORT" -U odoo -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'")
if [ "$exists" != 1 ]; then
  log "Creating database $DB: installing sales_funnel_cn with demo data and Chinese (zh_CN)"
  odoo_bin -d "$DB" -i sales_funnel_cn --load-language=zh_CN --stop-after-init --max-cron-threads=0
else
  log "Database $DB exists: upgrading sales_funnel_cn in place"
  odoo_bin -d "$DB" -u sales_funnel_cn --stop-after-init --max-cron-threads=0
fi
log "Serving http://127.0.0.1:$PORT  (login admin / admin; Ctrl-C stops Odoo and PostgreSQL)"
set +e
odoo_bin -d "$DB" --db-filter="^$DB\$" --http-interface 127.0.0.1 --http-port "$PORT" "$@"
