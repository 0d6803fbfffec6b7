from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError

KEY_PERSON_ROLES = [
    ("eb", "EB · Economic Buyer"),
    ("ub", "UB · User Buyer"),
    ("tb", "TB · Technical Buyer"),
    ("coach", "Coach"),
    ("other", "Other"),
]
DECISION_ROLES = ("eb", "ub", "tb")


class CrmLeadKeyPerson(models.Model):
    _name = "crm.lead.key.person"
    _description = "Key Person on a Deal"
    _order = "lead_id, sequence, id"

    sequence = fields.Integer(default=10)
    lead_id = fields.Many2one("crm.lead", "Deal", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", "Contact", required=True, index=True, ondelete="restrict")
    role = fields.Selection(KEY_PERSON_ROLES, required=True, default="eb")
    attitude = fields.Selection(
        [("support", "Supportive"), ("neutral", "Neutral"), ("oppose", "Opposed")],
        default="neutral", required=True)
    influence = fields.Selection([("high", "High"), ("medium", "Medium"), ("low", "Low")], default="medium")
    need_confirmed = fields.Boolean("Needs Confirmed", help="The person's needs are known and confirmed.")
    objection_handled = fields.Boolean("Objections Handled", help="The person's objections are handled and "
                                                                  "agreed upon.")
    approved = fields.Boolean(help="The person is won over and backs the deal.")
    date_last_contact = fields.Date("Last Contact")
    note = fields.Char("Notes")

    _sql_constraints = [
        ("lead_partner_role_uniq", "unique(lead_id, partner_id, role)",
         "A contact holds each role only once on a deal."),
    ]

    @api.model
    def _check_role_value(self, vals):
        if "role" in vals and vals["role"] not in dict(KEY_PERSON_ROLES):
            raise ValidationError(self.env._(
                "Unknown key person role %(role)r; use one of: %(roles)s.",
                role=vals["role"], roles=", ".join(dict(KEY_PERSON_ROLES))))

    @api.model
    def _check_approved_attitude_value(self, approved, attitude, partner):
        if approved and attitude == "oppose":
            raise ValidationError(self.env._(
                "%(contact)s cannot be both opposed and approved; set the attitude or clear Approved.",
                contact=partner.display_name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_role_value(vals)
            self._check_approved_attitude_value(
                vals.get("approved"), vals.get("attitude"),
                self.env["res.partner"].browse(vals.get("partner_id")))
        return super().create(vals_list)

    def write(self, vals):
        self._check_role_value(vals)
        if {"approved", "attitude"} & set(vals):
            for kp in self:
                self._check_approved_attitude_value(
                    vals.get("approved", kp.approved), vals.get("attitude", kp.attitude), kp.partner_id)
        return super().write(vals)

    @api.constrains("date_last_contact")
    def _check_date_last_contact(self):
        today = fields.Date.context_today(self)
        for kp in self:
            if kp.date_last_contact and kp.date_last_contact > today:
                raise ValidationError(self.env._("The last contact date of %(contact)s cannot be in the future.",
                                        contact=kp.partner_id.display_name))

    def _is_won_over(self):
        """Approved, needs confirmed and objections handled: the person counts for grades A to C."""
        self.ensure_one()
        return self.approved and self.need_confirmed and self.objection_handled and self.attitude != "oppose"
