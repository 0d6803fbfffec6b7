"""18.0.1.1.0, after the module's data loads: core's "Personal Leads" rule is crm's own again.

Version 18.0.1.0.0 rewrote its domain to hide pooled deals (and nothing put it back at uninstall); the
pool's visibility now lives in the module's own global rules (security/sales_funnel_security.xml).
"""
from odoo import SUPERUSER_ID
from odoo import api

# as crm ships it (crm/security/crm_security.xml); a migration step keeps its own copy of what it restores
CORE_PERSONAL_LEAD_DOMAIN = "['|',('user_id','=',user.id),('user_id','=',False)]"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref("crm.crm_rule_personal_lead", raise_if_not_found=False)
    if rule and "pool_id" in (rule.domain_force or ""):
        rule.domain_force = CORE_PERSONAL_LEAD_DOMAIN
