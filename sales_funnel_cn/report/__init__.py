from . import communication_sheet
from . import crm_call_report
from . import crm_communication_report
from . import crm_customer_level_report
from . import crm_lead_funnel_report
from . import funnel_export
from . import funnel_sheets
from . import funnel_workbook
