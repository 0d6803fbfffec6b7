from . import crm_lead
from . import crm_lead_grade
from . import crm_lead_pool
from . import crm_pool
from . import crm_pool_grade_rule
from . import crm_pool_history
from . import res_config_settings
from . import res_users
