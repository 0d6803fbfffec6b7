"""Seed 003: a lead becomes an opportunity when the customer has a budget and a timeline and we have a
matching solution; and the company-level major lead (公司级重大线索) above the important lead."""
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

# the fields the lead class is computed from: a write of one of them may make a lead a major lead
CLASS_FIELDS = frozenset({"expected_revenue", "customer_importance", "solution_fit", "date_project_start",
                          "temperature", "company_id"})


class CrmLead(models.Model):
    _inherit = "crm.lead"

    sfcn_budget = fields.Monetary(
        "Customer Budget", currency_field="company_currency", tracking=True,
        help="The budget the customer has for the project (seed 003: budget, timeline and a matching "
             "solution make a lead an opportunity).")
    lead_class = fields.Selection(selection_add=[("major", "Company-level Major Lead"), ("important",)])
    sfcn_criterion_missing = fields.Char(
        "Missing for Conversion", compute="_compute_sfcn_criterion_missing",
        help="What the lead still lacks of the lead-to-opportunity criterion: budget, timeline, solution.")

    @api.depends("expected_revenue", "customer_importance", "solution_fit", "temperature", "company_id")
    def _compute_lead_class(self):
        res = super()._compute_lead_class()
        for lead in self:
            if lead.lead_class == "important" and (
                    lead.expected_revenue >= lead._sfcn_company().sfcn_lead_major_revenue):
                lead.lead_class = "major"
        return res

    @api.depends("sfcn_budget", "date_project_start", "solution_fit")
    def _compute_sfcn_criterion_missing(self):
        for lead in self:
            lead.sfcn_criterion_missing = ", ".join(lead._sfcn_criterion_missing())

    def _sfcn_criterion_missing(self):
        """The items of the criterion the lead lacks, as translated labels (empty: the criterion is met)."""
        self.ensure_one()
        missing = []
        if self.sfcn_budget <= 0:
            missing.append(self.env._("customer budget"))
        if not self.date_project_start:
            missing.append(self.env._("project timeline (expected project start)"))
        if self.solution_fit not in ("high", "medium"):
            missing.append(self.env._("matching solution (solution fit high or medium)"))
        return missing

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        majors = leads.filtered(lambda lead: lead.lead_class == "major")
        if majors:
            majors._sfcn_notify_major()
        return leads

    def write(self, vals):
        converting = self.browse()
        if vals.get("type") == "opportunity":
            converting = self.filtered(lambda lead: lead.type == "lead")
        before = {lead.id: lead.lead_class for lead in self} if CLASS_FIELDS & vals.keys() else None
        res = super().write(vals)
        if converting:
            converting._sfcn_check_convert_criterion()
        if before is not None:
            majors = self.filtered(lambda lead: lead.lead_class == "major" and before[lead.id] != "major")
            if majors:
                majors._sfcn_notify_major()
        return res

    def _sfcn_check_convert_criterion(self):
        """Every path that turns a lead into an opportunity writes ``type`` (the convert wizard, mass convert,
        merge, ``convert_opportunity``, a plain write, import): checked here, after the write, so values given
        with the conversion count. Block: refused (the whole transaction is rolled back); warn: a note."""
        if self.env.su:
            return
        refused, warned = [], []
        for lead in self:
            mode = lead.team_id.sudo().sfcn_convert_criterion or "off"
            if mode == "off":
                continue
            missing = lead._sfcn_criterion_missing()
            if missing:
                (refused if mode == "block" else warned).append((lead, missing))
        if refused:
            raise UserError(self.env._(
                "A lead becomes an opportunity when the customer's budget, the project timeline and a matching "
                "solution are known. Missing:\n%(missing)s",
                missing="\n".join(f"- {lead.name}: {', '.join(missing)}" for lead, missing in refused)))
        for lead, missing in warned:
            lead.sudo().message_post(
                body=self.env._("Converted to an opportunity without the criterion being met. Missing: "
                                "%(missing)s", missing=", ".join(missing)),
                message_type="notification", subtype_xmlid="mail.mt_note")

    def _sfcn_major_recipients(self):
        """The sales managers to notify of a major lead: the team leader and the company's sales managers."""
        self.ensure_one()
        company = self.company_id or self.env.company
        managers = self.env.ref("sales_team.group_sale_manager").sudo().users.filtered(
            lambda user: company in user.company_ids and user.active and not user.share
            and user.id != self.env.ref("base.user_root").id)
        return (self.team_id.sudo().user_id | managers).partner_id

    def _sfcn_notify_major(self):
        for lead in self.sudo():
            partners = lead._sfcn_major_recipients()
            lead.message_post(
                body=self.env._("%(lead)s is now a company-level major lead (expected revenue %(revenue)s): "
                                "follow it closely.", lead=lead.name, revenue=lead.expected_revenue),
                message_type="notification", subtype_xmlid="mail.mt_note", partner_ids=partners.ids)
