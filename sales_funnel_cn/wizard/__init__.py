from . import crm_funnel_export_wizard
