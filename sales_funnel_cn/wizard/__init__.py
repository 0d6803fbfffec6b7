from . import crm_call_log_wizard
from . import crm_funnel_export_wizard
from . import crm_lead_force_stage
