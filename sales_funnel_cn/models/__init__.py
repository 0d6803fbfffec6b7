from . import crm_call_log
from . import crm_call_outcome
from . import crm_funnel_plan
from . import crm_funnel_template
from . import crm_funnel_template_stage
from . import crm_lead
from . import crm_lead_call
from . import crm_lead_check
from . import crm_lead_check_log
from . import crm_lead_checklist
from . import crm_lead_demo
from . import crm_lead_grade
from . import crm_lead_install
from . import crm_lead_key_person
from . import crm_lead_pool
from . import crm_lead_qualification
from . import crm_lead_stage_history
from . import crm_phone_suppression
from . import crm_pool
from . import crm_pool_grade_rule
from . import crm_pool_history
from . import crm_stage
from . import crm_stage_check
from . import crm_team
from . import ir_module_module
from . import mail_activity
from . import mail_message
from . import res_config_settings
from . import res_partner
from . import res_users
from . import sfcn_access
from . import sfcn_masking

# isort: split
# Loaded last on purpose: the outermost layer of crm.lead's create and write, it sees what the client sent
# before the module's own code adds its system values (sfcn_access.SYSTEM_FIELDS).
from . import crm_lead_guard
