#!/usr/bin/env bash
# The linters: ruff (style, bugs, imports) and pylint with pylint-odoo's Odoo checks.
# Exit status: 0 when both pass. Prints which one failed.
source "$(dirname "$0")/lib.sh"
[ -n "${ODOO_SRC:-}" ] || resolve_odoo
ensure_venv
rc=0
log "Linters: ruff"
"$VENV/bin/ruff" check "$REPO" >&2 || { log "ruff failed"; rc=1; }
log "Linters: pylint-odoo"
PYTHONPATH="$ODOO_SRC" "$VENV/bin/pylint" --rcfile="$REPO/.pylintrc" \
  --disable=consider-merging-classes-inherited "$REPO/sales_funnel_cn" >&2 || { log "pylint-odoo failed"; rc=1; }
exit $rc
