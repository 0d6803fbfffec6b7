"""18.0.1.1.0, before the module's models load: call logs get a company (multi-company record rules).

The column is created and filled here, in one statement, from the deal called about, else the salesperson's
company: the ORM would otherwise compute it call by call.
"""
from odoo.tools.sql import column_exists
from odoo.tools.sql import create_column


def migrate(cr, version):
    if not version or column_exists(cr, "crm_call_log", "company_id"):
        return
    create_column(cr, "crm_call_log", "company_id", "int4")
    cr.execute("""
        UPDATE crm_call_log c
           SET company_id = COALESCE(l.company_id, u.company_id)
          FROM crm_call_log c2
     LEFT JOIN crm_lead l ON l.id = c2.lead_id
     LEFT JOIN res_users u ON u.id = c2.user_id
         WHERE c2.id = c.id""")
