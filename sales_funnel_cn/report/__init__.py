from . import funnel_sheets
from . import funnel_workbook
