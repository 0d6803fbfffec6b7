/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("sales_funnel_cn_open_deal", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            content: "Open the CRM app",
            run: "click",
        },
        {
            trigger: ".o_opportunity_kanban .o_kanban_record:contains('SFCN 巡检商机')",
            content: "Open the opportunity from the pipeline",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook a.nav-link[name='sales_funnel']",
            content: "Open the Sales Funnel tab",
            run: "click",
        },
        {
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name='days_in_stage']:contains('6')",
            content: "Days in stage are shown",
        },
    ],
});
