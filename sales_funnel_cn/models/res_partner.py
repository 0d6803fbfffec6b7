from odoo import SUPERUSER_ID
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.osv import expression

from .sfcn_access import guard_create
from .sfcn_access import guard_write
from .sfcn_access import is_trusted
from .sfcn_access import log_corrections
from .sfcn_masking import CHATTER_TEXT_PATHS
from .sfcn_masking import export_masked
from .sfcn_masking import guard_domain
from .sfcn_masking import mask_contact
from .sfcn_masking import mask_read
from .sfcn_masking import strip_masked_order
from .sfcn_masking import touches_masked
from .sfcn_masking import viewer

# A customer of a deal in the public pool: Odoo copied the deal's phone and e-mail onto the contact (and its
# company). A salesperson who sees the deal masked sees these masked on the contact too, on every read path.
PARTNER_MASKED_FIELDS = ("phone", "mobile", "email", "email_formatted", "email_normalized", "phone_sanitized",
                         "call_suppression_note")
PARTNER_MASKED_SEARCH_FIELDS = (*PARTNER_MASKED_FIELDS, "phone_mobile_search", "email_domain_criterion",
                                *CHATTER_TEXT_PATHS)


class ResPartner(models.Model):
    """Contacts: their call state (crm_call_state.py: calls logged on the contact without a deal), the masking of
    the customers of pooled deals, the customer profile."""

    _name = "res.partner"
    _inherit = ["res.partner", "crm.call.state.mixin"]
    # a contact is flagged by its own blacklisting
    _sfcn_call_contact_field = "id"

    def action_log_call(self):
        self.ensure_one()
        return self.env["crm.call.log.wizard"]._action_open({"default_partner_id": self.id})

    # ------------------------------------------------------------------ system fields
    @api.model_create_multi
    def create(self, vals_list):
        guard_create(self, vals_list)
        self._sfcn_check_parents(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        changes = guard_write(self, vals)
        if not is_trusted(self.env) and {"phone", "mobile", "email"} & set(vals):
            self._sfcn_check_not_masked()
        self._sfcn_check_parents([vals])
        result = super().write(vals)
        log_corrections(self, changes)
        return result

    # ------------------------------------------------------------------ masking (customers of pooled deals)
    def _sfcn_masked_domain(self):
        """Contacts whose details the current salesperson sees masked: the customer (and its company) of a
        pooled deal he does not administer the pool of, unless he holds a deal of that customer himself."""
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        Partner = self.sudo().with_context(active_test=False)
        pooled = Lead._search(expression.AND([
            [("user_id", "=", False), ("pool_id", "!=", False), ("partner_id", "!=", False)],
            expression.normalize_domain(["!", *Lead._pool_unmasked_domain()])])).subselect("partner_id")
        own = Lead._search([("user_id", "=", self.env.uid), ("partner_id", "!=", False)]).subselect("partner_id")
        pooled_companies = Partner._search([("id", "in", pooled)]).subselect("commercial_partner_id")
        own_companies = Partner._search([("id", "in", own)]).subselect("commercial_partner_id")
        return ["&", "|", ("id", "in", pooled), ("id", "in", pooled_companies),
                "!", "|", ("id", "in", own), ("id", "in", own_companies)]

    def _sfcn_masked_ids(self):
        ids = [pid for pid in self._origin._ids if isinstance(pid, int)]
        if not ids or is_trusted(self.env):
            return set()
        return set(self.sudo().with_context(active_test=False)._search(
            [("id", "in", ids), *self._sfcn_masked_domain()]))

    def _sfcn_check_parents(self, vals_list):
        """A salesperson does not add a contact under the company of a pooled deal (a deal of that contact would
        then show him the company's hidden details): he claims the pooled deal first."""
        parents = {vals["parent_id"] for vals in vals_list if vals.get("parent_id")}
        if parents and not is_trusted(self.env):
            self.browse(parents)._sfcn_check_not_masked()

    def _sfcn_check_not_masked(self):
        masked = self.browse(self._sfcn_masked_ids())
        if masked:
            raise UserError(self.env._(
                "%(customer)s is the customer of a deal in the public pool: claim the deal to work with "
                "this customer.", customer=masked[0].sudo().display_name))

    def _message_get_suggested_recipients(self):
        """The chatter's suggested recipients carry the customer's e-mail: none on a masked customer's form."""
        if viewer(self)._sfcn_masked_ids():
            return []
        return super()._message_get_suggested_recipients()

    def _read_format(self, fnames, load="_classic_read"):
        return mask_read(super()._read_format(fnames, load=load), fnames, PARTNER_MASKED_FIELDS,
                         viewer(self)._sfcn_masked_ids)

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        return export_masked(self, super()._export_rows, fields, PARTNER_MASKED_FIELDS,
                             self._sfcn_masked_ids(), _is_toplevel_call)

    @api.depends_context("show_email", "uid")
    def _compute_display_name(self):
        result = super()._compute_display_name()
        if self.env.context.get("show_email") and self.env.uid != SUPERUSER_ID:
            # Odoo computes a many2one's display name as superuser for the same user (sudo keeps the uid): masked
            # for that user all the same, whatever record or grouping the name is read through
            masked = self.sudo(False)._sfcn_masked_ids()
            for partner in self:
                if partner.id in masked and partner.email:
                    partner.display_name = partner.display_name.replace(partner.email, mask_contact(partner.email))
        return result

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Finding, sorting or grouping customers of pooled deals by their masked details: only over
        contacts the salesperson sees unmasked (the same guard as on deals)."""
        if not is_trusted(self.env):
            order = strip_masked_order(order, PARTNER_MASKED_SEARCH_FIELDS)
            domain = guard_domain(domain, PARTNER_MASKED_SEARCH_FIELDS, lambda: ["!", *self._sfcn_masked_domain()])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _search_display_name(self, operator, value):
        """name_search and many2one dropdowns also match the e-mail: not a masked contact's."""
        domain = super()._search_display_name(operator, value)
        if is_trusted(self.env):
            return domain
        return guard_domain(domain, PARTNER_MASKED_SEARCH_FIELDS, lambda: ["!", *self._sfcn_masked_domain()])

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        if not is_trusted(self.env) and touches_masked(groupby, aggregates, having, PARTNER_MASKED_SEARCH_FIELDS):
            domain = expression.AND([domain or [], ["!", *self._sfcn_masked_domain()]])
        return super()._read_group(domain, groupby=groupby, aggregates=aggregates, having=having, offset=offset,
                                   limit=limit, order=order)

    # customer profile (seed 002 客户画像), on companies
    sfcn_region = fields.Char("Region")
    sfcn_development_stage = fields.Selection(
        [("startup", "Start-up"), ("growth", "Growth"), ("mature", "Mature"), ("decline", "Decline")],
        "Development Stage")
    sfcn_employee_count = fields.Integer("Employees")
    sfcn_purchasing_habit = fields.Selection(
        [("yearly", "Yearly"), ("quarterly", "Quarterly"), ("anytime", "Any Time")], "Purchasing Habit")
    sfcn_decision_cycle_days = fields.Integer("Typical Decision Cycle (days)")
    sfcn_typical_budget = fields.Float("Typical Budget")
    sfcn_decision_pattern = fields.Selection(
        [("eb", "EB alone"), ("eb_ub", "EB + UB"), ("eb_tb", "EB + TB"), ("eb_ub_tb", "EB + UB + TB")],
        "Decision Pattern")
