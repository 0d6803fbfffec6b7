#!/usr/bin/env bash
# The whole test suite in a throwaway PostgreSQL cluster and database:
#   1. the module's own tests (Odoo test runner, incl. browser tours in headless Chromium),
#   1b. crm's and sales_team's own suites on that database, with the module installed (at_install tests too),
#   2. the repo-level end-to-end tests (pytest, JSON-RPC against a running server; the lifecycle test
#      installs, upgrades and uninstalls the module on a crm-only database of its own),
#   3. the linters (ruff, pylint-odoo).
# Exits non-zero on any failure, on a skipped test (a skipped tour is a failure), or when no test ran.
source "$(dirname "$0")/lib.sh"

resolve_odoo
ensure_venv

if ! command -v chromium >/dev/null && ! command -v google-chrome >/dev/null && ! command -v chromium-browser >/dev/null; then
  log "Installing Chromium for the browser tours (Debian package 'chromium')"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2 \
      || die "could not install chromium"
  else
    die "Chromium is needed for the tours: run 'sudo apt-get install chromium' (or google-chrome) first."
  fi
fi

WORK="$(mktemp -d /var/tmp/sfcn-test.XXXXXX)"
chmod 755 "$WORK"
# Odoo's data dir (filestore, sessions) of this run's own: concurrent runs never share a filestore
mkdir -p "$WORK/odoo-data"
printf '[options]\ndata_dir = %s\n' "$WORK/odoo-data" > "$WORK/odoo.conf"
export ODOO_RC="$WORK/odoo.conf"
DB="sfcn_test"
HTTP_PORT="${SFCN_TEST_PORT:-$(free_port)}"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  pg_stop
  [ -n "${SFCN_KEEP_TEST_DIR:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
SFCN_PG_FSYNC=off SFCN_PGPORT="${SFCN_TEST_PGPORT:-55432}" pg_start "$WORK/pgdata"
if http_up "http://127.0.0.1:$HTTP_PORT/"; then die "port $HTTP_PORT is already serving something"; fi

TAGS="${SFCN_TEST_TAGS:-/sales_funnel_cn}"
status=0
passed=0; failed=0; skipped=0

# odoo_counts FILE: "run failures errors skipped" from the JSON odoo_tests.py wrote (an error when missing)
odoo_counts() {
  "$VENV/bin/python" - "$1" <<'PY'
import json, sys
try:
    c = json.load(open(sys.argv[1]))
except Exception:
    c = {"run": 0, "failures": 0, "errors": 1, "skipped": 0}
print(c["run"], c["failures"], c["errors"], c["skipped"])
PY
}

# ---- 1. module tests ---------------------------------------------------------------------------------
log "Module tests: installing sales_funnel_cn (with demo data) and running tests tagged $TAGS"
set +e
"$VENV/bin/python" "$REPO/scripts/odoo_tests.py" "$WORK/odoo-tests.json" "$ODOO_SRC/odoo-bin" \
  --addons-path="$ODOO_SRC/addons,$REPO" --db_host="$PGHOST" --db_port="$PGPORT" --db_user=odoo \
  -d "$DB" -i sales_funnel_cn --test-enable --test-tags "$TAGS" --stop-after-init \
  --http-interface 127.0.0.1 --http-port "$HTTP_PORT" --log-level=test --max-cron-threads=0 \
  2>&1 | tee "$WORK/odoo-tests.log" | grep -E --line-buffered "(ERROR|FAIL|CRITICAL|WARNING).*(sales_funnel_cn|odoo.tests|tour)|Ran [0-9]+ tests|post-tests|INFO.*Starting .*Test|: skipped" >&2
set -e
read -r o_run o_fail o_err o_skip < <(odoo_counts "$WORK/odoo-tests.json")
if grep -qE "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$WORK/odoo-tests.log"; then
  log "Odoo logged errors during the module tests:"
  grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$WORK/odoo-tests.log" | head -20 >&2
  [ "$((o_fail + o_err))" -gt 0 ] || o_err=1
fi
log "Module tests: $o_run run, $o_fail failed, $o_err errors, $o_skip skipped"
passed=$((passed + o_run - o_fail - o_err - o_skip)); failed=$((failed + o_fail + o_err)); skipped=$((skipped + o_skip))
[ "$o_run" -gt 0 ] || { log "no module test ran"; status=1; }
[ "$((o_fail + o_err))" -eq 0 ] || status=1
if [ "$o_skip" -gt 0 ]; then
  log "Skipped tests are failures here (a skipped tour means the browser part was not tested):"
  grep -E ": skipped|SkipTest" "$WORK/odoo-tests.log" | head >&2 || true
  status=1
fi

# ---- 1b. core's own suites with the module installed --------------------------------------------------
# crm's at_install tests normally run while crm is installed, before sales_funnel_cn is loaded. Started
# without -i/-u on the module's database, Odoo runs the tests of every installed module that --test-tags
# selects; odoo_tests.py (SFCN_AT_INSTALL_LATE) moves the at_install ones after the whole registry is loaded.
# SFCN_CORE_TEST_TAGS="" skips this stage; a narrowed SFCN_TEST_TAGS skips it unless it is set.
if [ -n "${SFCN_CORE_TEST_TAGS+x}" ]; then CORE_TAGS="$SFCN_CORE_TEST_TAGS";
elif [ -n "${SFCN_TEST_TAGS:-}" ]; then CORE_TAGS=""; else CORE_TAGS="/crm,/sales_team"; fi
if [ -n "$CORE_TAGS" ]; then
  log "Core tests with sales_funnel_cn installed: $CORE_TAGS (at_install and post_install)"
  set +e
  SFCN_AT_INSTALL_LATE=1 "$VENV/bin/python" "$REPO/scripts/odoo_tests.py" "$WORK/core-tests.json" "$ODOO_SRC/odoo-bin" \
    --addons-path="$ODOO_SRC/addons,$REPO" --db_host="$PGHOST" --db_port="$PGPORT" --db_user=odoo \
    -d "$DB" --test-enable --test-tags "$CORE_TAGS" --stop-after-init \
    --http-interface 127.0.0.1 --http-port "$HTTP_PORT" --log-level=test --max-cron-threads=0 \
    2>&1 | tee "$WORK/core-tests.log" | grep -E --line-buffered "(ERROR|FAIL|CRITICAL).*(odoo.addons|odoo.tests)|post-tests|: skipped" >&2
  set -e
  read -r c_run c_fail c_err c_skip < <(odoo_counts "$WORK/core-tests.json")
  log "Core tests: $c_run run, $c_fail failed, $c_err errors, $c_skip skipped"
  passed=$((passed + c_run - c_fail - c_err - c_skip)); failed=$((failed + c_fail + c_err)); skipped=$((skipped + c_skip))
  [ "$c_run" -gt 0 ] || { log "no core test ran"; status=1; }
  [ "$((c_fail + c_err))" -eq 0 ] || status=1
fi

# ---- 2. repo-level end-to-end tests (JSON-RPC against a running server) ------------------------------
# SFCN_E2E: pytest arguments selecting the end-to-end tests (default: all of tests/); "skip" skips them
E2E_ARGS="${SFCN_E2E:-$REPO/tests}"
if [ "$E2E_ARGS" != "skip" ] && ls "$REPO"/tests/test_*.py >/dev/null 2>&1; then
  log "End-to-end tests: serving $DB on 127.0.0.1:$HTTP_PORT"
  odoo_bin_cmd -d "$DB" --http-interface 127.0.0.1 --http-port "$HTTP_PORT" --max-cron-threads=0 \
    --db_maxconn=64 --log-level=warn
  "${ODOO_CMD[@]}" >"$WORK/e2e-server.log" 2>&1 &
  SERVER_PID=$!
  # fail fast and clearly when the server dies or does not answer, instead of a page of connection errors
  up=""
  for _ in $(seq 1 "${SFCN_E2E_START_TIMEOUT:-120}"); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    http_up "http://127.0.0.1:$HTTP_PORT/web/login" && { up=1; break; }
    sleep 1
  done
  if [ -z "$up" ]; then
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      log "End-to-end tests: the Odoo server did not answer on 127.0.0.1:$HTTP_PORT within ${SFCN_E2E_START_TIMEOUT:-120} s"
      kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true
    else
      rc=0; wait "$SERVER_PID" 2>/dev/null || rc=$?
      log "End-to-end tests: the Odoo server exited (status $rc) before serving"
    fi
    SERVER_PID=""
    log "last lines of its log ($WORK/e2e-server.log):"
    tail -20 "$WORK/e2e-server.log" >&2
    echo "$passed passed, $((failed + 1)) failed"
    exit 1
  fi
  set +e
  SFCN_URL="http://127.0.0.1:$HTTP_PORT" SFCN_DB="$DB" PGHOST="$PGHOST" PGPORT="$PGPORT" \
    "$VENV/bin/python" -m pytest -p no:cacheprovider -p no:odoo -q $E2E_ARGS --junitxml="$WORK/e2e.xml" >&2
  set -e
  read -r e_tests e_fail e_err e_skip < <("$VENV/bin/python" - "$WORK/e2e.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
    s = root if root.tag == "testsuite" else root.find("testsuite")
    print(s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped"))
except Exception:
    print(0, 0, 1, 0)
PY
)
  kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  log "End-to-end tests: $e_tests run, $e_fail failed, $e_err errors, $e_skip skipped"
  passed=$((passed + e_tests - e_fail - e_err - e_skip)); failed=$((failed + e_fail + e_err)); skipped=$((skipped + e_skip))
  [ "$((e_fail + e_err + e_skip))" -eq 0 ] || status=1
fi

# ---- 3. linters -------------------------------------------------------------------------------------
if bash "$REPO/scripts/lint.sh"; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

[ $((passed + failed)) -gt 1 ] || { log "no test ran"; status=1; }
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit $status
