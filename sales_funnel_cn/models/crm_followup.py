import math
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError

from .sfcn_settings import sfcn_settings

EARTH_RADIUS_KM = 6371.0088
CHECKIN_FIELDS = ("checkin_date", "checkin_latitude", "checkin_longitude", "checkin_accuracy")
# written only by trusted code (on sudo): the check-in and the activity the next step became
SYSTEM_FIELDS = (*CHECKIN_FIELDS, "activity_id")


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle (haversine) distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


class CrmFollowup(models.Model):
    """One structured follow-up (跟进记录): who was met, when, where, through which channel, what was
    discussed, its purpose (required: 没有明确目的不可以进行跟进) and the agreed next step. A visit can be
    checked in (签到) with the device's location; the check-in is flagged when far from the customer."""

    _name = "crm.followup"
    _description = "Follow-up"
    _order = "date desc, id desc"
    _rec_name = "purpose"

    lead_id = fields.Many2one("crm.lead", "Deal", index="btree_not_null", ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", "Customer", index=True, ondelete="restrict",
        help="The customer company (the deal's company when logged on a deal).")
    user_id = fields.Many2one("res.users", "Salesperson", required=True, index=True,
                              default=lambda self: self.env.user)
    team_id = fields.Many2one("crm.team", "Sales Team", index="btree_not_null")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    channel_id = fields.Many2one("crm.followup.channel", required=True, ondelete="restrict")
    is_visit = fields.Boolean(related="channel_id.is_visit")
    date = fields.Datetime("When", required=True, index=True, default=fields.Datetime.now)
    location = fields.Char("Where")
    contact_ids = fields.Many2many("res.partner", "crm_followup_contact_rel", "followup_id", "partner_id",
                                   "People Met")
    key_person_ids = fields.Many2many("crm.lead.key.person", "crm_followup_key_person_rel", "followup_id",
                                      "key_person_id", "Key Persons Met")
    purpose = fields.Char(required=True, help="没有明确目的不可以进行跟进: every follow-up needs a purpose.")
    content = fields.Text("What Was Discussed")
    next_step = fields.Char("Agreed Next Step")
    next_date = fields.Date("Next Step On")
    activity_id = fields.Many2one("mail.activity", "Next Step Activity", readonly=True, copy=False,
                                  ondelete="set null")
    customer_grade = fields.Selection(related="lead_id.customer_grade", string="Grade")
    stage_id = fields.Many2one(related="lead_id.stage_id", string="Stage")
    # check-in (签到): written only by action_checkin, with the server's time
    checkin_date = fields.Datetime("Checked In At", readonly=True, copy=False)
    checkin_latitude = fields.Float("Check-in Latitude", digits=(10, 7), readonly=True, copy=False)
    checkin_longitude = fields.Float("Check-in Longitude", digits=(10, 7), readonly=True, copy=False)
    checkin_accuracy = fields.Float("Check-in Accuracy (m)", readonly=True, copy=False)
    checkin_distance = fields.Float(
        "Distance to Customer (km)", compute="_compute_checkin_distance", store=True, precompute=True, digits=(10, 2),
        help="Distance between the check-in and the customer's address coordinates, when both are known.")
    checkin_far = fields.Boolean(
        "Far from Customer", compute="_compute_checkin_distance", store=True, precompute=True,
        help="The check-in is farther from the customer's address than the allowed distance (setting).")

    @api.depends("checkin_date", "checkin_latitude", "checkin_longitude",
                 "partner_id.partner_latitude", "partner_id.partner_longitude", "lead_id.company_id", "company_id")
    def _compute_checkin_distance(self):
        for followup in self:
            # the deal's company's limit (Check-in Distance Limit), else the follow-up's own company's
            limit = sfcn_settings(self.env, followup.lead_id.company_id or followup.company_id).sfcn_checkin_max_km
            partner = followup.partner_id
            if followup.checkin_date and partner and (partner.partner_latitude or partner.partner_longitude):
                followup.checkin_distance = distance_km(
                    followup.checkin_latitude, followup.checkin_longitude,
                    partner.partner_latitude, partner.partner_longitude)
                followup.checkin_far = followup.checkin_distance > limit
            else:
                followup.checkin_distance = 0.0
                followup.checkin_far = False

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        Lead = self.env["crm.lead"]
        manager = self.env.is_superuser() or self.env.user._sfcn_is_sales_manager()
        for vals in vals_list:
            self._check_no_checkin(vals)
            if vals.get("user_id", self.env.uid) != self.env.uid and not manager:
                raise UserError(self.env._("You log your own follow-ups; a sales manager can log one for "
                                           "another salesperson."))
            lead = Lead.browse(vals.get("lead_id"))
            if lead:
                vals.setdefault("partner_id", lead.partner_id.commercial_partner_id.id)
                vals.setdefault("team_id", lead.team_id.id)
                vals.setdefault("company_id", lead.company_id.id or self.env.company.id)
            elif not vals.get("partner_id"):
                raise ValidationError(self.env._("A follow-up is logged on a deal or on a customer company."))
            if not (vals.get("purpose") or "").strip():
                raise ValidationError(self.env._(
                    "A follow-up needs a purpose (没有明确目的不可以进行跟进)."))
            self._check_date(vals)
            if vals.get("next_date") and not (vals.get("next_step") or "").strip():
                raise ValidationError(self.env._("Say what the agreed next step is, not only its date."))
        followups = super().create(vals_list)
        followups._check_people()
        for followup in followups:
            followup._schedule_next_step()
        followups._mark_deals()
        followups.filtered(lambda f: not f._sfcn_cannot_change_level()).partner_id.sudo()._apply_customer_level()
        return followups

    def _sfcn_cannot_change_level(self):
        """A follow-up on an active opportunity of its own customer, by a channel that is neither a visit nor a
        meeting: the customer's company is at 有线索 or above because of that deal, and only a visit or a meeting
        moves it further (res.partner._derive_customer_level: 意向 and 已实施), so its level is not derived again
        for it (three queries per follow-up); a call skips it alike (crm_call_log_level.py)."""
        lead = self.lead_id
        meeting = self.env["ir.model.data"]._xmlid_to_res_id("sales_funnel_cn.followup_channel_meeting",
                                                              raise_if_not_found=False)
        return bool(lead) and lead.active and lead.type == "opportunity" \
            and self.partner_id == lead.partner_id.commercial_partner_id \
            and not self.channel_id.is_visit and self.channel_id.id != meeting

    def write(self, vals):
        self._check_no_checkin(vals)
        self._check_date(vals)
        if "purpose" in vals and not (vals["purpose"] or "").strip():
            raise ValidationError(self.env._("A follow-up needs a purpose (没有明确目的不可以进行跟进)."))
        if {"lead_id", "partner_id", "user_id"} & set(vals) and not self.env.is_superuser() \
                and not self.env.user._sfcn_is_sales_manager():
            raise UserError(self.env._("Only a sales manager can move a follow-up to another deal, "
                                       "customer or salesperson."))
        res = super().write(vals)
        if {"contact_ids", "key_person_ids", "lead_id", "partner_id"} & set(vals):
            self._check_people()
        if {"next_step", "next_date"} & set(vals):
            for followup in self:
                followup._schedule_next_step()
        return res

    def _check_date(self, vals):
        if vals.get("date") and fields.Datetime.to_datetime(vals["date"]) > fields.Datetime.now() + timedelta(
                minutes=5):
            raise ValidationError(self.env._("A follow-up cannot be dated in the future."))

    def _check_no_checkin(self, vals):
        if not self.env.su and set(SYSTEM_FIELDS) & set(vals):
            raise UserError(self.env._(
                "The check-in is recorded by the Check In button with the device's location, not typed in."))

    def _check_people(self):
        for followup in self:
            strangers = followup.key_person_ids.filtered(lambda kp, f=followup: kp.lead_id != f.lead_id)
            if strangers:
                raise ValidationError(self.env._(
                    "Key persons met must be key persons of the follow-up's deal: %(names)s",
                    names=", ".join(strangers.mapped("partner_id.display_name"))))
            company = followup.partner_id.commercial_partner_id
            outside = followup.contact_ids.filtered(
                lambda p, c=company: c and p.commercial_partner_id != c)
            if outside:
                raise ValidationError(self.env._(
                    "People met must be contacts of %(company)s: %(names)s",
                    company=company.display_name, names=", ".join(outside.mapped("display_name"))))

    def _schedule_next_step(self):
        """The agreed next step with a date becomes (or updates) an activity of the salesperson."""
        self.ensure_one()
        if not (self.next_step and self.next_date):
            return
        target = self.lead_id or self.partner_id
        activity = self.activity_id.sudo().exists()
        if activity:
            activity.write({"summary": self.next_step, "date_deadline": self.next_date})
            return
        activity = target.sudo().activity_schedule(
            "mail.mail_activity_data_todo", date_deadline=self.next_date, summary=self.next_step,
            note=self.purpose, user_id=self.user_id.id)
        self.sudo().write({"activity_id": activity.id})

    def _mark_deals(self):
        """Reset the pool's clock of the deal, or of the salesperson's open deals of the company."""
        Lead = self.env["crm.lead"].sudo()
        for followup in self:
            deals = followup.lead_id.sudo()
            if not deals:
                deals = Lead.search([("partner_id", "child_of", followup.partner_id.commercial_partner_id.id),
                                     ("user_id", "=", followup.user_id.id), ("type", "=", "opportunity"),
                                     ("probability", "<", 100)])
            # a back-dated follow-up never moves the clock backwards
            deals.filtered(lambda d, f=followup: not d.date_last_followup or d.date_last_followup < f.date) \
                ._mark_followup(followup.date, source="followup")

    # ------------------------------------------------------------------ check-in
    def action_checkin(self, latitude, longitude, accuracy=0.0):
        """签到: record the device's position (from the browser, with the user's consent) and the server's
        time on a visit. Only the follow-up's own salesperson checks in, once."""
        self.ensure_one()
        self.check_access("write")
        if self.user_id != self.env.user:
            raise UserError(self.env._("Only %(user)s can check in on this visit.", user=self.user_id.name))
        if not self.channel_id.is_visit:
            raise UserError(self.env._("Only a visit can be checked in."))
        if self.checkin_date:
            raise UserError(self.env._("This visit is already checked in."))
        try:
            latitude, longitude, accuracy = float(latitude), float(longitude), float(accuracy or 0.0)
        except (TypeError, ValueError):
            raise ValidationError(self.env._("The check-in position is not a valid latitude/longitude.")) from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or accuracy < 0:
            raise ValidationError(self.env._("The check-in position is not a valid latitude/longitude."))
        self.sudo().write({
            "checkin_date": fields.Datetime.now(), "checkin_latitude": latitude,
            "checkin_longitude": longitude, "checkin_accuracy": accuracy})
        return True

    # ------------------------------------------------------------------ actions
    @api.model
    def _action_new(self, context):
        return {
            "type": "ir.actions.act_window", "res_model": "crm.followup", "view_mode": "form",
            "views": [(self.env.ref("sales_funnel_cn.crm_followup_view_form").id, "form")],
            "target": "new", "name": self.env._("Log Follow-up"), "context": context,
        }

    @api.model
    def _action_list(self, domain, context):
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_funnel_cn.crm_followup_action")
        action.update(domain=domain, context=context)
        return action
