/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function tickInDialog(text) {
    return [
        {
            trigger: `.o_sfcn_gate_dialog tr:has(.o_sfcn_gate_item:contains('${text}')) input.o_sfcn_gate_tick`,
            content: `Tick ${text}`,
            run: "click",
        },
        {
            trigger: `.o_sfcn_gate_dialog tr:has(.o_sfcn_gate_item:contains('${text}')) input.o_sfcn_gate_tick:checked`,
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
            trigger: ".o_statusbar_status:contains('维护'):not(:contains('新建'))",
            content: "The status bar shows only the team's funnel",
        },
        {
            trigger: ".o_statusbar_status button:contains('方案')",
            content: "Try to move the deal to 方案: its entry checks are not ticked",
            run: "click",
        },
        {
            trigger: ".o_sfcn_gate_dialog .o_sfcn_gate_item:contains('方案逐一响应了客户需求的各个主要指标')",
            content: "The dialog lists the checks 方案 needs",
        },
        {
            trigger: ".o_sfcn_gate_dialog .o_sfcn_gate_confirm:disabled",
            content: "Block gate: the move waits for the missing checks",
        },
        ...tickInDialog("方案逐一响应了客户需求的各个主要指标"),
        ...tickInDialog("方案交流中职位对等、部门对应"),
        {
            trigger: ".o_sfcn_gate_dialog .o_sfcn_gate_still_missing:contains('已建立与客户各相关部门对接人的关系')",
            content: "It says exactly what is still missing",
        },
        ...tickInDialog("已建立与客户各相关部门对接人的关系"),
        {
            trigger: ".o_sfcn_gate_dialog tr:has(.o_sfcn_gate_item:contains('已建立与客户各相关部门对接人的关系')) input.o_sfcn_gate_note",
            content: "Note the evidence",
            run: "edit 周会纪要",
        },
        {
            trigger: ".o_sfcn_gate_dialog .o_sfcn_gate_confirm:enabled",
            content: "Save the answers and move",
            run: "click",
        },
        {
            trigger: "body:not(:has(.o_sfcn_gate_dialog))",
            content: "Dialog closed",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('方案')",
            content: "The deal is in 方案",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_set_won_rainbowman']",
            content: "Win the deal",
            run: "click",
        },
        {
            trigger: ".o_sfcn_gate_dialog .o_sfcn_gate_item:contains('合同已签订')",
            content: "Winning needs the won stage's check and those of the stages skipped",
        },
        {
            trigger: ".o_sfcn_gate_dialog:contains('维护')",
            content: "The won stage is named",
        },
        {
            trigger: ".o_sfcn_gate_dialog .o_sfcn_gate_item:contains('价格与付款方式已达成一致')",
            content: "The skipped stage's checks are listed",
        },
        {
            trigger: ".o_sfcn_gate_dialog",
            content: "Tick everything that holds",
            run() {
                for (const box of document.querySelectorAll(".o_sfcn_gate_dialog input.o_sfcn_gate_tick")) {
                    if (!box.checked) {
                        box.click();
                    }
                }
            },
        },
        {
            trigger: ".o_sfcn_gate_dialog .o_sfcn_gate_confirm:enabled",
            content: "Save and win",
            run: "click",
        },
        {
            trigger: "body:not(:has(.o_sfcn_gate_dialog))",
            content: "Dialog closed",
        },
        {
            trigger: ".modal .o_field_widget[name=won_reason_id] input",
            content: "The won review follows the checklist: the won reason",
            run: "edit 价格",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('价格与付款条件')",
            content: "Pick the won reason",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=close_summary] textarea",
            content: "Write the win summary",
            run: "edit 价格和付款方式打动了客户",
        },
        {
            trigger: ".modal button[name=action_apply]",
            content: "Mark as won",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "Review closed",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('维护')",
            content: "The deal is won",
        },
    ],
});
