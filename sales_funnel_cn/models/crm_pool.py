from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError


class CrmPool(models.Model):
    """A public pool (公海): deals without a rep, claimable by its members under the pool's rules."""

    _name = "crm.pool"
    _inherit = ["mail.thread"]
    _description = "Public Pool"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, tracking=True)
    team_id = fields.Many2one(
        "crm.team", index=True,
        help="Deals of this sales team return to this pool. Leave empty for the company's default pool.", tracking=True)
    open_to_all = fields.Boolean(
        "Open to All Salespeople", default=True,
        help="Every salesperson of the company is a member; otherwise only the listed members.", tracking=True)
    member_ids = fields.Many2many("res.users", "crm_pool_member_rel", "pool_id", "user_id", string="Members")
    admin_ids = fields.Many2many(
        "res.users", "crm_pool_admin_rel", "pool_id", "user_id", string="Administrators",
        help="Pool administrators see contact details of pooled deals and may assign them.")
    followup_days = fields.Integer(
        "Days Without Follow-up", default=10,
        help="A deal not followed up for this many days (since the later of its last follow-up and its "
             "claim) returns to the pool.", tracking=True)
    won_days = fields.Integer(
        "Days to Win", default=35,
        help="A deal not won within this many days of its claim or assignment returns to the pool.", tracking=True)
    warning_days = fields.Integer(
        default=2, help="Warn the rep this many days before a deal returns to the pool.", tracking=True)
    holding_cap = fields.Integer(default=100, help="Open deals a rep may hold at most.", tracking=True)
    cap_counts_won = fields.Boolean("Won Deals Count Toward the Cap", default=False, tracking=True)
    daily_claim_cap = fields.Integer(default=20, help="Deals a rep may claim in any 24 hours.", tracking=True)
    cooldown_days = fields.Integer(
        "Cool-down Days", default=7,
        help="The previous owner may not claim the deal back for this many days.", tracking=True)
    claim_delay_hours = fields.Integer(
        "Claim Delay (hours)", default=0,
        help="A freshly pooled deal can be claimed only after this delay.", tracking=True)
    exempt_future_decision = fields.Boolean(
        "Exempt Deals With a Future Decision Date", default=False,
        help="A deal whose expected closing date is in the future is not reclaimed before that date, at most "
             "'Exemption Cap' days later than its rule says. The salesperson sets the expected closing date: "
             "a manager's lock (with a reason) is the way to keep a deal out of the pool for longer.", tracking=True)
    exempt_max_days = fields.Integer(
        "Exemption Cap (days)", default=14,
        help="How many days at most a future expected closing date may postpone the return to the pool.", tracking=True)
    grade_rule_ids = fields.One2many("crm.pool.grade.rule", "pool_id", string="Rules per Grade")
    lead_ids = fields.One2many("crm.lead", "pool_id", string="Deals")
    pooled_count = fields.Integer("Deals in Pool", compute="_compute_pooled_count")

    _sql_constraints = [
        ("team_uniq", "unique(company_id, team_id)", "A sales team has one pool per company."),
    ]

    @api.constrains("followup_days", "won_days", "warning_days", "holding_cap", "daily_claim_cap",
                    "cooldown_days", "claim_delay_hours", "exempt_max_days")
    def _check_positive(self):
        for pool in self:
            if min(pool.followup_days, pool.won_days, pool.holding_cap, pool.daily_claim_cap) <= 0 \
                    or min(pool.warning_days, pool.cooldown_days, pool.claim_delay_hours, pool.exempt_max_days) < 0:
                raise ValidationError(self.env._(
                    "Pool %(pool)s: days and caps must be positive numbers.", pool=pool.name))

    @api.model_create_multi
    def create(self, vals_list):
        pools = super().create(vals_list)
        pools._recompute_lead_pools()
        return pools

    def write(self, vals):
        result = super().write(vals)
        if {"team_id", "company_id", "active"} & set(vals):
            self._recompute_lead_pools()
        return result

    def _recompute_lead_pools(self):
        """Deals follow their pools in a few SQL statements, whatever their number. While the module is being
        installed, the post-init hook puts every deal in its pool (in its one pass over the deals)."""
        module = self.env["ir.module.module"].sudo().search([("name", "=", "sales_funnel_cn")])
        if module.state == "to install":
            return
        self.env["crm.lead"].sudo()._sfcn_assign_pools_sql(self.company_id.ids)

    def _compute_pooled_count(self):
        counts = dict(self.env["crm.lead"]._read_group(
            [("pool_id", "in", self.ids), ("user_id", "=", False)], ["pool_id"], ["__count"]))
        for pool in self:
            pool.pooled_count = counts.get(pool, 0)

    def _is_member(self, user):
        self.ensure_one()
        return (self.open_to_all and user._is_internal()) or user in self.member_ids or self._is_admin(user)

    def _is_admin(self, user):
        self.ensure_one()
        return user in self.admin_ids or user._sfcn_is_sales_manager()

    def _days_for_grade(self, grade):
        """(follow-up days, days to win) for a customer grade."""
        self.ensure_one()
        rule = self.grade_rule_ids.filtered(lambda r: r.grade == grade)[:1]
        return (rule.followup_days or self.followup_days), (rule.won_days or self.won_days)

    @api.model
    def _pools_by_key(self):
        pools = self.sudo().search([("active", "=", True)])
        return {(p.company_id.id, p.team_id.id): p for p in pools}

    def action_view_pooled(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_funnel_cn.crm_lead_action_pool")
        action["domain"] = [("pool_id", "=", self.id), ("user_id", "=", False)]
        return action
