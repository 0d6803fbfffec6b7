from . import crm_lead_force_stage
