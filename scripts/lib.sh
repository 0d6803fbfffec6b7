#!/usr/bin/env bash
# Shared set-up for the run, test and bench commands.
# Sourced, not executed. Everything here is idempotent: running it twice reuses what exists.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_DEFAULT_SRC="/opt/odoo-18.0"
ODOO_GIT_URL="https://github.com/odoo/odoo.git"
VENV="${SFCN_VENV:-$REPO/.venv}"
PY_BIN="${PYTHON:-python3}"

log() { printf '\033[1;34m[sfcn]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[sfcn] error:\033[0m %s\n' "$*" >&2; exit 1; }

is_odoo_src() { [ -f "$1/odoo-bin" ] && [ -f "$1/odoo/release.py" ] && grep -q "version_info = (18, 0" "$1/odoo/release.py"; }

# ODOO_SRC -> default location -> git clone (for users with internet) -> clear error.
resolve_odoo() {
  if [ -n "${ODOO_SRC:-}" ]; then
    is_odoo_src "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (no odoo-bin / odoo/release.py 18.0)."
  elif is_odoo_src "$ODOO_DEFAULT_SRC"; then
    ODOO_SRC="$ODOO_DEFAULT_SRC"
  else
    log "Odoo 18.0 not found at $ODOO_DEFAULT_SRC; trying: git clone --depth 1 -b 18.0 $ODOO_GIT_URL"
    if git clone --depth 1 -b 18.0 "$ODOO_GIT_URL" "$ODOO_DEFAULT_SRC" >&2 && is_odoo_src "$ODOO_DEFAULT_SRC"; then
      ODOO_SRC="$ODOO_DEFAULT_SRC"
    else
      die "No Odoo 18.0 source. Set ODOO_SRC=/path/to/odoo (a checkout of branch 18.0), or put one at $ODOO_DEFAULT_SRC."
    fi
  fi
  export ODOO_SRC
  log "Odoo source: $ODOO_SRC"
}

# A virtualenv with Odoo's requirements (with the fixes Python 3.11 needs) and ours.
# Re-installs only when a requirements file changed (stamp = hash of the inputs).
ensure_venv() {
  local stamp want
  want=$(cat "$ODOO_SRC/requirements.txt" "$REPO/requirements.txt" "$REPO/scripts/constraints.txt" | sha1sum | cut -c1-16)
  stamp="$VENV/.sfcn-stamp"
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  log "Setting up the virtualenv in $VENV (Odoo requirements + ours)"
  [ -x "$VENV/bin/python" ] || "$PY_BIN" -m venv "$VENV"
  local odoo_req="$VENV/odoo-requirements.txt"
  # python-ldap needs system headers and is not used; psycopg2 2.9.5 builds from source, the binary wheel does not.
  grep -v -i '^python-ldap' "$ODOO_SRC/requirements.txt" \
    | sed -E 's/^psycopg2==([0-9.]+)/psycopg2-binary==\1/' > "$odoo_req"
  PIP_CONSTRAINT="$REPO/scripts/constraints.txt" "$VENV/bin/pip" install -q --disable-pip-version-check \
    -r "$odoo_req" -r "$REPO/requirements.txt" >&2
  echo "$want" > "$stamp"
}

# ---- PostgreSQL: a cluster the project owns, socket only -------------------------------
# As root, PostgreSQL refuses to run, so the cluster runs as the 'postgres' OS user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_pg_bin() {
  local d
  for d in "${PG_BIN:-}" /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
    [ -n "$d" ] && [ -x "$d/pg_ctl" ] && { PG_BIN="$d"; export PG_BIN; return 0; }
  done
  command -v pg_ctl >/dev/null && { PG_BIN="$(dirname "$(command -v pg_ctl)")"; export PG_BIN; return 0; }
  die "PostgreSQL server binaries (pg_ctl, initdb) not found. Install them (Debian: apt-get install postgresql) or set PG_BIN."
}

# Where the cluster lives: $SFCN_PGDATA, else .run/pgdata in the repo; as root, the 'postgres' user must
# be able to reach it, so a repo under a private folder (mktemp -d) falls back to /var/tmp.
pg_choose_dir() {
  local base="$1"
  if [ -n "${SFCN_PGDATA:-}" ]; then PGDATA_DIR="$SFCN_PGDATA"; return; fi
  PGDATA_DIR="$REPO/.run/$base"
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$REPO/.run"
    if ! runuser -u postgres -- test -x "$REPO/.run"; then
      PGDATA_DIR="/var/tmp/sales_funnel_cn-$(printf '%s' "$REPO" | sha1sum | cut -c1-10)/$base"
    fi
  fi
}

# pg_start <datadir>: initdb if new, start it (socket in the datadir, no TCP), create role 'odoo'.
pg_start() {
  find_pg_bin
  PGDATA_DIR="$1"
  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    log "Creating PostgreSQL cluster in $PGDATA_DIR"
    mkdir -p "$PGDATA_DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA_DIR" "$(dirname "$PGDATA_DIR")"
    chmod 700 "$PGDATA_DIR"
    as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  export PGHOST="$PGDATA_DIR" PGPORT="${SFCN_PGPORT:-5432}"
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -w -l "$PGDATA_DIR/server.log" \
      -o "-c listen_addresses='' -k $PGDATA_DIR -p $PGPORT -c fsync=${SFCN_PG_FSYNC:-on} -c max_connections=200" start >/dev/null \
      || { tail -20 "$PGDATA_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  as_pg "$PG_BIN/psql" -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -tAq -c \
    "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname='odoo') THEN CREATE ROLE odoo LOGIN CREATEDB; END IF; END\$\$;" >/dev/null
  export PGUSER=odoo
  log "PostgreSQL up (socket $PGHOST, port $PGPORT, role odoo)"
}

pg_stop() {
  [ -n "${PGDATA_DIR:-}" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null 2>&1 || true
}

# odoo_bin ARGS...: run odoo-bin on our cluster with our addons path (in the foreground).
# For a background server use: odoo_bin_cmd ARGS...; "${ODOO_CMD[@]}" &  (so $! is Odoo itself).
odoo_bin_cmd() {
  ODOO_CMD=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" --addons-path="$ODOO_SRC/addons,$REPO"
            --db_host="$PGHOST" --db_port="$PGPORT" --db_user=odoo "$@")
}
odoo_bin() {
  odoo_bin_cmd "$@"
  "${ODOO_CMD[@]}"
}

# http_up URL: true when something answers HTTP there.
http_up() {
  "$VENV/bin/python" -c 'import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=3)
except urllib.error.HTTPError:
    pass
except Exception:
    sys.exit(1)' "$1"
}

# A free TCP port on 127.0.0.1 (so several test runs can share a machine).
free_port() {
  "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
