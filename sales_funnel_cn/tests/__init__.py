from . import test_call_outcome
from . import test_customer_grade
from . import test_foundation
from . import test_funnel_export
from . import test_funnel_plan
from . import test_i18n
from . import test_lead_qualification
from . import test_ui
