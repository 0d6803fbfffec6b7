from . import crm_lead, res_config_settings
