"""18.0.1.1.0, after the module's data loads: core's "Personal Leads" rule is crm's own again, and the
module's settings belong to each company.

Version 18.0.1.0.0 rewrote its domain to hide pooled deals (and nothing put it back at uninstall); the
pool's visibility now lives in the module's own global rules (security/sales_funnel_security.xml).
Its settings were database-wide system parameters (sales_funnel_cn.*): their values become every company's
(res.company fields) and the parameters go; run again, nothing is left to copy.
"""
from odoo import SUPERUSER_ID
from odoo import api

# as crm ships it (crm/security/crm_security.xml); a migration step keeps its own copy of what it restores
CORE_PERSONAL_LEAD_DOMAIN = "['|',('user_id','=',user.id),('user_id','=',False)]"

# system parameter of 18.0.1.0.0 -> res.company field of 18.0.1.1.0 (the cron cursor stays a parameter)
SETTING_PARAMS = {
    "sales_funnel_cn.default_stage_max_days": "sfcn_default_stage_max_days",
    "sales_funnel_cn.default_funnel_template_id": "sfcn_default_funnel_template_id",
    "sales_funnel_cn.call_daily_goal": "sfcn_call_daily_goal",
    "sales_funnel_cn.call_daily_conversion_goal": "sfcn_call_daily_conversion_goal",
    "sales_funnel_cn.grade_a_decision_days": "sfcn_grade_a_decision_days",
    "sales_funnel_cn.grade_b_decision_days": "sfcn_grade_b_decision_days",
    "sales_funnel_cn.grade_c_decision_days": "sfcn_grade_c_decision_days",
    "sales_funnel_cn.lead_important_revenue": "sfcn_lead_important_revenue",
    "sales_funnel_cn.lead_min_revenue": "sfcn_lead_min_revenue",
    "sales_funnel_cn.followup_clock": "sfcn_followup_clock",
    "sales_funnel_cn.checkin_max_km": "sfcn_checkin_max_km",
}


def settings_to_companies(env):
    """Every company gets the value of each old parameter still there; the parameters are then deleted."""
    Company = env["res.company"].with_context(active_test=False)
    params = env["ir.config_parameter"].search([("key", "in", list(SETTING_PARAMS))])
    vals = {}
    for param in params:
        name = SETTING_PARAMS[param.key]
        field = Company._fields[name]
        try:
            if field.type == "integer":
                vals[name] = int(param.value)
            elif field.type == "float":
                vals[name] = float(param.value)
            elif field.type == "many2one":
                vals[name] = env[field.comodel_name].browse(int(param.value)).exists().id
            elif param.value in dict(field.selection):
                vals[name] = param.value
        except ValueError:
            continue  # an unreadable old value: the companies keep the default
    if vals:
        Company.search([]).write(vals)
    params.unlink()


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref("crm.crm_rule_personal_lead", raise_if_not_found=False)
    if rule and "pool_id" in (rule.domain_force or ""):
        rule.domain_force = CORE_PERSONAL_LEAD_DOMAIN
    settings_to_companies(env)
