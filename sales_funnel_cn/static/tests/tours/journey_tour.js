/** @odoo-module **/

import { registry } from "@web/core/registry";

// The customer journey (issue 15): a lead from the live-streaming channel, scored into an MQL, handed off to a
// salesperson (SQL), refused conversion while its budget is unknown, then converted with the criterion met.
registry.category("web_tour.tours").add("sales_funnel_cn_journey", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook .nav-link[name='sfcn_lead_qualification']",
            content: "Open the lead's qualification tab",
            run: "click",
        },
        {
            trigger: ".o_form_view .tab-pane.active .o_field_widget[name='medium_id'] input",
            content: "The lead carries its channel",
            run: function () {
                if (this.anchor.value !== "Live Streaming") {
                    throw new Error("channel: " + this.anchor.value);
                }
            },
        },
        {
            trigger: ".o_form_view .tab-pane.active .o_field_widget[name='sfcn_score']:contains('60')",
            content: "Scored by the rules",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='sfcn_score_why']:contains('SFCN 旅程 规模')",
            content: "The score says why",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='sfcn_mql_date'] span:not(:empty)",
            content: "It is an MQL",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='user_id'] input",
            content: "Hand it off to a salesperson",
            run: "edit Mitchell Admin",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Mitchell Admin')",
            content: "Pick the salesperson",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            content: "Save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved .o_field_widget[name='sfcn_sql_date'] span:not(:empty)",
            content: "Handed off: SQL with its date",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Convert to Opportunity')",
            content: "Convert the lead",
            run: "click",
        },
        {
            trigger: ".modal button[name='action_apply']",
            content: "Create the opportunity",
            run: "click",
        },
        {
            trigger: ".modal .modal-body:contains('customer budget')",
            content: "Refused: the customer's budget is unknown",
        },
        {
            trigger: ".modal .modal-footer .btn-primary:contains('Close')",
            content: "Close the message",
            run: "click",
        },
        {
            trigger: ".modal .modal-footer button:contains('Cancel')",
            content: "Close the conversion dialog",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "No dialog left",
        },
        {
            trigger: ".o_form_view .tab-pane.active .o_field_widget[name='sfcn_budget'] input",
            content: "Enter the customer's budget",
            run: "edit 300000",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Convert to Opportunity')",
            content: "Convert again (the form saves the budget first)",
            run: "click",
        },
        {
            trigger: ".modal button[name='action_apply']",
            content: "Create the opportunity",
            run: "click",
        },
        {
            trigger: ".o_form_view:not(:has(.o_statusbar_buttons button:contains('Convert to Opportunity'))) .o_statusbar_status",
            content: "It is an opportunity now, in the pipeline",
        },
    ],
});
