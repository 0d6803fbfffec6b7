/** @odoo-module **/

import { registry } from "@web/core/registry";

const KP = ".o_field_widget[name='key_person_ids']";
const ROW = `${KP} .o_data_row.o_selected_row`;

function addKeyPerson(name, roleLabel, { create = false, won = false } = {}) {
    const steps = [
        {
            trigger: `${KP} .o_field_x2many_list_row_add a`,
            content: "Add a key person",
            run: "click",
        },
        {
            trigger: `${ROW} .o_field_widget[name='partner_id'] input`,
            content: `Type the contact ${name}`,
            run: `edit ${name}`,
        },
        create
            ? {
                  trigger: ".o-autocomplete--dropdown-item.o_m2o_dropdown_option_create a",
                  content: `Create ${name} inline`,
                  run: "click",
              }
            : {
                  trigger: `.o-autocomplete--dropdown-item a:contains('${name}')`,
                  content: `Pick ${name}`,
                  run: "click",
              },
    ];
    if (roleLabel) {
        steps.push({
            trigger: `${ROW} .o_field_widget[name='role'] select`,
            content: `Role ${roleLabel}`,
            run: `selectByLabel ${roleLabel}`,
        });
    }
    if (won) {
        for (const fname of ["need_confirmed", "objection_handled", "approved"]) {
            steps.push({
                trigger: `${ROW} .o_field_widget[name='${fname}'] input`,
                content: `Tick ${fname}`,
                run: "click",
            });
        }
    }
    return steps;
}

registry.category("web_tour.tours").add("sales_funnel_cn_customer_grade", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook a.nav-link[name='sfcn_key_persons']",
            content: "Open the Key Persons tab",
            run: "click",
        },
        {
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name='customer_grade_why']:contains('No grade yet')",
            content: "No key person, no grade",
        },
        // the role defaults to EB; each grade check below also waits for the server's onchange to settle
        ...addKeyPerson("王建国", null, { create: true }),
        {
            trigger: ".o_field_widget[name='customer_grade_computed']:contains('D ·')",
            content: "First contact with the EB: grade D",
        },
        ...addKeyPerson("李工程师", "UB", { won: true }),
        {
            trigger: ".o_field_widget[name='customer_grade_computed']:contains('C ·')",
            content: "The UB is won over: grade C",
        },
        ...addKeyPerson("张经理", "TB", { won: true }),
        {
            trigger: ".o_field_widget[name='customer_grade_computed']:contains('B ·')",
            content: "UB and TB won over, budget and procurement clear: grade B",
        },
        {
            trigger: ".o_form_button_save",
            content: "Save the deal",
            run: "click",
        },
        {
            trigger: ".o_form_saved .o_field_widget[name='customer_grade']:contains('B ·')",
            content: "The stored grade is B",
        },
    ],
});
