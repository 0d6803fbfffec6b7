from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        res = super()._load_module_terms(modules, langs, overwrite=overwrite, imported_module=imported_module)
        if "sales_funnel_cn" in modules:
            self.env["crm.funnel.template"]._sfcn_sync_translations(langs)
        return res
