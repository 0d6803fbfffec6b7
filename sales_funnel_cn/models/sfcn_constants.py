"""Constants used by more than one file of the module (a constant used by one file stays in that file)."""

# amounts of the planner and the workbook are in 万 (ten thousand)
WAN = 10000.0

# core's "Personal Leads" rule as crm ships it (crm/security/crm_security.xml); version 18.0.1.0.0 of this
# module rewrote it, the 18.0.1.1.0 migration and the uninstall hook put it back
CORE_PERSONAL_LEAD_DOMAIN = "['|',('user_id','=',user.id),('user_id','=',False)]"

# system parameters of the batched crons' cursors (sfcn_batch.cron_sweep); the uninstall hook removes every
# parameter under PARAM_PREFIX
PARAM_PREFIX = "sales_funnel_cn."
RECOMPUTE_CURSOR_PARAM = PARAM_PREFIX + "recompute_cursor"
SCORE_CURSOR_PARAM = PARAM_PREFIX + "score_cursor"
# the reclaim cron's pass (crm_lead_pool_reclaim.py): "<last id>:<due at the start>:<returned so far>"
RECLAIM_CURSOR_PARAM = PARAM_PREFIX + "reclaim_cursor"
