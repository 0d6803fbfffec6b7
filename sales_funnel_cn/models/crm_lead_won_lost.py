from functools import partial

from odoo import api
from odoo import fields
from odoo import models
from odoo.osv import expression

# precommit data key: the deals whose win/loss review may have changed in this transaction
_REVIEW_WATCH = "sales_funnel_cn.win_loss_review"
_REVIEW_FIELDS = frozenset({"won_reason_id", "close_summary", "lost_reason_id"})


class CrmLead(models.Model):
    _inherit = "crm.lead"

    won_reason_id = fields.Many2one("crm.won.reason", "Reason Won", index="btree_not_null", copy=False,
                                    tracking=True)
    close_summary = fields.Text("Win/Loss Summary", copy=False,
                                help="赢/丢单总结: what decided the outcome, in a few sentences.")
    review_pending = fields.Boolean(
        "Win/Loss Review Pending", compute="_compute_review_pending", search="_search_review_pending",
        help="Won or lost on one of the module's funnels without its reason and summary (赢/丢单总结), e.g. "
             "dragged to the won stage or archived: the owner is asked to give them.")
    date_review_requested = fields.Datetime(
        "Review Requested On", copy=False, readonly=True,
        help="When the owner was asked for the missing win/loss review (once per win or loss).")

    def action_set_won_rainbowman(self):
        """The Won button asks for the won reason and a summary first (赢单总结) on a funnel of the module
        (the deal's team or stage follows a funnel template, whose won review this is); the won stage's
        checklist comes before it (the gate's dialog, which then opens this one). On Odoo's own pipeline
        nothing is asked: core's Won, with its rainbow man."""
        self.ensure_one()
        if self._sfcn_won_review_missing():
            won_stage = self._stage_find(domain=[("is_won", "=", True)])
            if won_stage and won_stage != self.stage_id:
                override = self._sfcn_override()
                if override and not override.covers(self, won_stage):
                    override = None
                self._sfcn_gate(won_stage, override=override)  # StageGateError: the checklist first
            return self.env["crm.lead.won"]._action_open(self)
        return super().action_set_won_rainbowman()

    def action_sfcn_give_review(self):
        """补填总结: the review dialog of a deal won or lost without it (the won or the lost dialog)."""
        self.ensure_one()
        if self._sfcn_review_kind() == "lost":
            action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_lost_action")
            # the deal is archived: the dialog's deals field must see it
            action["context"] = {"default_lead_ids": self.ids, "active_ids": self.ids, "active_test": False}
            return action
        return self.env["crm.lead.won"]._action_open(self)

    def _sfcn_on_funnel(self):
        self.ensure_one()
        lead = self.sudo()
        return bool(lead.team_id.funnel_template_id or lead.stage_id.funnel_template_id)

    def _sfcn_won_review_missing(self):
        """True when winning this deal still needs the won review (reason and summary) of its funnel."""
        self.ensure_one()
        return self._sfcn_on_funnel() and not (self.won_reason_id and (self.close_summary or "").strip())

    def _sfcn_review_kind(self):
        """"won" or "lost" when this deal was won or lost on a module funnel without its review, else False.
        A lead (线索) is disqualified with a reason only; a deal also needs the summary (as the dialogs ask)."""
        self.ensure_one()
        if self.active and self.stage_id.is_won:
            return "won" if self._sfcn_won_review_missing() else False
        if not self.active and not self.probability and self._sfcn_on_funnel():
            summary_missing = self.type == "opportunity" and not (self.close_summary or "").strip()
            return "lost" if not self.lost_reason_id or summary_missing else False
        return False

    @api.depends("active", "probability", "stage_id", "team_id", "type", "won_reason_id", "close_summary",
                 "lost_reason_id")
    def _compute_review_pending(self):
        for lead in self:
            lead.review_pending = bool(lead._sfcn_review_kind())

    def _search_review_pending(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        no_summary = [("close_summary", "in", [False, ""])]
        pending = expression.AND([
            ["|", ("team_id.funnel_template_id", "!=", False), ("stage_id.funnel_template_id", "!=", False)],
            expression.OR([
                [("active", "=", True), ("stage_id.is_won", "=", True),
                 "|", ("won_reason_id", "=", False), *no_summary],
                [("active", "=", False), ("probability", "=", 0),
                 "|", ("lost_reason_id", "=", False), "&", ("type", "=", "opportunity"), *no_summary],
            ]),
        ])
        if (operator == "=") == bool(value):
            return pending
        return ["!", *expression.normalize_domain(pending)]

    # ------------------------------------------------------------------
    # every path that wins or loses (drag, stage write, archive, import, core's API) is watched once per
    # transaction: a deal left without its review gets one request to its owner
    # ------------------------------------------------------------------
    def write(self, vals):
        res = super().write(vals)
        if _REVIEW_FIELDS.intersection(vals):
            self._sfcn_review_watch()
        return res

    def _handle_won_lost(self, vals):
        # core calls this on every create/write touching stage_id or active, before writing
        res = super()._handle_won_lost(vals)
        stage_id = vals.get("stage_id")
        if "active" in vals or (stage_id and self.env["crm.stage"].browse(stage_id).is_won):
            self._sfcn_review_watch()  # a win, a loss or a restore (the stage is in cache: core read it)
        else:  # a move between open stages: only a deal already asked may need its request closed
            self.filtered("date_review_requested")._sfcn_review_watch()
        return res

    def _sfcn_review_watch(self):
        """Queue these deals for the win/loss review check at commit (no query now)."""
        if not self.ids:
            return
        data = self.env.cr.precommit.data
        watched = data.get(_REVIEW_WATCH)
        if watched is None:
            watched = data[_REVIEW_WATCH] = set()
            self.env.cr.precommit.add(partial(self.env["crm.lead"].sudo()._sfcn_review_sync, watched,
                                              self.env.uid))
        watched.update(self.ids)

    def _sfcn_review_sync(self, lead_ids, uid):
        """At commit: ask the owner once for each watched deal whose review is missing (an activity on a won
        deal; a notification for a lost one, since Odoo removes the activities of archived records); close
        the request when the review was given or the deal reopened."""
        leads = self.with_context(active_test=False).browse(sorted(lead_ids)).exists()
        if not leads:
            return
        pending = leads.filtered("review_pending")
        activity_type = self.env.ref("sales_funnel_cn.mail_activity_type_win_loss_review", raise_if_not_found=False)
        if activity_type:
            open_requests = self.env["mail.activity"].search([
                ("res_model", "=", self._name), ("res_id", "in", leads.ids),
                ("activity_type_id", "=", activity_type.id)])
            done = open_requests.filtered(lambda act: act.res_id not in pending.ids)
            if done:
                done.action_done()
        answered = (leads - pending).filtered("date_review_requested")
        if answered:
            answered.write({"date_review_requested": False})
        for lead in pending.filtered(lambda lead: not lead.date_review_requested):
            owner = lead.user_id or lead.team_id.user_id or self.env["res.users"].browse(uid)
            kind = lead._sfcn_review_kind()
            text = lead._sfcn_review_request_text(kind, owner)
            if kind == "won" and activity_type:
                lead.activity_schedule(activity_type_id=activity_type.id, summary=text, user_id=owner.id)
            else:
                lead.message_notify(partner_ids=owner.partner_id.ids, subject=text, body=text)
        pending.filtered(lambda lead: not lead.date_review_requested).write(
            {"date_review_requested": fields.Datetime.now()})
        self.env.flush_all()  # precommit hooks run after the transaction's flush

    def _sfcn_review_request_text(self, kind, recipient):
        """The request in the recipient's language (the transaction may run in another user's)."""
        lead = self.with_context(lang=recipient.lang or self.env.lang)
        if kind == "won":
            return lead.env._("Give the won reason and summary of %(deal)s", deal=lead.name)
        return lead.env._("Give the lost reason and summary of %(deal)s", deal=lead.name)
