/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_funnel_cn_call_wn", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name='name']:contains('SFCN 外呼 A'), .o_form_view .o_field_widget[name='name'] textarea",
            content: "The first lead is open",
        },
        {
            trigger: ".o_form_view button.o_sfcn_log_call",
            content: "Log a call",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='phone'] input",
            content: "The number is pre-filled",
            run: function () {
                if (!this.anchor.value.includes("138")) {
                    throw new Error("number not pre-filled: " + this.anchor.value);
                }
            },
        },
        {
            trigger: ".modal .o_field_widget[name='outcome_id'] .o_radio_item:nth-child(9)",
            content: "All nine outcome codes are shown at once, each with its meaning",
        },
        {
            trigger: ".modal .o_field_widget[name='outcome_id'] .o_radio_item:has(label:contains('W/N · ')) input",
            content: "Pick the outcome W/N",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='purpose'] input",
            content: "Give the purpose of the call",
            run: "edit 核实号码",
        },
        {
            trigger: ".modal button[name='action_log']",
            content: "Log it",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "The dialog is closed",
        },
        {
            trigger: ".o_breadcrumb .breadcrumb-item a",
            content: "Back to the pipeline",
            run: "click",
        },
        {
            trigger: ".o_opportunity_kanban .o_kanban_record:contains('SFCN 外呼 B')",
            content: "Open the other lead sharing the number",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_sfcn_do_not_call:contains('+8613800138000'):contains('W/N')",
            content: "The number is flagged on the other lead too",
        },
    ],
});
