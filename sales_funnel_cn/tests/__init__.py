from . import test_foundation
from . import test_i18n
from . import test_stage_gate
from . import test_stage_gate_ui
from . import test_ui
