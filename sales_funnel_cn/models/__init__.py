from . import crm_call_log
from . import crm_call_outcome
from . import crm_lead
from . import crm_lead_call
from . import crm_lead_grade
from . import crm_phone_suppression
from . import res_config_settings
from . import res_partner
