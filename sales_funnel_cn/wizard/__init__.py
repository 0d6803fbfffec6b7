from . import crm_call_log_wizard
from . import crm_funnel_export_wizard
from . import crm_funnel_template_apply
from . import crm_lead_force_stage
from . import crm_lead_to_opportunity
from . import crm_pool_assign_wizard
from . import crm_pool_release_wizard
