from . import crm_call_log_wizard
from . import crm_funnel_export_wizard
from . import crm_lead_force_stage
from . import crm_lead_lost
from . import crm_lead_won
from . import crm_pool_assign_wizard
from . import crm_pool_release_wizard
