#!/usr/bin/env bash
# Prepare a database for running the module's tests one at a time under pytest-odoo:
#   make pytest-db            (once; again after changing the module: it upgrades it)
#   PYTHONPATH=/opt/odoo-18.0 .venv/bin/pytest -p odoo --odoo-config=.run/pytest-odoo.conf sales_funnel_cn/tests -k test_name
# A PostgreSQL cluster of its own (.run/pytest-pgdata, port $SFCN_PYTEST_PGPORT, default 55434) is left
# running so the tests start in seconds; `make pytest-db-stop` stops it. The database ($SFCN_PYTEST_DB,
# default sfcn_pytest) has the module installed with its demo data, like the one `make test` runs on.
# pytest-odoo runs TransactionCase tests; browser tours (HttpCase) are skipped there: `make test` runs them.
source "$(dirname "$0")/lib.sh"

DB="${SFCN_PYTEST_DB:-sfcn_pytest}"
CONF="$REPO/.run/pytest-odoo.conf"
resolve_odoo
ensure_venv
pg_choose_dir pytest-pgdata
if [ "${1:-}" = "stop" ]; then
  find_pg_bin
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null 2>&1 || true
  log "stopped the pytest-odoo PostgreSQL cluster ($PGDATA_DIR)"
  exit 0
fi
SFCN_PGPORT="${SFCN_PYTEST_PGPORT:-55434}" pg_start "$PGDATA_DIR"
mkdir -p "$REPO/.run/pytest-odoo-data"
# db_name is the database pytest-odoo tests on; the odoo package itself comes from PYTHONPATH
printf '[options]\naddons_path = %s\ndata_dir = %s\ndb_host = %s\ndb_port = %s\ndb_user = odoo\ndb_name = %s\n' \
  "$ODOO_SRC/addons,$REPO" "$REPO/.run/pytest-odoo-data" "$PGHOST" "$PGPORT" "$DB" > "$CONF"
exists=$("$PG_BIN/psql" -h "$PGHOST" -p "$PGPORT" -U odoo -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'")
if [ "$exists" = 1 ]; then
  log "Database $DB exists: upgrading sales_funnel_cn"
  odoo_bin -c "$CONF" -d "$DB" -u sales_funnel_cn --stop-after-init --max-cron-threads=0 --log-level=warn
else
  log "Creating database $DB: installing sales_funnel_cn with demo data"
  odoo_bin -c "$CONF" -d "$DB" -i sales_funnel_cn --stop-after-init --max-cron-threads=0 --log-level=warn
fi
log "Ready. One test in seconds (the cluster stays up; 'make pytest-db-stop' stops it):"
echo "PYTHONPATH=$ODOO_SRC $VENV/bin/python -m pytest -p odoo --odoo-config=$CONF sales_funnel_cn/tests -k <name>"
