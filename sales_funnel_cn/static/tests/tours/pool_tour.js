/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_funnel_cn_pool", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Pool Tour A') td:contains('139****5678')",
            content: "Contact details are masked in the pool",
        },
        {
            trigger: ".o_data_row:contains('Pool Tour A') .o_list_record_selector input",
            content: "Select deal A",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains('Pool Tour B') .o_list_record_selector input",
            content: "Select deal B",
            run: "click",
        },
        {
            trigger: "button[name='action_pool_claim']",
            content: "Claim both",
            run: "click",
        },
        {
            trigger: ".modal:contains('Holding cap')",
            content: "The holding cap is hit: nothing claimed",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            content: "Close the error",
            run: "click",
        },
        {
            trigger: ".o_data_row td.o_data_cell:contains('Pool Tour A')",
            content: "Open deal A",
            run: "click",
        },
        {
            trigger: ".o_form_view.o_sfcn_pool_card .o_form_renderer.o_form_readonly",
            content: "A pooled deal opens as a read-only card",
        },
        {
            trigger: ".o_form_view.o_sfcn_pool_card:not(:has(button[name='action_set_won_rainbowman'])):not(:has(button[name='action_set_lost']))",
            content: "No Won / Lost / Convert buttons on a pooled deal",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_pool_claim'].btn-primary",
            content: "Claim is the obvious action: claim deal A",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Claimed'):contains('Pool Tour A')",
            content: "The claim is confirmed",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_pool_release']",
            content: "Deal A is mine: release it",
            run: "click",
        },
        {
            trigger: ".modal div[name='reason'] textarea",
            content: "Give the reason",
            run: "edit Customer went with a competitor",
        },
        {
            trigger: ".modal button[name='action_release']",
            content: "Release",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Released'):contains('Pool Tour A')",
            content: "The release is confirmed",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_pool_claim']",
            content: "Deal A is back in the pool",
        },
    ],
});
