#!/usr/bin/env bash
# The linters: ruff (style, bugs, imports), pylint with pylint-odoo's Odoo checks, README.rst up to date with
# its readme/ fragments (gen_readme.py --check) and docs/ARCHITECTURE.md true to the code
# (check_architecture.py). Exit status: 0 when all pass. Prints which one failed.
source "$(dirname "$0")/lib.sh"
[ -n "${ODOO_SRC:-}" ] || resolve_odoo
ensure_venv
rc=0
log "Linters: ruff"
"$VENV/bin/ruff" check "$REPO" >&2 || { log "ruff failed"; rc=1; }
log "Linters: pylint-odoo"
PYTHONPATH="$ODOO_SRC" "$VENV/bin/pylint" --rcfile="$REPO/.pylintrc" \
  --disable=consider-merging-classes-inherited "$REPO/sales_funnel_cn" >&2 || { log "pylint-odoo failed"; rc=1; }
log "Checks: sales_funnel_cn/README.rst built from readme/"
"$VENV/bin/python" "$REPO/scripts/gen_readme.py" --check \
  || { log "README.rst is stale: run python3 scripts/gen_readme.py"; rc=1; }
log "Checks: docs/ARCHITECTURE.md lists every crm.lead/res.partner extension, create/write and raw SQL"
"$VENV/bin/python" "$REPO/scripts/check_architecture.py" || { log "architecture check failed"; rc=1; }
exit $rc
