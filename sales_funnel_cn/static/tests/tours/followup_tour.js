/** @odoo-module **/

import { registry } from "@web/core/registry";
import { logVisitSteps } from "@sales_funnel_cn/../tests/tours/tour_utils";

registry.category("web_tour.tours").add("sales_funnel_cn_followup_visit", {
    steps: () => [
        ...logVisitSteps({ channels: ["Visit", "拜访"], purpose: "确认上线计划", content: "客户同意下月试点" }),
        {
            trigger: ".o_main_navbar button:contains('Sales Funnel'), .o_main_navbar a:contains('Sales Funnel')",
            content: "Open the Sales Funnel menu",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains('Weekly Follow-up')",
            content: "Open the weekly follow-up list",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('SFCN 未跟进商机')",
            content: "The deal without a follow-up this week is listed",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('SFCN 拜访商机')))",
            content: "The visited deal is not",
        },
        {
            trigger: ".o_main_navbar button:contains('Reporting'), .o_main_navbar a:contains('Reporting')",
            content: "Open the reporting menu",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains('Communications')",
            content: "Open the communications report",
            run: "click",
        },
        {
            trigger: ".o_pivot_view",
            content: "The pivot per rep and grade",
        },
        {
            trigger: ".o_switch_view.o_list",
            content: "Drill down to the communications themselves",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('确认上线计划'):contains('客户同意下月试点')",
            content: "The visit is listed with its purpose and content",
        },
    ],
});
