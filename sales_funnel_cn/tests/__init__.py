from . import test_customer_grade
from . import test_foundation
from . import test_i18n
from . import test_lead_qualification
from . import test_ui
