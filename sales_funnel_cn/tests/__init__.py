from . import test_foundation
from . import test_i18n
from . import test_pool
from . import test_pool_tour
from . import test_ui
