from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from .crm_customer_level_history import CUSTOMER_LEVELS

LEVEL_FIELDS = ("customer_level", "customer_level_auto", "customer_level_override",
                "customer_level_override_reason", "customer_level_date")


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_level = fields.Selection(
        CUSTOMER_LEVELS, readonly=True, copy=False, index="btree_not_null",
        help="销售漏斗的层次: the manager's override if any, otherwise the level derived from the company's deals, "
             "calls and follow-ups.")
    customer_level_auto = fields.Selection(CUSTOMER_LEVELS, "Derived Level", readonly=True, copy=False)
    customer_level_override = fields.Selection(CUSTOMER_LEVELS, "Level Override", copy=False)
    customer_level_override_reason = fields.Char("Override Reason", copy=False)
    customer_level_date = fields.Datetime("Level Since", readonly=True, copy=False)
    customer_level_history_ids = fields.One2many("crm.customer.level.history", "partner_id", "Level History")

    def write(self, vals):
        if not self.env.su and {"customer_level", "customer_level_auto", "customer_level_date"} & set(vals):
            raise UserError(self.env._("The customer level is derived; a sales manager can override it."))
        override = {"customer_level_override", "customer_level_override_reason"} & set(vals)
        if override and not self.env.su:
            if not self.env.user._sfcn_is_sales_manager():
                raise UserError(self.env._("Only a sales manager can override a customer level."))
            for partner in self:
                level = vals.get("customer_level_override", partner.customer_level_override)
                reason = vals.get("customer_level_override_reason", partner.customer_level_override_reason)
                if level and not (reason or "").strip():
                    raise UserError(self.env._("Give the reason for overriding the customer level."))
        res = super().write(vals)
        if override:
            self.sudo()._apply_customer_level(manual=True)
        return res

    @api.model
    def _customer_level_companies(self, partners):
        return partners.mapped("commercial_partner_id").filtered("is_company")

    def _derive_customer_level(self):
        """({company id: level}, {company id: team of its latest deal}) from the deals (open, won and lost),
        calls and follow-ups of each company:

        - signed (签约): a won deal; implemented (已实施) when a visit was logged after it was won (acceptance);
        - intent (意向): an open deal of grade A or B, or with a visit or meeting follow-up;
        - lead (有线索): an open opportunity;
        - abandoned (放弃): deals, all of them lost (the lost reason says why);
        - contacted (已接触): a call or follow-up logged, no deal;
        - graded (已分级): a lead or a salesperson assigned; otherwise resource (客户资源)."""
        companies = self
        teams = {}
        if not companies:
            return {}, teams
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT c.id,
                   bool_or(l.id IS NOT NULL AND l.active AND s.is_won) AS won,
                   MIN(CASE WHEN l.active AND s.is_won THEN COALESCE(l.date_closed, l.write_date) END) AS won_date,
                   bool_or(l.active AND NOT COALESCE(s.is_won, FALSE) AND l.type = 'opportunity') AS open_deal,
                   bool_or(l.active AND NOT COALESCE(s.is_won, FALSE) AND l.type = 'opportunity'
                           AND l.customer_grade IN ('A', 'B')) AS open_ab,
                   bool_or(l.id IS NOT NULL AND l.active) AS any_active,
                   bool_or(l.id IS NOT NULL AND NOT l.active AND COALESCE(l.probability, 0) = 0) AS any_lost,
                   (array_agg(l.team_id ORDER BY l.id DESC) FILTER (WHERE l.team_id IS NOT NULL))[1] AS team
              FROM res_partner c
         LEFT JOIN res_partner p ON p.commercial_partner_id = c.id
         LEFT JOIN crm_lead l ON l.partner_id = p.id
         LEFT JOIN crm_stage s ON s.id = l.stage_id
             WHERE c.id IN %s
          GROUP BY c.id""", [tuple(companies.ids)])
        deals = {}
        for company_id, *flags, team in self.env.cr.fetchall():
            deals[company_id] = flags
            teams[company_id] = team
        self.env.cr.execute("""
            SELECT f.partner_id, MAX(f.date) FILTER (WHERE ch.is_visit), bool_or(ch.is_visit OR ch.id = %s),
                   bool_or(l.id IS NULL OR (l.active AND l.type = 'opportunity'))
              FROM crm_followup f JOIN crm_followup_channel ch ON ch.id = f.channel_id
         LEFT JOIN crm_lead l ON l.id = f.lead_id
             WHERE f.partner_id IN %s GROUP BY f.partner_id""",
                            [self.env["ir.model.data"]._xmlid_to_res_id("sales_funnel_cn.followup_channel_meeting"),
                             tuple(companies.ids)])
        followups = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        self.env.cr.execute("""
            SELECT DISTINCT p.commercial_partner_id FROM crm_call_log c JOIN res_partner p ON p.id = c.partner_id
             WHERE p.commercial_partner_id IN %s""", [tuple(companies.ids)])
        called = {row[0] for row in self.env.cr.fetchall()}
        levels = {}
        for company in companies:
            won, won_date, open_deal, open_ab, any_active, any_lost = deals.get(company.id, (False,) * 6)
            last_visit, met, _open = followups.get(company.id, (None, False, False))
            if won:
                levels[company.id] = "implemented" if last_visit and won_date and last_visit > won_date \
                    else "signed"
            elif open_deal and (open_ab or met):
                levels[company.id] = "intent"
            elif open_deal:
                levels[company.id] = "lead"
            elif any_lost and not any_active:
                levels[company.id] = "abandoned"
            elif company.id in followups or company.id in called:
                levels[company.id] = "contacted"
            elif any_active or company.user_id:
                levels[company.id] = "graded"
            else:
                levels[company.id] = "resource"
        return levels, teams

    def _apply_customer_level(self, manual=False):
        """Recompute the derived level of these companies and record every change of the effective level."""
        companies = self._customer_level_companies(self)
        derived, teams = companies._derive_customer_level()
        History = self.env["crm.customer.level.history"].sudo()
        now = fields.Datetime.now()
        for company in companies:
            auto = derived[company.id]
            level = company.customer_level_override or auto
            vals = {}
            if company.customer_level_auto != auto:
                vals["customer_level_auto"] = auto
            if company.customer_level != level:
                since = company.customer_level_date
                History.create({
                    "partner_id": company.id, "team_id": teams.get(company.id),
                    "level_from": company.customer_level,
                    "level_to": level, "date": now, "manual": manual and bool(company.customer_level_override),
                    "reason": company.customer_level_override_reason if manual else False,
                    "days_in_previous": (now - since).days if since else 0,
                })
                vals.update(customer_level=level, customer_level_date=now)
            if vals:
                company.sudo().write(vals)

    @api.model
    def _cron_refresh_customer_levels(self):
        """Safety net and first fill on an existing database: derive the level of every company."""
        companies = self.sudo().with_context(active_test=False).search([("is_company", "=", True)])
        for start in range(0, len(companies), 1000):
            companies[start:start + 1000]._apply_customer_level()
