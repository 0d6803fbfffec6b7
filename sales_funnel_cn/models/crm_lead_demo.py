from datetime import datetime
from datetime import time
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models

from .crm_lead_gate import OVERRIDE_KEY
from .crm_lead_gate import _GateOverride

DEMO_NOTES = [
    ("user_rep_zhang", 2, "已发送报价单，客户IT经理下周二内部评审。"),
    ("user_rep_zhang", 6, "与采购部确认预算流程：需总经理签字，预计月底走完。"),
    ("user_rep_li", 3, "客户试用反馈良好，要求补充与金蝶的对接方案。"),
    ("user_rep_wang", 4, "上门拜访生产总监，确认了排产痛点和上线时间。"),
    ("user_rep_wang", 9, "客户财务提出分期付款，已转商务评估。"),
    ("user_manager_liu", 12, "陪同拜访，客户高层认可方案方向。"),
]


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model
    def _sfcn_demo_first_impression(self):
        """Demo data only (demo/sales_funnel_first_impression_demo.xml): what a user sees in the first hour.

        Dates relative to today that XML cannot express (creation dates, stage history, close dates, pool
        deadlines) and the clean-up of Odoo's own English demo leads. Runs once, at demo install."""
        env = self.env
        now = fields.Datetime.now()

        def ref(name):
            return env.ref(f"sales_funnel_cn.{name}")

        # Odoo's English demo leads (Mitchell Admin, Marc Demo) are not part of this company's funnel
        crm_demo = env["ir.model.data"].search([("module", "=", "crm"), ("model", "=", "crm.lead")])
        self.with_context(active_test=False).browse(crm_demo.mapped("res_id")).exists().unlink()
        # paid lead enrichment (IAP) off: it needs credits and fails without internet
        env["ir.config_parameter"].sudo().set_param("crm.iap.lead.enrich.setting", "manual")
        enrich = env.ref("crm_iap_enrich.ir_cron_lead_enrichment", raise_if_not_found=False)
        if enrich:
            enrich.active = False
        # Chinese users land in the CRM pipeline
        users = (ref("user_rep_zhang") | ref("user_rep_li") | ref("user_rep_wang") | ref("user_manager_liu")
                 | env.ref("base.user_admin"))
        if env["res.lang"]._lang_get("zh_CN").active:
            users.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        env.ref("base.user_admin").action_id = env.ref("crm.crm_lead_action_pipeline").id

        team = ref("team_east_key_accounts")
        leads = self.with_context(active_test=False).search([("team_id", "=", team.id)], order="id")
        # the two deals their reps release to the pool (_sfcn_demo_pool) were early-stage deals, not near-won:
        # they swap stages with two early deals, which answer the checks of their new stage
        swapped = self.browse()
        for pooled_xmlid, deal_xmlid in (("pool_lead_04", "lead_03"), ("pool_lead_05", "lead_05")):
            pooled, deal = ref(pooled_xmlid), ref(deal_xmlid)
            for lead, stage in ((pooled, deal.stage_id), (deal, pooled.stage_id)):
                override = _GateOverride("mapped", self.env._("Demo data"), lead.ids, stage.id)
                lead.with_context(**{OVERRIDE_KEY: override}).write({"stage_id": stage.id})
            swapped |= deal
        swapped._sfcn_answer_up_to_stage(self.env._("Confirmed with the customer"))
        self._sfcn_demo_timeline(leads, now)
        self._sfcn_demo_checks(leads)
        self._sfcn_demo_notes(leads, now, ref)
        self.env.invalidate_all()
        self.env.add_to_compute(self._fields["date_reclaim"], leads)  # the follow-up dates written in SQL above
        self.env.flush_all()
        self._sfcn_demo_pool(leads, now, ref)
        # the reclaim runs at night (02:00 in Shanghai): until then 即将退回公海 and the preview show the deals
        cron = env.ref("sales_funnel_cn.ir_cron_pool_reclaim", raise_if_not_found=False)
        if cron:
            cron.nextcall = datetime.combine(now.date(), time(18, 0)) + timedelta(days=1)
        return True

    @api.model
    def _sfcn_demo_timeline(self, leads, now):
        """Creation dates and a stage history over the last months; won and lost deals get a close date."""
        cr = self.env.cr
        self.env.flush_all()
        pipelines = {}  # the stages each team's pipeline shows (a team running a funnel template: its own)
        cr.execute("DELETE FROM crm_lead_stage_history WHERE lead_id IN %s", [tuple(leads.ids)])
        rows = []
        for i, lead in enumerate(leads):
            # applying the team's funnel template moved every deal today: spread the current stage's entry
            # over the last 40 days, so days in stage differ and some deals are stale (停滞商机)
            entered = now - timedelta(days=(2 + i * 5) % 34 or 9, hours=i % 5)
            if lead.team_id.id not in pipelines:
                pipelines[lead.team_id.id] = self.env["crm.stage"].browse(
                    [entry.id for entry in self._sfcn_pipeline(lead.team_id.id)[0]])
            team_stages = pipelines[lead.team_id.id]
            current = lead.stage_id
            path = team_stages.filtered(lambda s, c=current: not s.is_won and (s.sequence, s.id) < (c.sequence, c.id))
            if current.is_won:
                path = team_stages.filtered(lambda s: not s.is_won)
            path = [*path, current]
            created = entered - timedelta(days=12 + (i * 11) % 75, hours=i % 7)
            if len(path) == 1:  # still in the funnel's first stage: entered it when created
                created = entered
            if not lead.user_id:  # pooled leads came in from marketing a few weeks ago
                path, created = path[-1:], now - timedelta(days=15 + i % 20)
            step = (entered - created) / max(len(path) - 1, 1)
            previous, since = None, created
            for n, stage in enumerate(path):
                date = created + step * n if n < len(path) - 1 or len(path) == 1 else entered
                if len(path) == 1:
                    date = created
                rows.append((lead.id, lead.team_id.id, previous and previous.id, stage.id, date,
                             (date - since).total_seconds() / 86400.0 if previous else None,
                             (date - created).total_seconds() / 86400.0, lead.user_id.id or None))
                previous, since = stage, date
            closed = entered if (current.is_won or not lead.active) else None
            cr.execute("UPDATE crm_lead SET create_date = %s, date_open = %s, date_closed = COALESCE(%s, date_closed)"
                       " WHERE id = %s", [created, created, closed, lead.id])
            cr.execute("UPDATE crm_lead SET date_last_stage_update = %s WHERE id = %s",
                       [created if len(path) == 1 else entered, lead.id])
            if lead.user_id:
                # the template's move today is no follow-up: the reps last worked their deals in the last days
                # (calls, notes and follow-ups of the demo move it forward), inside the pool's 10 days
                contact = max(now - timedelta(days=1 + i % 8, hours=i % 5), date)
                cr.execute("""UPDATE crm_lead l SET date_last_followup = GREATEST(%s, (
                                  SELECT max(c.date) FROM crm_call_log c WHERE c.lead_id = l.id))
                               WHERE l.id = %s""", [contact, lead.id])
        cr.executemany("""
            INSERT INTO crm_lead_stage_history (lead_id, team_id, stage_from_id, stage_to_id, date,
                                                days_in_previous, days_since_create, user_id,
                                                create_uid, create_date, write_uid, write_date)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 1, %s, 1, %s)""",
                       [(*row, row[4], row[4]) for row in rows])
        self.env.invalidate_all()

    @api.model
    def _sfcn_demo_checks(self, leads):
        """The checks the demo deals answered: by the deal's rep, in Chinese, before the deal entered the
        stage (its stage history), not by OdooBot at install time."""
        self.env.flush_all()
        self.env.cr.execute("""
            UPDATE crm_lead_check c
               SET note = %s, user_id = COALESCE(l.user_id, c.user_id),
                   date = COALESCE((SELECT min(h.date) FROM crm_lead_stage_history h
                                     WHERE h.lead_id = c.lead_id AND h.stage_to_id = c.stage_id), c.date)
                          - interval '2 hours'
              FROM crm_lead l
             WHERE l.id = c.lead_id AND c.done AND c.lead_id IN %s""", ["已与客户确认", tuple(leads.ids)])
        self.env.invalidate_all()

    @api.model
    def _sfcn_demo_pool(self, leads, now, ref):
        """Two deals released to the pool by their reps; deals close to reclaim and overdue ones."""
        cr = self.env.cr
        for xmlid, days, reason in (("pool_lead_04", 6, "客户预算冻结，明年再启动"),
                                    ("pool_lead_05", 12, "联系人离职，新负责人未确定")):
            lead = ref(xmlid)
            lead.with_user(lead.user_id)._pool_release(reason)
            self.env.flush_all()
            cr.execute("UPDATE crm_lead SET date_pooled = %s WHERE id = %s", [now - timedelta(days=days), lead.id])
            cr.execute("UPDATE crm_pool_history SET date_end = %s WHERE lead_id = %s AND date_end IS NOT NULL",
                       [now - timedelta(days=days), lead.id])
        # claimed 33.5 days ago: returns to the pool in 1.5 days, not won in 35 days (warned: 即将退回公海);
        # claimed 36 days ago: overdue, the reclaim preview lists it. Ungraded deals without a decision date.
        plan = [("user_rep_zhang", 2, 33.5), ("user_rep_li", 1, 33.5), ("user_rep_wang", 2, 36)]
        for user_xmlid, count, claimed_days in plan:
            user = ref(user_xmlid)
            candidates = leads.filtered(lambda lead, user=user: lead.user_id == user and lead.active
                                        and not lead.stage_id.is_won and not lead.customer_grade
                                        and not lead.temperature)
            for lead in candidates[:count]:
                self.env.flush_all()
                cr.execute("UPDATE crm_lead SET date_claimed = %s, date_deadline = NULL WHERE id = %s",
                           [now - timedelta(days=claimed_days), lead.id])
                cr.execute("UPDATE crm_pool_history SET date_start = %s WHERE lead_id = %s AND date_end IS NULL",
                           [now - timedelta(days=claimed_days), lead.id])
                self.env.invalidate_all()
                self.env.add_to_compute(self._fields["date_reclaim"], lead)
        self.env.flush_all()

    @api.model
    def _sfcn_demo_notes(self, leads, now, ref):
        """Follow-up notes of the last weeks in the reps' chatter."""
        cr = self.env.cr
        for user_xmlid, days, body in DEMO_NOTES:
            user = ref(user_xmlid)
            # graded deals only: the ungraded ones are the deals left without follow-up (near reclaim)
            worked = leads.filtered(lambda lead, user=user: lead.user_id == user and lead.active
                                    and (lead.customer_grade or lead.temperature))
            lead = worked[days % len(worked)]
            before = lead.date_last_followup
            message = lead.with_user(user).message_post(body=body, message_type="comment",
                                                        subtype_xmlid="mail.mt_note")
            when = now - timedelta(days=days, hours=3)
            self.env.flush_all()
            cr.execute("UPDATE mail_message SET date = %s WHERE id = %s", [when, message.id])
            cr.execute("UPDATE crm_lead SET date_last_followup = GREATEST(%s, %s) WHERE id = %s",
                       [before or None, when, lead.id])
        self.env.invalidate_all()

    @api.model
    def _sfcn_demo_checkin(self, followup_id, latitude, longitude):
        """Demo data only: the rep's browser checked in (签到) on a visit, through the same server method,
        a few minutes after the visit began."""
        followup = self.env["crm.followup"].browse(followup_id)
        followup.with_user(followup.user_id).action_checkin(latitude, longitude, 15.0)
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_followup SET checkin_date = %s WHERE id = %s",
                            [followup.date + timedelta(minutes=4), followup.id])
        followup.invalidate_recordset(["checkin_date"])
        return True

    @api.model
    def _sfcn_demo_after_sale(self):
        """Demo data only (demo/crm_journey_demo.xml): two won deals after the win (转化客户). One's contract ends
        in 45 days: its renewal opportunity is opened (60 days' notice); the other went through quotation,
        invoice, payment and delivery over the last months, delivered 100 days ago: its upsell opportunity is
        opened (90 days after delivery)."""
        env = self.env
        now = fields.Datetime.now()
        renewing, upselling = env.ref("sales_funnel_cn.lead_26"), env.ref("sales_funnel_cn.lead_27")
        for deal in renewing | upselling:
            if not deal.aftersale_ids:
                deal._sfcn_create_aftersale()
        renewing.sfcn_contract_end = fields.Date.context_today(self) + timedelta(days=45)
        for days_ago, step in zip((130, 120, 110, 100), upselling.aftersale_ids[:4], strict=True):
            step.write({"done": True, "user_id": upselling.user_id.id, "date_done": now - timedelta(days=days_ago)})
        # named in the demo company's language (中文) when it is installed
        lang = "zh_CN" if env["res.lang"]._lang_get("zh_CN").active else env.lang
        self.with_context(lang=lang)._cron_create_renewals()
        self.with_context(lang=lang)._cron_create_upsells()
