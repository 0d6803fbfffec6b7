from . import crm_funnel_plan
from . import crm_lead
from . import crm_lead_grade
from . import res_config_settings
