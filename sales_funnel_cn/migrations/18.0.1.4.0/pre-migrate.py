"""18.0.1.4.0: the reclaim walks the due deals in (return date, id) order, along one index on both columns
(``sales_funnel_cn_date_reclaim_index``, created by ``crm.lead.init``). The single-column index Odoo made for
``date_reclaim`` until now serves nothing the new one does not: dropped here, since Odoo keeps an index a field
no longer declares. A reclaim cursor an older version wrote is read as "no cursor" (a new pass)."""

from odoo.tools.sql import make_index_name


def migrate(cr, version):
    if not version:
        return
    cr.execute(f'DROP INDEX IF EXISTS "{make_index_name("crm_lead", "date_reclaim")}"')
