/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * Qualify in one step: the server's stage gate refused a move (status bar, kanban drag, Won button) and
 * sent the target stage's checklist. The rep ticks what holds, notes the evidence, and the move completes
 * through the same gate (action_sfcn_qualify_and_move).
 */
export class StageGateDialog extends Component {
    static template = "sales_funnel_cn.StageGateDialog";
    static components = { Dialog };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        const gate = (this.props.data && this.props.data.context && this.props.data.context.sfcn_gate) || null;
        this.gate = gate;
        this.state = useState({
            items: gate ? gate.items.map((item) => ({ ...item })) : [],
            busy: false,
        });
    }

    get message() {
        const args = this.props.data && this.props.data.arguments;
        return (args && args.length && args[0]) || this.props.message;
    }

    get intro() {
        return _t(
            "Tick what holds for %s, with the evidence, to move it to %s.",
            this.gate.lead_name,
            this.gate.stage_name
        );
    }

    get missing() {
        return this.state.items.filter((item) => item.required && !item.done);
    }

    get canMove() {
        return this.gate && (this.gate.mode === "warn" || !this.missing.length);
    }

    get title() {
        return this.gate
            ? _t("Qualify for %s", this.gate.stage_name)
            : _t("Checklist");
    }

    async confirm() {
        this.state.busy = true;
        const answers = this.state.items.map((item) => ({
            check_id: item.check_id,
            done: item.done,
            note: item.note || "",
        }));
        let next;
        try {
            next = await this.orm.call("crm.lead", "action_sfcn_qualify_and_move", [
                [this.gate.lead_id],
                this.gate.stage_id,
                answers,
                this.gate.mode === "warn",
            ]);
        } finally {
            this.state.busy = false;
        }
        this.props.close();
        if (next && typeof next === "object" && next.type) {
            // winning on a funnel: the won review (reason, summary) comes next and wins the deal
            await this.action.doAction(next, {
                onClose: () => this.action.doAction("soft_reload"),
            });
            return;
        }
        await this.action.doAction("soft_reload");
    }
}

registry
    .category("error_dialogs")
    .add("odoo.addons.sales_funnel_cn.models.crm_lead_gate.StageGateError", StageGateDialog);
