from odoo import api
from odoo import fields
from odoo import models

from .sfcn_settings import SETTING_DEFAULTS
from .sfcn_settings import sfcn_settings

# which follow-up sources reset the pool's clock, per value of the company setting sfcn_followup_clock
FOLLOWUP_CLOCK_SOURCES = {
    "followup": ("followup",),
    "followup_call": ("followup", "call"),
    "all": ("followup", "call", "note"),
}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    days_in_stage = fields.Integer(
        compute="_compute_days_in_stage",
        help="Whole days since the deal entered its current stage.",
    )
    date_last_followup = fields.Datetime(
        "Last Follow-up", copy=False, readonly=True,
        help="Last time the deal was followed up: a structured follow-up, a logged call or a stage change "
             "(notes and activities done only when the setting counts them). The public pool's reclaim "
             "rule reads it.",
    )

    @api.depends("date_last_stage_update")
    def _compute_days_in_stage(self):
        now = fields.Datetime.now()
        for lead in self:
            since = lead.date_last_stage_update or lead.create_date or now
            lead.days_in_stage = max((now - since).days, 0)

    def _get_duration_from_tracking(self, trackings):
        """The status bar's time in the current stage counts from the same moment as 'Days in Stage'
        (date_last_stage_update), also for deals whose stage was set without a tracking message. Only the
        current visit is moved: earlier visits to the same stage keep core's tracked durations, and the
        clock is core's (the transaction's ``cr.now()``)."""
        trackings = list(trackings)
        durations = super()._get_duration_from_tracking(trackings)
        # core appended the running visit (at cr.now()); the visit began at the change before it
        started = trackings[-2]["create_date"] if len(trackings) > 1 else self.create_date
        current = self[self._track_duration_field].id
        if current and started and self.date_last_stage_update:
            shift = int((started - self.date_last_stage_update).total_seconds())
            durations[current] = max(durations[current] + shift, 0)
        return durations

    def write(self, vals):
        if "stage_id" in vals and "date_last_followup" not in vals \
                and any(lead.stage_id.id != vals["stage_id"] for lead in self):
            vals = dict(vals, date_last_followup=fields.Datetime.now())
        return super().write(vals)

    def _mark_followup(self, when=None, source=None):
        """Record a follow-up on these deals. ``source`` is what happened: "followup" (a structured
        follow-up record), "call" (a logged call), "note" (a note, message or activity done) or None
        (always counts, e.g. a stage change). The deal's company's setting (What Resets the Pool's Clock)
        decides which sources reset the public pool's clock."""
        leads = self if source is None else self.filtered(
            lambda lead: source in lead._followup_clock_sources())
        if leads:
            # never in the future: a follow-up date ahead would postpone the return to the public pool
            now = fields.Datetime.now()
            leads.sudo().write({"date_last_followup": min(when, now) if when else now})

    def _sfcn_company(self):
        """The company whose settings apply to this deal: its own, else the current one (sfcn_settings)."""
        self.ensure_one()
        return sfcn_settings(self.env, self.company_id)

    def _followup_clock_sources(self):
        setting = self._sfcn_company().sfcn_followup_clock
        return FOLLOWUP_CLOCK_SOURCES.get(setting, FOLLOWUP_CLOCK_SOURCES[SETTING_DEFAULTS["sfcn_followup_clock"]])

    def message_post(self, **kwargs):
        """A note or message written by someone, or an activity marked done, is a follow-up when the
        setting counts notes (not by default); incoming e-mails and system notifications never are."""
        message = super().message_post(**kwargs)
        if message.message_type == "comment" or (message.subtype_id and message.subtype_id.id == self.env[
                "ir.model.data"]._xmlid_to_res_id("mail.mt_activities", raise_if_not_found=False)):
            # (the id from the cached xmlid map: env.ref() would check that the subtype exists, a query on every
            # message posted on a deal, the tracking line of each stage move included)
            self._mark_followup(source="note")
        return message
