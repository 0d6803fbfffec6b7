/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function tick(text) {
    return [
        {
            trigger: `.o_field_widget[name='check_ids'] .o_data_row:contains('${text}') td[name='done'] input`,
            content: `Tick ${text}`,
            run: "click",
        },
        {
            trigger: `.o_field_widget[name='check_ids'] .o_data_row:contains('${text}') td[name='done'] input:checked`,
            content: `${text} is ticked`,
        },
    ];
}

registry.category("web_tour.tours").add("sales_funnel_cn_stage_gate", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            content: "Open the CRM app",
            run: "click",
        },
        {
            trigger: ".o_opportunity_kanban .o_kanban_record:contains('门禁巡检商机')",
            content: "Open the deal from the pipeline",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook a.nav-link[name='sales_funnel']",
            content: "Open the Sales Funnel tab",
            run: "click",
        },
        ...tick("需求真实存在"),
        ...tick("有与需求对应的资金预算"),
        {
            trigger: ".o_form_button_save",
            content: "Save the answers",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
            content: "Saved",
        },
        {
            trigger: ".o_statusbar_status button:contains('方案')",
            content: "Try to move the deal to 方案 with one check missing",
            run: "click",
        },
        {
            trigger: ".modal:contains('需求实现已有明确的时间表')",
            content: "The error names the missing check",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            content: "Close the error",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "Dialog closed",
        },
        {
            trigger: ".o_form_button_cancel",
            content: "Discard the refused move",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('意向')",
            content: "Still in 意向",
        },
        ...tick("需求实现已有明确的时间表"),
        {
            trigger: ".o_form_button_save",
            content: "Save the last answer",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
            content: "Saved",
        },
        {
            trigger: ".o_statusbar_status button:contains('方案')",
            content: "Move the deal to 方案",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('方案')",
            content: "The deal is in 方案",
        },
        {
            trigger: ".o_form_view:not(.o_form_dirty):not(:has(.o_form_dirty)) .o_form_saved",
            content: "The move is saved",
        },
    ],
});
