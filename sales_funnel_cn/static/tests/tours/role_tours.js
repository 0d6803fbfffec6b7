/** @odoo-module **/
/* One tour per role on the demo data, walking the README's "What the module does" table:
 * rep (zhangwei), manager (liuqiang), admin. Selectors use xmlids and field names, not labels, so the
 * tours pass in any language. */

import { registry } from "@web/core/registry";

function menu(section, item) {
    return [
        {
            trigger: `.o_main_navbar button[data-menu-xmlid='${section}']`,
            content: `Open the ${section} menu`,
            run: "click",
        },
        {
            trigger: `.dropdown-menu a[data-menu-xmlid='${item}']`,
            content: `Open ${item}`,
            run: "click",
        },
    ];
}

const FUNNEL = "sales_funnel_cn.menu_sales_funnel_root";

registry.category("web_tour.tours").add("sales_funnel_cn_role_rep", {
    steps: () => [
        {
            trigger: ".o_main_navbar .o_menu_brand[data-menu-xmlid='crm.crm_menu_root']",
            content: "A sales rep lands in CRM, not in Discuss",
        },
        {
            trigger: ".o_opportunity_kanban .o_kanban_record",
            content: "The pipeline",
        },
        {
            trigger: ".o_kanban_record .o_sfcn_kanban_log_call[data-tooltip] i.fa-volume-control-phone",
            content: "The card's log-call icon has a tooltip and its own icon",
        },
        {
            trigger: ".o_opportunity_kanban .o_kanban_record:contains('宁波海通 - CRM 系统')",
            content: "Open a deal",
            run: "click",
        },
        // Stage checklists, days in stage (capability 1)
        {
            trigger: ".o_form_view .o_notebook a.nav-link[name='sales_funnel']",
            content: "Sales Funnel tab",
            run: "click",
        },
        {
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name='days_in_stage']",
            content: "Days in stage are shown",
        },
        // Key persons and grade (capability 2): the attitude is editable in the list
        {
            trigger: ".o_form_view .o_notebook a.nav-link[name='sfcn_key_persons']",
            content: "Key Persons tab",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='key_person_ids'] .o_data_row:first td[name='attitude']",
            content: "Edit the attitude of the first key person",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='key_person_ids'] .o_data_row.o_selected_row td[name='attitude'] select",
            content: "The attitude is a dropdown, not a read-only badge: set 支持",
            run: 'select "support"',
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            content: "Save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
            content: "Saved",
        },
        // Call outcomes (capability 3)
        {
            trigger: ".o_form_view button.o_sfcn_log_call",
            content: "Log a call",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='goal_calls']:contains('60')",
            content: "The daily goal is shown (60), not 0",
        },
        {
            trigger: ".modal .o_field_widget[name='outcome_id'] .o_radio_item:nth-child(9)",
            content: "The nine outcome codes at once",
        },
        {
            trigger: ".modal .o_field_widget[name='outcome_id'] .o_radio_item:has(label:contains('C · ')) input",
            content: "Pick C (target customer)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='purpose'] input",
            content: "Purpose of the call",
            run: "edit 巡检：确认采购计划",
        },
        {
            trigger: ".modal button[name='action_log']",
            content: "Log it",
            run: "click",
        },
        {
            trigger: ".o-mail-Message:contains('巡检：确认采购计划')",
            content: "The call is a line in the deal's chatter",
        },
        // 今日外呼: a number in every row
        ...menu(FUNNEL, "sales_funnel_cn.menu_sales_funnel_call_today"),
        {
            trigger: ".o_list_view .o_data_row td[name='call_phone']:not(:empty)",
            content: "Today's calls show the number to call",
        },
        // Public pool (capability 4)
        ...menu(FUNNEL, "sales_funnel_cn.menu_sales_funnel_pool"),
        {
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains('无锡恒通')",
            content: "Chinese leads in the pool: open one",
            run: "click",
        },
        {
            trigger: ".o_form_view.o_sfcn_pool_card .o_form_renderer.o_form_readonly",
            content: "A read-only card",
        },
        {
            trigger: ".o_form_view button[name='action_pool_claim'].btn-primary",
            content: "Claim it",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('无锡恒通')",
            content: "Claimed: a success message",
        },
        ...menu(FUNNEL, "sales_funnel_cn.menu_sales_funnel_pool_mine"),
        {
            trigger: ".o_list_view .o_data_row",
            content: "Deals about to return to the pool (即将退回公海)",
        },
    ],
});

registry.category("web_tour.tours").add("sales_funnel_cn_role_manager", {
    steps: () => [
        {
            trigger: ".o_opportunity_kanban .o_kanban_record",
            content: "The manager lands in the CRM pipeline",
        },
        // Public pool: the reclaim preview lists the overdue deals
        ...menu(FUNNEL, "sales_funnel_cn.menu_sales_funnel_pool_preview"),
        {
            trigger: ".o_list_view .o_data_row",
            content: "The reclaim preview is not empty",
        },
        // Stage history, time in stage
        ...menu(FUNNEL, "sales_funnel_cn.menu_sales_funnel_stage_history"),
        {
            trigger: ".o_pivot_view .o_pivot_cell_value",
            content: "Time in stage from the stage history of the last months",
        },
        // Funnel report: no meaningless overall conversion in the total row
        ...menu("crm.crm_menu_report", "sales_funnel_cn.menu_crm_funnel_report"),
        {
            trigger: ".o_pivot_view .o_pivot_cell_value",
            content: "The funnel pivot",
        },
        // Call rates: a non-stacked graph
        ...menu("crm.crm_menu_report", "sales_funnel_cn.menu_sales_funnel_call_rates"),
        {
            trigger: ".o_pivot_view .o_pivot_cell_value",
            content: "Call rates per rep",
        },
        {
            trigger: ".o_control_panel .o_switch_view.o_graph",
            content: "The graph",
            run: "click",
        },
        {
            trigger: ".o_graph_view canvas",
            content: "The rates graph is drawn",
        },
        // Funnel-balance planner and Excel (capability 5)
        ...menu(FUNNEL, "sales_funnel_cn.menu_crm_funnel_plan"),
        {
            trigger: ".o_list_view .o_data_row td[name='year']:not(:contains(','))",
            content: "The year reads 2026, not 2,026",
        },
        {
            trigger: ".o_list_view .o_data_row td.o_data_cell[name='team_id']",
            content: "Open the team's plan",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='won_amount']:not(:contains('0.00'))",
            content: "Won this year is not 0: the demo's won deals count",
        },
        ...menu(FUNNEL, "sales_funnel_cn.menu_crm_funnel_export"),
        {
            trigger: ".modal button[name='action_export']",
            content: "The Excel export dialog",
        },
        {
            trigger: ".modal .modal-footer button.btn-secondary, .modal .btn-close",
            content: "Close it",
            run: "click",
        },
        // Stages editable without developer mode
        ...menu(FUNNEL, "sales_funnel_cn.menu_sales_funnel_stages"),
        {
            trigger: ".o_list_view .o_data_row",
            content: "Stages and their checks, without developer mode",
        },
    ],
});

registry.category("web_tour.tours").add("sales_funnel_cn_role_admin", {
    steps: () => [
        {
            trigger: ".o_opportunity_kanban .o_kanban_record",
            content: "The admin lands in the CRM pipeline",
        },
        ...menu(FUNNEL, "sales_funnel_cn.menu_sales_funnel_settings"),
        {
            trigger: ".o_field_widget[name='sfcn_call_daily_goal'] input",
            content: "The daily call goal in the settings",
        },
        ...menu(FUNNEL, "sales_funnel_cn.menu_sales_funnel_templates"),
        {
            trigger: ".o_list_view .o_data_row",
            content: "The funnel templates",
        },
        ...menu(FUNNEL, "sales_funnel_cn.menu_sales_funnel_pool_config"),
        {
            trigger: ".o_list_view .o_data_row",
            content: "The pool rules",
        },
        ...menu("crm.crm_menu_config", "sales_funnel_cn.menu_sales_funnel_call_outcomes"),
        {
            trigger: ".o_list_view .o_data_row:nth-child(9)",
            content: "The nine call outcome codes",
        },
    ],
});
