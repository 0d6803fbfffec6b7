/** @odoo-module **/
/* Steps shared by the module's tours. */

/** Open a menu item of a top-level menu of the app (xmlids, so any language works). */
export function menu(section, item) {
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

// In the test page only: the browser "grants" the location (a headless Chromium has no position to give).
function mockGeolocation() {
    const position = { coords: { latitude: 31.299, longitude: 120.585, accuracy: 12 }, timestamp: Date.now() };
    Object.defineProperty(navigator.geolocation, "getCurrentPosition", {
        configurable: true,
        value: (success) => success(position),
    });
}

/**
 * From a deal's form: log a structured visit (跟进记录) on the visit channel (its name in any of the given
 * languages) with purpose and content,
 * check in with the device's location, save, and wait for the dialog to close.
 */
export function logVisitSteps({ channels, purpose, content }) {
    const channel = channels.map((name) => `.modal .o-autocomplete--dropdown-item a:contains('${name}')`);
    return [
        {
            trigger: ".o_form_view button.o_sfcn_log_followup",
            content: "Log a follow-up on the deal",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='channel_id'] input",
            content: "The channels",
            run: "click",
        },
        {
            trigger: channel.join(", "),
            content: "Select the visit channel",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='purpose'] input",
            content: "The purpose of the visit",
            run: `edit ${purpose}`,
        },
        {
            trigger: ".modal .o_field_widget[name='content'] textarea",
            content: "What was discussed",
            run: `edit ${content}`,
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
    ];
}
