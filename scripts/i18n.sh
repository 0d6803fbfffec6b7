#!/usr/bin/env bash
# Regenerate sales_funnel_cn/i18n/sales_funnel_cn.pot from a live install and merge it into zh_CN.po
# (existing translations kept, new terms added untranslated, obsolete ones dropped).
# Then fill the empty msgstr entries; the module's test suite fails while any is empty.
source "$(dirname "$0")/lib.sh"
resolve_odoo
ensure_venv
pg_choose_dir pgdata
pg_start "$PGDATA_DIR"
trap pg_stop EXIT
DB="${SFCN_I18N_DB:-sfcn_i18n}"
I18N="$REPO/sales_funnel_cn/i18n"
exists=$("$PG_BIN/psql" -h "$PGHOST" -p "$PGPORT" -U odoo -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'")
if [ "$exists" = 1 ]; then mode=-u; else mode=-i; fi
odoo_bin -d "$DB" "$mode" sales_funnel_cn --stop-after-init --max-cron-threads=0 --log-level=warn
odoo_bin -d "$DB" --i18n-export="$I18N/sales_funnel_cn.pot" --modules=sales_funnel_cn --stop-after-init --log-level=warn
"$VENV/bin/python" "$REPO/scripts/po_merge.py" "$I18N/sales_funnel_cn.pot" "$I18N/zh_CN.po"
