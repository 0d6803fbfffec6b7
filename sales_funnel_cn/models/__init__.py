from . import crm_lead
from . import crm_lead_grade
from . import crm_lead_key_person
from . import crm_lead_qualification
from . import res_config_settings
from . import res_partner
