from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError

from .crm_lead_key_person import DECISION_ROLES
from .res_company import GRADE_DAYS_FIELDS
from .sfcn_access import is_trusted

CUSTOMER_GRADES = [
    ("A", "A · Process Customer"),
    ("B", "B · Intent Customer"),
    ("C", "C · Target Customer"),
    ("D", "D · Potential Customer"),
]
GRADE_ORDER = ["D", "C", "B", "A"]
GRADE_FACT_FIELDS = [
    "budget_confirmed", "procurement_state", "quote_state", "date_decision", "date_deadline",
    "competitor_known", "competitor_excluded",
]


class CrmLead(models.Model):
    _inherit = "crm.lead"

    key_person_ids = fields.One2many("crm.lead.key.person", "lead_id", "Key Persons")
    # qualification facts (seed 002)
    budget_confirmed = fields.Boolean(tracking=True)
    budget_amount = fields.Monetary("Budget", currency_field="company_currency")
    procurement_state = fields.Selection(
        [("unknown", "Unknown"), ("clear", "Clear"), ("started", "Started")],
        string="Procurement Process", default="unknown", required=True, tracking=True)
    quote_state = fields.Selection(
        [("none", "Not Quoted"), ("negotiating", "Quoted, Negotiating"), ("confirmed", "Confirmed")],
        string="Quote", default="none", required=True, tracking=True)
    date_decision = fields.Date("Agreed Decision Date", tracking=True,
                                help="The date the customer agreed to decide by.")
    competitor_known = fields.Boolean("Main Competitor Known")
    competitor_name = fields.Char("Main Competitor")
    competitor_excluded = fields.Boolean(help="The main competitor is ruled out.")
    won_reason = fields.Char()

    # Computed from key persons and qualification facts (seed 002); other features (public pool rules,
    # reports) read it. A manager's override wins; the computed grade stays visible.
    customer_grade_computed = fields.Selection(
        CUSTOMER_GRADES, "Computed Grade", compute="_compute_customer_grade_computed", store=True,
        copy=False)
    customer_grade_why = fields.Text("Why This Grade", compute="_compute_customer_grade_why",
                                     help="Criteria of the grade that hold, and those blocking the next grade.")
    customer_grade_override = fields.Selection(CUSTOMER_GRADES, "Grade Override", copy=False)
    customer_grade_override_reason = fields.Char("Override Reason", copy=False)
    customer_grade = fields.Selection(
        CUSTOMER_GRADES, compute="_compute_customer_grade", store=True, readonly=True, copy=False)
    eb_missing_warning = fields.Boolean(
        "No Approved EB", compute="_compute_eb_missing_warning", store=True,
        help="The deal is at 75% or more but no economic buyer (EB) has approved it.")

    def _grade_decision_days(self):
        """{grade: decision window in days} of the deal's company."""
        company = self._sfcn_company()
        return {grade: company[name] for grade, name in GRADE_DAYS_FIELDS.items()}

    def _grade_criteria(self, today, days):
        """Criteria of each grade for this deal: {grade: [(label, holds), ...]} (seed 002's table)."""
        self.ensure_one()
        kps = self.key_person_ids.filtered(lambda kp: kp.role in DECISION_ROLES)
        reached = set(kps.mapped("role"))
        won = {kp.role for kp in kps if kp._is_won_over()}

        def within(date, limit):
            return bool(date) and 0 <= (date - today).days <= limit

        decision = self.date_decision or self.date_deadline
        return {
            "D": [
                (self.env._("First contact with an EB, UB or TB"), bool(reached)),
            ],
            "C": [
                (self.env._("One of EB/UB/TB approved, needs confirmed, objections handled"), len(won) >= 1),
                (self.env._("Budget confirmed"), self.budget_confirmed),
                (self.env._("Decision within %(days)s days", days=days["C"]), within(decision, days["C"])),
            ],
            "B": [
                (self.env._("Two of EB/UB/TB approved, needs confirmed, objections handled"), len(won) >= 2),
                (self.env._("Budget confirmed"), self.budget_confirmed),
                (self.env._("Procurement process clear"), self.procurement_state in ("clear", "started")),
                (self.env._("Decision within %(days)s days", days=days["B"]), within(decision, days["B"])),
            ],
            "A": [
                (self.env._("EB, UB and TB all reached"), reached >= set(DECISION_ROLES)),
                (self.env._("EB approved together with UB or TB"), "eb" in won and bool(won & {"ub", "tb"})),
                (self.env._("Needs of every key person confirmed"), bool(kps) and all(kps.mapped("need_confirmed"))),
                (self.env._("Objections of every key person handled"),
                 bool(kps) and all(kps.mapped("objection_handled"))),
                (self.env._("Main competitor known and excluded"), self.competitor_known and self.competitor_excluded),
                (self.env._("Budget confirmed"), self.budget_confirmed),
                (self.env._("Procurement process started"), self.procurement_state == "started"),
                (self.env._("Quote negotiated and confirmed"), self.quote_state == "confirmed"),
                (self.env._("Decision date agreed within %(days)s days", days=days["A"]),
                 within(self.date_decision, days["A"])),
            ],
        }

    def _grade_evaluate(self, today, days):
        """(grade, criteria): the highest grade whose criteria all hold, each grade requiring the previous."""
        criteria = self._grade_criteria(today, days)
        grade = False
        for candidate in GRADE_ORDER:
            if not all(holds for __, holds in criteria[candidate]):
                break
            grade = candidate
        return grade, criteria

    @api.depends(
        "key_person_ids", "key_person_ids.role", "key_person_ids.approved", "key_person_ids.attitude",
        "key_person_ids.need_confirmed", "key_person_ids.objection_handled", *GRADE_FACT_FIELDS, "company_id")
    def _compute_customer_grade_computed(self):
        today = fields.Date.context_today(self)
        for lead in self:
            lead.customer_grade_computed = lead._grade_evaluate(today, lead._grade_decision_days())[0]

    @api.depends(
        "key_person_ids", "key_person_ids.role", "key_person_ids.approved", "key_person_ids.attitude",
        "key_person_ids.need_confirmed", "key_person_ids.objection_handled", *GRADE_FACT_FIELDS, "company_id")
    @api.depends_context("lang")
    def _compute_customer_grade_why(self):
        today = fields.Date.context_today(self)
        for lead in self:
            grade, criteria = lead._grade_evaluate(today, lead._grade_decision_days())
            if grade:
                lines = [self.env._("Grade %(grade)s holds:", grade=grade)]
                lines += ["✓ %s" % label for label, __ in criteria[grade]]
            else:
                lines = [self.env._("No grade yet.")]
            if grade != "A":
                next_grade = GRADE_ORDER[GRADE_ORDER.index(grade) + 1] if grade else "D"
                lines.append(self.env._("To reach grade %(grade)s:", grade=next_grade))
                lines += [("✓ %s" if holds else "✗ %s") % label for label, holds in criteria[next_grade]]
            lead.customer_grade_why = "\n".join(lines)

    @api.depends("customer_grade_computed", "customer_grade_override")
    def _compute_customer_grade(self):
        for lead in self:
            lead.customer_grade = lead.customer_grade_override or lead.customer_grade_computed

    @api.depends("probability", "key_person_ids.role", "key_person_ids.approved", "key_person_ids.attitude")
    def _compute_eb_missing_warning(self):
        for lead in self:
            lead.eb_missing_warning = lead.probability >= 75 and not any(
                kp.role == "eb" and kp.approved and kp.attitude != "oppose" for kp in lead.key_person_ids)

    @api.model
    def _check_date_decision_value(self, date):
        date = fields.Date.to_date(date)
        if date and date < fields.Date.context_today(self):
            raise ValidationError(self.env._("The agreed decision date %(date)s is in the past.", date=date))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_date_decision_value(vals.get("date_decision"))
        return super().create(vals_list)

    def _recompute_date_dependent(self):
        """Mark what depends on today (or on settings) for recomputation."""
        for fname in ("temperature", "lead_class", "customer_grade_computed", "customer_grade"):
            self.env.add_to_compute(self._fields[fname], self)

    @api.constrains("customer_grade_override", "customer_grade_override_reason")
    def _check_override_reason(self):
        for lead in self:
            if lead.customer_grade_override and not (lead.customer_grade_override_reason or "").strip():
                raise ValidationError(self.env._("Give a reason to override the customer grade."))

    def write(self, vals):
        if vals.get("date_decision"):
            self._check_date_decision_value(vals["date_decision"])
        override_keys = {"customer_grade_override", "customer_grade_override_reason"} & set(vals)
        if override_keys and not is_trusted(self.env):
            raise UserError(self.env._("Only sales managers may override the customer grade."))
        if "customer_grade_override" in vals and not vals["customer_grade_override"] \
                and "customer_grade_override_reason" not in vals:
            vals = dict(vals, customer_grade_override_reason=False)
        before = {lead.id: lead.customer_grade_override for lead in self} if override_keys else {}
        res = super().write(vals)
        for lead in self.filtered(lambda lead: lead.id in before
                                  and before[lead.id] != lead.customer_grade_override):
            labels = dict(self._fields["customer_grade"]._description_selection(self.env))
            if lead.customer_grade_override:
                body = self.env._("Customer grade overridden to %(grade)s (computed: %(computed)s). Reason: %(reason)s",
                         grade=labels[lead.customer_grade_override],
                         computed=labels.get(lead.customer_grade_computed, self.env._("none")),
                         reason=lead.customer_grade_override_reason)
            else:
                body = self.env._("Customer grade override removed; computed grade %(computed)s applies.",
                         computed=labels.get(lead.customer_grade_computed, self.env._("none")))
            lead.message_post(body=body, message_type="notification")
        return res
