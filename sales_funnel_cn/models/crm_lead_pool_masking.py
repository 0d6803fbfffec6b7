"""Public pool, masking: the contact details of pooled deals are hidden from salespeople who are not the pool's
administrators, on every read path (read, export, search, grouping, sort). The helpers live in sfcn_masking.py,
shared with contacts; this file says which deals are masked."""
from odoo import api
from odoo import models
from odoo.osv import expression

from .sfcn_access import is_trusted
from .sfcn_masking import CHATTER_TEXT_PATHS
from .sfcn_masking import export_masked
from .sfcn_masking import guard_domain
from .sfcn_masking import mask_read
from .sfcn_masking import strip_masked_order
from .sfcn_masking import touches_masked
from .sfcn_masking import viewer

# email_domain_criterion: crm keeps the whole address there for free mail providers (qq.com, 163.com, gmail.com)
MASKED_FIELDS = ("phone", "mobile", "email_from", "email_normalized", "phone_sanitized", "email_cc",
                 "email_domain_criterion", "call_phone", "call_suppression_note")
# fields a search, a grouping or a sort could reveal masked contact details through
MASKED_SEARCH_FIELDS = (*MASKED_FIELDS, "phone_mobile_search", *CHATTER_TEXT_PATHS)


class _DuplicatesFor:
    """Put in the context by _compute_potential_lead_duplicates around crm's searches (made as superuser) for one
    user: they then find only the deals this domain allows. A Python object: JSON cannot carry one, and it can
    only narrow a search."""

    __slots__ = ("domain",)

    def __init__(self, domain):
        self.domain = domain


DUPLICATES_KEY = "sfcn_duplicates_for"


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _pool_masked_ids(self):
        """Ids of pooled deals whose contact details the current user may not see."""
        if self.env.su:
            return set()
        user = self.env.user
        if user._sfcn_is_sales_manager():
            return set()
        masked = set()
        for lead in self.sudo():
            if not lead.user_id and lead.pool_id and user not in lead.pool_id.admin_ids:
                masked.add(lead.id)
        return masked

    def _read_format(self, fnames, load="_classic_read"):
        return mask_read(super()._read_format(fnames, load=load), fnames, MASKED_FIELDS,
                         viewer(self)._pool_masked_ids)

    def _pool_unmasked_domain(self):
        """Deals whose contact details the current user sees unmasked (owned, pool-less or pools they administer)."""
        admin_pools = self.env["crm.pool"].sudo().with_context(active_test=False).search(
            [("admin_ids", "in", self.env.uid)])
        return ["|", "|", ("user_id", "!=", False), ("pool_id", "=", False), ("pool_id", "in", admin_pools.ids)]

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """A salesperson who sees pooled deals' contact details masked must not find them by those details either
        (searching ``phone ilike 138`` would leak the number), nor sort by them: every condition on a masked
        field only matches deals the user sees unmasked, and sorts by a masked field are dropped."""
        if not is_trusted(self.env):
            order = strip_masked_order(order, MASKED_SEARCH_FIELDS)
            domain = guard_domain(domain, MASKED_SEARCH_FIELDS, self._pool_unmasked_domain)
        duplicates_for = self.env.context.get("sfcn_duplicates_for")  # DUPLICATES_KEY (a literal: classified)
        if isinstance(duplicates_for, _DuplicatesFor):
            domain = expression.AND([domain or [], duplicates_for.domain])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        """Grouping or aggregating by a masked field would show the values: only over deals seen unmasked."""
        if not is_trusted(self.env) and touches_masked(groupby, aggregates, having, MASKED_SEARCH_FIELDS):
            domain = expression.AND([domain or [], self._pool_unmasked_domain()])
        return super()._read_group(domain, groupby=groupby, aggregates=aggregates, having=having, offset=offset,
                                   limit=limit, order=order)

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        return export_masked(self, super()._export_rows, fields, MASKED_FIELDS, self._pool_masked_ids(),
                             _is_toplevel_call)

    # ------------------------------------------------------------------ core's duplicate detection
    def _get_lead_duplicates(self, partner=None, email=None, include_lost=False):
        """Core's convert wizard lists (and merges) the duplicates of a lead by its e-mail and customer. It
        searches with the lead's own values, which a salesperson types himself: a pooled deal he sees masked is
        listed only when it belongs to the customer he chose (its company), never because it has the e-mail he
        typed, which would tell him whose address that is."""
        if self.env.su:
            return super()._get_lead_duplicates(partner=partner, email=email, include_lost=include_lost)
        found = super(CrmLead, self.sudo())._get_lead_duplicates(partner=partner, email=email,
                                                                  include_lost=include_lost)
        found = found.with_env(self.env)._filtered_access("read")
        return found - found._pool_masked_by_detail(partner)

    def _compute_potential_lead_duplicates(self):
        """Core's "Similar Leads" count searches as superuser by e-mail domain (the whole address for qq.com,
        163.com, gmail.com), number and company, and keeps no result past 20 matches. For a salesperson, its
        searches leave out the deals of the public pool he sees masked and did not fill in himself (left out, not
        filtered afterwards, when they would still have counted towards the 20): a count would otherwise say
        whether a pooled deal has the number or e-mail he typed."""
        if is_trusted(self.env):
            return super()._compute_potential_lead_duplicates()
        uid = self.env.uid
        restrict = _DuplicatesFor(expression.OR([self._pool_unmasked_domain(), [("create_uid", "=", uid)],
                                                 [("write_uid", "=", uid)]]))
        return super(CrmLead, self.with_context(**{DUPLICATES_KEY: restrict}))._compute_potential_lead_duplicates()

    def _pool_masked_by_detail(self, partner):
        """Those of these deals that the user sees masked, did not fill in himself (created or last written: he
        typed their details, as crm's own tests do) and that are not of ``partner``'s company: found only by a
        contact detail he may have typed."""
        masked = self.browse(self._pool_masked_ids()).sudo().filtered(
            lambda lead: self.env.uid not in (lead.create_uid.id, lead.write_uid.id))
        if masked and partner:
            company = partner.sudo().commercial_partner_id
            masked = masked.filtered(lambda lead: lead.partner_id.commercial_partner_id != company)
        return masked.with_env(self.env)

    # ------------------------------------------------------------------ crm's "update the customer" ribbon
    def _get_partner_email_update(self, force_void=True):
        """crm compares the deal's e-mail with its customer's to offer updating the customer: for a customer the
        user sees masked, that answer would say whether an e-mail he types is the hidden one. Not offered (nor
        written to the customer: a salesperson cannot change a pooled customer's details)."""
        if self.partner_id and viewer(self.partner_id)._sfcn_masked_ids():
            return False
        return super()._get_partner_email_update(force_void=force_void)

    def _get_partner_phone_update(self, force_void=True):
        """As _get_partner_email_update, for the phone."""
        if self.partner_id and viewer(self.partner_id)._sfcn_masked_ids():
            return False
        return super()._get_partner_phone_update(force_void=force_void)
