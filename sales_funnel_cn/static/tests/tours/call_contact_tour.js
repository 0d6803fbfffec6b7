/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_funnel_cn_call_contact", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('SFCN 回拨联系人') .o_data_cell[name='name']",
            content: "The contact due for a callback is in today's call list",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            content: "The contact is open",
            run: function () {
                if (document.querySelector(".o_sfcn_partner_do_not_call:not(.d-none)")) {
                    throw new Error("the do-not-call banner shows before the number is flagged");
                }
            },
        },
        {
            trigger: ".o_form_view button[name='action_log_call']",
            content: "Log a call",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='phone'] input",
            content: "The number is pre-filled",
            run: function () {
                if (!this.anchor.value.includes("6000")) {
                    throw new Error("number not pre-filled: " + this.anchor.value);
                }
            },
        },
        {
            trigger: ".modal .o_field_widget[name='outcome_id'] .o_radio_item:nth-child(9)",
            content: "All nine outcome codes are shown at once, each with its meaning",
        },
        {
            trigger: ".modal .o_field_widget[name='outcome_id'] .o_radio_item:has(label:contains('B/L · ')) input",
            content: "Pick the outcome B/L",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='purpose'] input",
            content: "Give the purpose of the call",
            run: "edit 回访",
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
            trigger: ".o_form_view .o_sfcn_partner_do_not_call:contains('+862160005555')",
            content: "The contact form warns not to call",
        },
    ],
});
