/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

/**
 * 签到: asks the browser for the device's position (the browser asks the user's consent) and records it on the
 * visit through crm.followup.action_checkin; the server stamps the time and compares with the customer.
 */
export class FollowupCheckin extends Component {
    static template = "sales_funnel_cn.FollowupCheckin";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({ busy: false });
    }

    get visible() {
        const data = this.props.record.data;
        return data.is_visit && !data.checkin_date;
    }

    locate() {
        return new Promise((resolve, reject) => {
            if (!navigator.geolocation) {
                reject(new Error(_t("This browser cannot share its location.")));
                return;
            }
            navigator.geolocation.getCurrentPosition(resolve, reject, {
                enableHighAccuracy: true,
                timeout: 20000,
                maximumAge: 60000,
            });
        });
    }

    async onCheckin() {
        this.state.busy = true;
        try {
            let position;
            try {
                position = await this.locate();
            } catch {
                this.notification.add(
                    _t("Allow the browser to use your location to check in."),
                    { type: "warning" }
                );
                return;
            }
            const record = this.props.record;
            if (!(await record.save())) {
                return;
            }
            const { latitude, longitude, accuracy } = position.coords;
            await this.orm.call("crm.followup", "action_checkin", [
                [record.resId],
                latitude,
                longitude,
                accuracy || 0,
            ]);
            await record.load();
            this.notification.add(_t("Checked in."), { type: "success" });
        } finally {
            this.state.busy = false;
        }
    }
}

registry.category("view_widgets").add("sfcn_checkin", { component: FollowupCheckin });
