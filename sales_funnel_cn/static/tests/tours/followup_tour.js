/** @odoo-module **/

import { registry } from "@web/core/registry";

// In the test page only: the browser "grants" the location (a headless Chromium has no position to give).
function mockGeolocation() {
    const position = { coords: { latitude: 31.299, longitude: 120.585, accuracy: 12 }, timestamp: Date.now() };
    Object.defineProperty(navigator.geolocation, "getCurrentPosition", {
        configurable: true,
        value: (success) => success(position),
    });
}

registry.category("web_tour.tours").add("sales_funnel_cn_followup_visit", {
    steps: () => [
        {
            trigger: ".o_form_view button.o_sfcn_log_followup",
            content: "Log a follow-up on the deal",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='channel_id'] input",
            content: "The channel: a visit",
            run: "edit Visit",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Visit')",
            content: "Select Visit",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='purpose'] input",
            content: "The purpose of the visit",
            run: "edit 确认上线计划",
        },
        {
            trigger: ".modal .o_field_widget[name='content'] textarea",
            content: "What was discussed",
            run: "edit 客户同意下月试点",
        },
        {
            trigger: ".modal button.o_sfcn_checkin",
            content: "Check in with the device's location",
            run: function () {
                mockGeolocation();
                this.anchor.click();
            },
        },
        {
            trigger: ".modal .o_field_widget[name='checkin_date']:not(:empty)",
            content: "The check-in is shown on the record",
        },
        {
            trigger: ".modal .o_form_button_save",
            content: "Save the follow-up",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "The dialog is closed",
        },
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
