"""What the user meets at the gate: the qualify dialog (the refusal's payload, ticking and moving in one
step) and a sales manager's forced move."""



from odoo import models
from odoo.exceptions import UserError

from .crm_lead_gate import OVERRIDE_KEY
from .crm_lead_gate import StageGateError
from .crm_lead_gate import _GateOverride


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _sfcn_raise_gate(self, new_stage, missing, mode):
        checks = self.env["crm.stage.check"].sudo()
        lines = "\n".join(
            f"- {lead.name} / {check.stage_id.name}: {check.name}"
            for lead, check_ids in missing.items() for check in checks.browse(check_ids))
        if mode == "block":
            message = self.env._(
                "The deal cannot move forward: these required checks are not ticked:\n%(lines)s", lines=lines)
        else:
            message = self.env._(
                "These required checks are not ticked:\n%(lines)s\nTick what holds, or go on and the deal is "
                "flagged.", lines=lines)
        payload = None
        if len(missing) == 1:
            lead = next(iter(missing))
            payload = lead._sfcn_gate_payload(new_stage, next(iter(missing.values())), mode)
        raise StageGateError(message, payload)

    def _sfcn_gate_payload(self, new_stage, missing_ids, mode):
        """What the qualify dialog shows: the target stage's checklist (optional items included) and the
        missing items of the stages skipped on the way, with the deal's answers."""
        self.ensure_one()
        checks = self.env["crm.stage.check"].sudo().browse(missing_ids) | new_stage.sudo().check_ids
        answers = {a.check_id.id: a for a in self.sudo().check_ids}
        items = []
        for check in checks.sorted(lambda c: (c.stage_id.sequence, c.stage_id.id, c.sequence, c.id)):
            answer = answers.get(check.id)
            items.append({
                "check_id": check.id, "stage": check.stage_id.name, "name": check.name,
                "help": check.help_text or "", "required": check.required,
                "done": bool(answer and answer.done), "note": (answer and answer.note) or "",
                "missing": check.id in missing_ids,
            })
        return {"lead_id": self.id, "lead_name": self.name, "stage_id": new_stage.id,
                "stage_name": new_stage.name, "won": new_stage.is_won, "mode": mode, "items": items}

    def action_sfcn_qualify_and_move(self, stage_id, answers=None, proceed=False):
        """Qualify in one step (the gate dialog): tick the answers given, then move the deal through the
        same gate as any write. answers: [{"check_id": id, "done": bool, "note": str}].

        proceed=True lets a warn gate move on with what is still missing (flagged and logged); a block
        gate still refuses, naming what is missing."""
        self.ensure_one()
        stage = self.env["crm.stage"].browse(int(stage_id)).exists()
        if not stage:
            raise UserError(self.env._("This stage no longer exists."))
        self.check_access("write")
        known = {c.id for c in self.env["crm.stage.check"].sudo().search([])}
        rows = {a.check_id.id: a for a in self.check_ids}
        for answer in answers or []:
            check_id = int(answer.get("check_id") or 0)
            if check_id not in known:
                raise UserError(self.env._("Unknown checklist item."))
            vals = {"done": bool(answer.get("done"))}
            if answer.get("note") is not None:
                vals["note"] = str(answer["note"])[:255]
            row = rows.get(check_id)
            if row:
                if row.done != vals["done"] or ("note" in vals and (row.note or "") != vals["note"]):
                    row.write(vals)
            elif vals["done"] or vals.get("note"):
                self.env["crm.lead.check"].create(dict(vals, lead_id=self.id, check_id=check_id))
        if stage.is_won and self._sfcn_won_review_missing() and stage != self.stage_id:
            # the answers are saved and pass the gate; the won review (reason, summary) wins the deal
            # through the Won path
            self.with_context(sfcn_gate_ask=not proceed)._sfcn_gate(stage)
            return self.env["crm.lead.won"]._action_open(self)
        lead = self.with_context(sfcn_gate_ask=not proceed)
        lead.write({"stage_id": stage.id, "probability": 100} if stage.is_won else {"stage_id": stage.id})
        return True

    def _sfcn_move_stage_forced(self, stage, reason):
        """A sales manager moves deals to a stage past the checklist, with a reason (logged, flagged)."""
        self._sfcn_check_manager(self.env._("Only a sales manager can force a deal past its checklist."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("A reason is required to force a stage."))
        override = _GateOverride("forced", reason, self.ids, stage.id)
        return self.with_context(**{OVERRIDE_KEY: override}).write({"stage_id": stage.id})

    # ------------------------------------------------------------------ actions / cron
    def action_sfcn_force_stage(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead.force.stage",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_id": self.id},
        }
