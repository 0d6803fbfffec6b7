import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase
from odoo.tests import tagged
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Chinese users are the first audience: every term the module exports has a zh_CN translation."""

    def test_every_term_has_a_zh_cn_translation(self):
        po = polib.pofile(get_module_path("sales_funnel_cn") + "/i18n/zh_CN.po")
        translated = {entry.msgid for entry in po if entry.msgstr.strip()}
        sources = {source for module, _t, _n, _r, source, _v, _c
                   in TranslationModuleReader(self.env.cr, modules=["sales_funnel_cn"])
                   if module == "sales_funnel_cn"}
        self.assertTrue(sources, "the module exports terms")
        missing = sorted(sources - translated)
        self.assertFalse(missing, "terms without a zh_CN translation (run scripts/i18n.sh): %s" % missing)
