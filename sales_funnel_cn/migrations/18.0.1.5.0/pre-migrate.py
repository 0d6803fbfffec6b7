"""18.0.1.5.0: the stage gate reads a deal's answers from ``crm_lead.sfcn_checks_done`` (a stored compute of its
checklist) and a stage move is recorded by a trigger on crm_lead (``crm.lead.stage.history.init`` creates it).
The column is created and filled here in one statement, so Odoo does not compute it deal by deal."""

from odoo.addons.sales_funnel_cn.models.crm_lead_stage_record import CHECKS_DONE_SQL
from odoo.tools.sql import column_exists
from odoo.tools.sql import create_column


def migrate(cr, version):
    if not version or column_exists(cr, "crm_lead", "sfcn_checks_done"):
        return
    create_column(cr, "crm_lead", "sfcn_checks_done", "varchar")
    cr.execute(CHECKS_DONE_SQL)
