/** @odoo-module **/
/* One tour per role on the demo data, walking the README's "What the module does" table:
 * rep (zhangwei), manager (liuqiang), admin. Selectors use xmlids and field names, not labels (the demo's
 * Chinese data names and a few labels given in both languages), so the tours pass in English and Chinese.
 * tests/test_role_tours.py re-reads the database afterwards: each step's effect on the server. */

import { registry } from "@web/core/registry";
import { formatDate } from "@web/core/l10n/dates";
import { logVisitSteps, menu } from "@sales_funnel_cn/../tests/tours/tour_utils";

const { DateTime } = luxon;

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
        // Structured follow-up (capability 5): a visit with check-in (签到)
        ...logVisitSteps({ channels: ["Visit", "拜访"], purpose: "现场拜访：确认上线计划", content: "客户同意下月试点" }),
        // Weekly rhythm: the deals not yet followed up this week
        ...menu(FUNNEL, "sales_funnel_cn.menu_sales_funnel_weekly_followup"),
        {
            trigger: ".o_list_view .o_data_row td[name='pool_days_left']",
            content: "Deals not followed up this week, with the days before the pool",
        },
        {
            trigger: ".o_list_view:has(td[name='pool_days_left']):not(:has(.o_data_row:contains('宁波海通 - CRM 系统')))",
            content: "The deal just visited is not on the list",
        },
        // Requirement 3: which communications, not only how many
        ...menu("crm.crm_menu_report", "sales_funnel_cn.menu_sales_funnel_communications"),
        {
            trigger: ".o_pivot_view .o_pivot_cell_value",
            content: "Communications per rep, grade and stage",
        },
        {
            trigger: ".o_control_panel .o_switch_view.o_list",
            content: "Drill down to the communications themselves",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('现场拜访：确认上线计划'):contains('客户同意下月试点')",
            content: "The visit with its purpose and content",
        },
        // Win/loss review: a lost deal says why
        ...menu("crm.crm_menu_sales", "crm.menu_crm_opportunities"),
        {
            trigger: ".o_opportunity_kanban .o_kanban_record:contains('嘉兴锦程 - 企业网盘')",
            content: "Open a deal to close as lost",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[data-hotkey='l']",
            content: "Lost",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='lost_reason_id'] input",
            content: "The lost reasons",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='lost_reason_id'] .o-autocomplete--dropdown-item a:contains('Bought another'), .modal .o_field_widget[name='lost_reason_id'] .o-autocomplete--dropdown-item a:contains('购买了其他企业')",
            content: "The seed's 放弃客户 reason: bought another company's product",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='lost_feedback'] .odoo-editor-editable",
            content: "The loss summary (丢单总结)",
            run: "editor 客户选择了本地厂商，价格低两成",
        },
        {
            trigger: ".modal button[name='action_lost_reason_apply']",
            content: "Mark as lost",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view .o_statusbar_buttons button[name='toggle_active']",
            content: "The deal is lost (it can be restored)",
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
        // Stale deals (停滞商机) of the whole team: the pipeline's filter
        {
            trigger: ".o_control_panel .o_searchview_facet .o_facet_remove",
            content: "Not only my own deals",
            run: "click",
        },
        {
            trigger: ".o_control_panel:not(:has(.o_searchview_facet)) .o_searchview_dropdown_toggler",
            content: "The filters",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .o_menu_item:contains('停滞商机')",
            content: "Stale deals",
            run: "click",
        },
        {
            trigger: ".o_opportunity_kanban .o_kanban_record:contains('扬州金鼎 - 智能仓储方案') .badge.text-bg-danger",
            content: "A rep's stale deal, with its badge: open it",
            run: "click",
        },
        // Pause it (暂缓): not stale while paused
        {
            trigger: ".o_form_view .o_notebook a.nav-link[name='sales_funnel']",
            content: "Sales Funnel tab",
            run: "click",
        },
        {
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name='pause_until'] input",
            content: "Paused until in two weeks",
            run: `edit ${formatDate(DateTime.now().plus({ days: 14 }))}`,
        },
        {
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name='pause_reason'] input",
            content: "Why",
            run: "edit 客户年底封账，一月再推进",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            content: "Save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved .o_notebook .tab-pane.active .alert-info",
            content: "This deal is paused",
        },
        // Grade override, with a reason
        {
            trigger: ".o_form_view .o_notebook a.nav-link[name='sfcn_key_persons']",
            content: "Key Persons tab",
            run: "click",
        },
        {
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name='customer_grade_override'] select",
            content: "Override the grade: A",
            run: 'select "A"',
        },
        {
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name='customer_grade_override_reason'] input",
            content: "The reason",
            run: "edit 总经理已口头承诺本月签约",
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
        // Force a stage past the checklist, with a reason
        {
            trigger: ".o_form_view .o_notebook a.nav-link[name='sales_funnel']",
            content: "Sales Funnel tab",
            run: "click",
        },
        {
            trigger: ".o_notebook .tab-pane.active button[name='action_sfcn_force_stage']",
            content: "Force Stage",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='stage_id'] input",
            content: "The stages of the deal's own funnel",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='stage_id'] .o-autocomplete--dropdown-item:first-child a:contains('10%')",
            content: "The team's funnel starts the list (no stage of another pipeline)",
        },
        {
            trigger: ".modal .o_field_widget[name='stage_id'] .o-autocomplete--dropdown-item a:contains('90%')",
            content: "Pick 90%",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            content: "The reason",
            run: "edit 客户已确认合同条款，待盖章",
        },
        {
            trigger: ".modal button[name='action_force']",
            content: "Force it",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('90%')",
            content: "The deal is at 90%",
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
            content: "Export the workbook",
            run: "click",
        },
        {
            trigger: ".modal button[name='action_export']:not([disabled])",
            content: "The workbook is built and the browser sent to its download (buttons enabled again)",
        },
        {
            trigger: ".modal .modal-footer button[special='cancel']",
            content: "Close the dialog",
            run: "click",
        },
        // Customer levels (销售漏斗的层次): the history of each company's level, and the time between levels
        ...menu(FUNNEL, "sales_funnel_cn.menu_sales_funnel_level_history"),
        {
            trigger: ".o_list_view .o_data_row td[name='level_to']",
            content: "Customer level changes with their dates",
        },
        ...menu("crm.crm_menu_report", "sales_funnel_cn.menu_sales_funnel_level_report"),
        {
            trigger: ".o_pivot_view .o_pivot_cell_value",
            content: "Time between customer levels",
        },
        // Win/loss review: reasons by stage
        ...menu("crm.crm_menu_report", "sales_funnel_cn.menu_sales_funnel_win_loss"),
        {
            trigger: ".o_pivot_view .o_pivot_cell_value",
            content: "Win/loss reasons by stage",
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
