import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase
from odoo.tests import tagged
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Chinese users are the first audience: every term the module exports has a zh_CN translation,
    the shipped .pot lists every term (Odoo reads only the .po entries the .pot knows), and the
    translations are really served at run time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        i18n = get_module_path("sales_funnel_cn") + "/i18n/"
        cls.po = polib.pofile(i18n + "zh_CN.po")
        cls.pot = polib.pofile(i18n + "sales_funnel_cn.pot")
        cls.sources = {source for module, _t, _n, _r, source, _v, _c
                       in TranslationModuleReader(cls.env.cr, modules=["sales_funnel_cn"])
                       if module == "sales_funnel_cn"}

    def test_every_term_has_a_zh_cn_translation(self):
        translated = {entry.msgid for entry in self.po if entry.msgstr.strip()}
        self.assertTrue(self.sources, "the module exports terms")
        missing = sorted(self.sources - translated)
        self.assertFalse(missing, f"terms without a zh_CN translation (run scripts/i18n.sh): {missing}")

    def test_pot_is_up_to_date(self):
        stale = sorted(self.sources - {entry.msgid for entry in self.pot})
        self.assertFalse(stale, f"terms missing from sales_funnel_cn.pot (run scripts/i18n.sh): {stale}")

    def test_code_and_model_terms_are_served_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_funnel_cn"], ["zh_CN"], overwrite=True)
        zh_env = self.env(context=dict(self.env.context, lang="zh_CN"))
        source = "Only sales managers can lock or unlock deals against the public pool."
        self.assertNotEqual(zh_env._(source), source, "a Python (code) term is translated")
        self.assertEqual(zh_env._(source), self.po.find(source).msgstr)
        outcome = zh_env["ir.model.fields"]._get("crm.call.log", "outcome_id")
        english = outcome.with_context(lang="en_US").field_description
        self.assertEqual(outcome.field_description, self.po.find(english).msgstr)
