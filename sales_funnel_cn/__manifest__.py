{
    "name": "Sales Funnel CN",
    "summary": "销售漏斗: qualifying checklists per stage, key persons and A/B/C/D grades, "
    "call outcomes, public pool and Excel funnel reports for Chinese B2B teams",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/sales-funnel-cn/sales_funnel_cn",
    "author": "sales_funnel_cn developers",
    "license": "LGPL-3",
    "depends": ["crm", "mail"],
    "external_dependencies": {"python": ["xlsxwriter", "phonenumbers"]},
    "data": [
        "security/sales_funnel_security.xml",
        "security/ir.model.access.csv",
        "data/crm_pool_data.xml",
        "views/crm_lead_views.xml",
        "views/crm_pool_views.xml",
        "views/crm_lead_pool_views.xml",
        "wizard/crm_pool_wizard_views.xml",
        "views/res_config_settings_views.xml",
        "views/sales_funnel_menus.xml",
    ],
    "demo": [
        "demo/crm_lead_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sales_funnel_cn/static/tests/tours/**/*",
        ],
    },
}
