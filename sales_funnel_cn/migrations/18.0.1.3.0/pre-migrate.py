"""18.0.1.3.0: fewer indexes on the tables a stage move and a reclaim write.

Every update of a deal that changes an indexed column (a stage move, a reclaim) writes a new entry into every
index of ``crm_lead``. The module's indexes on columns of a few values (grade, temperature, class, score,
hand-off flag) served no query a sequential or a more selective index does not serve better, and the date
columns that most deals leave empty are now indexed where they are set (``btree_not_null``). The stage history
and checklist rows, inserted on every stage move, keep the indexes their reads use (the deal, the date, the
checklist item; the deal's checklist rows are found through their unique (deal, item) index).

Odoo creates a field's missing index but keeps an existing one ("Keep unexpected index"): the indexes whose
definition changed are dropped here, before the update, and Odoo creates the new partial ones after it."""

from odoo.tools.sql import make_index_name

# (table, column, what the field now declares: None = no index, "btree_not_null" = partial)
CHANGED = [
    ("crm_lead", "date_last_followup", None),
    ("crm_lead", "customer_grade", None),
    ("crm_lead", "customer_grade_computed", None),
    ("crm_lead", "temperature", None),
    ("crm_lead", "lead_class", None),
    ("crm_lead", "sfcn_score", None),
    ("crm_lead", "sfcn_handoff_late", None),
    ("crm_lead", "call_status", "btree_not_null"),
    ("crm_lead", "date_pooled", "btree_not_null"),
    ("crm_lead", "date_reclaim", "btree_not_null"),
    ("crm_lead", "date_reclaim_warning", "btree_not_null"),
    ("crm_lead", "sfcn_mql_date", "btree_not_null"),
    ("crm_lead", "call_next_date", "btree_not_null"),
    ("crm_lead", "call_last_date", "btree_not_null"),
    ("res_partner", "call_next_date", "btree_not_null"),
    ("res_partner", "call_last_date", "btree_not_null"),
    ("crm_lead_stage_history", "team_id", None),
    ("crm_lead_stage_history", "stage_from_id", None),
    ("crm_lead_stage_history", "stage_to_id", None),
    ("crm_lead_check", "lead_id", None),
    ("crm_lead_check", "stage_id", None),
]


def migrate(cr, version):
    if not version:
        return
    for table, column, kind in CHANGED:
        name = make_index_name(table, column)
        cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s AND tablename = %s", [name, table])
        row = cr.fetchone()
        if row and (kind is None or " WHERE " not in row[0]):
            cr.execute(f'DROP INDEX "{name}"')
