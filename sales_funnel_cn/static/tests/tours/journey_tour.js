/** @odoo-module **/

import { registry } from "@web/core/registry";

// The customer journey (issue 15): a lead from the live-streaming channel, scored into an MQL, handed off to a
// salesperson (SQL), refused conversion while its budget is unknown, then converted with the criterion met, won
// (after-sale checklist), and the new customer refers a lead of its own (裂变).
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
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_set_won_rainbowman']",
            content: "Win the deal",
            run: "click",
        },
        {
            trigger: ".o_form_view .ribbon:contains('Won')",
            content: "The deal is won",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link[name='sfcn_aftersale']",
            content: "Open the after-sale tab",
            run: "click",
        },
        {
            trigger: ".o_form_view .tab-pane.active .o_field_widget[name='aftersale_ids'] .o_data_row:contains('Quotation Confirmed')",
            content: "The after-sale checklist (转化客户) starts with the quotation confirmation",
            run: function () {
                const rows = document.querySelectorAll(".o_form_view .tab-pane.active .o_field_widget[name='aftersale_ids'] .o_data_row");
                if (rows.length !== 7) {
                    throw new Error("after-sale steps: " + rows.length);
                }
            },
        },
        {
            // the internal link shows on hover only
            trigger: ".o_form_view .o_field_widget[name='partner_id'] .o_external_button:not(:visible)",
            content: "Open the new customer",
            run: function () {
                this.anchor.click();
            },
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link[name='sfcn_referrals']",
            content: "The customer's referrals",
            run: "click",
        },
        {
            trigger: ".o_form_view .tab-pane.active .o_field_widget[name='sfcn_referral_count']:contains('0')",
            content: "No referral yet",
        },
        {
            trigger: ".o_form_view .tab-pane.active button[name='action_sfcn_referral_leads']",
            content: "The leads it referred",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_list_button_add, .o_control_panel .o_list_button_add",
            content: "A new lead referred by this customer",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link[name='sfcn_lead_qualification']",
            content: "The new lead's qualification tab",
            run: "click",
        },
        {
            trigger: ".o_form_view .tab-pane.active .o_field_widget[name='sfcn_referred_by_id'] input",
            content: "Referred by the customer",
            run: function () {
                if (!this.anchor.value.includes("SFCN 旅程客户")) {
                    throw new Error("referred by: " + this.anchor.value);
                }
            },
        },
        {
            trigger: ".o_form_view .o_field_widget[name='name'] textarea",
            content: "Name the referred lead",
            run: "edit SFCN 转介绍：老客户推荐的新项目",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            content: "Save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved .tab-pane.active .o_field_widget[name='medium_id'] input",
            content: "Saved, through the referral channel",
            run: function () {
                if (this.anchor.value !== "Customer Referral") {
                    throw new Error("channel: " + this.anchor.value);
                }
            },
        },
        {
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('SFCN 旅程客户')",
            content: "Back to the customer",
            run: "click",
        },
        {
            trigger: ".o_form_view .tab-pane.active .o_field_widget[name='sfcn_referral_count']:contains('1')",
            content: "The customer has one referral",
        },
    ],
});
