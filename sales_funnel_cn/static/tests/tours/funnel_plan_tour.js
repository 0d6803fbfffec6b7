/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_funnel_cn_funnel_plan", {
    url: "/odoo/action-sales_funnel_cn.crm_funnel_plan_action",
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains('SFCN 平衡计划')",
            content: "Open the funnel-balance plan",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='contracts_needed']:contains('100.0')",
            content: "300 万 / 3 万 = 100 contracts",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='customers_needed_year']:contains('1,000.0')",
            content: "100 / 10% = 1,000 target customers per year",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='customers_needed_month']:contains('83.3')",
            content: "1,000 / 12 = 83.3 per month",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='target_amount'] input",
            content: "Double the target",
            run: "edit 600",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='sales_cycle_days'] input",
            content: "Leave the target field",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='customers_needed_month']:contains('166.7')",
            content: "The needs recompute on the form",
        },
        {
            trigger: ".o_form_view .o_funnel_warning:contains('too thin')",
            content: "An empty funnel is too thin for the target",
        },
        {
            trigger: ".o_form_button_save",
            content: "Save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
            content: "Saved",
        },
    ],
});
