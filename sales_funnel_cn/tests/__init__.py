from . import test_call_outcome
from . import test_foundation
from . import test_i18n
from . import test_ui
