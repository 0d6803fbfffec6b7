from . import test_foundation, test_i18n, test_ui
