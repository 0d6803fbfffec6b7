from odoo import api
from odoo import fields
from odoo import models

# The pool fields the install fills with set-based SQL (see hooks.py): pre-created by the pre-init hook so
# that Odoo does not compute them record by record for every existing deal.
INSTALL_SQL_COLUMNS = {
    "pool_id": "int4",
    "date_reclaim": "timestamp",
    "date_reclaim_warning": "timestamp",
    "reclaim_rule": "varchar",
}


class CrmLead(models.Model):
    """What bringing an existing CRM under the module needs: set-based pool assignment and return-to-pool
    dates (the same rules as ``_compute_pool_id``/``_compute_date_reclaim``, for any number of deals in a
    few statements). Deals that reached their stage before the checklists existed are marked by the install
    with the gate's own mark (``sfcn_historical``, see hooks.py)."""

    _inherit = "crm.lead"

    # ------------------------------------------------------------------ set-based pool maintenance
    @api.model
    def _sfcn_assign_pools_sql(self, company_ids):
        """Put every deal of these companies (and the deals without company) in its team's pool, else its
        company's default pool (as ``_compute_pool_id``); returns the ids of the deals whose pool changed,
        with their return-to-pool dates recomputed."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("""
            WITH target AS (
                SELECT l.id, COALESCE(
                    (SELECT p.id FROM crm_pool p
                      WHERE p.active AND p.company_id = COALESCE(l.company_id, %(company)s)
                        AND p.team_id = l.team_id ORDER BY p.sequence DESC, p.id DESC LIMIT 1),
                    (SELECT p.id FROM crm_pool p
                      WHERE p.active AND p.company_id = COALESCE(l.company_id, %(company)s)
                        AND p.team_id IS NULL ORDER BY p.sequence DESC, p.id DESC LIMIT 1),
                    l.pool_id) AS pool_id
                  FROM crm_lead l
                 WHERE l.company_id = ANY(%(companies)s) OR l.company_id IS NULL)
            UPDATE crm_lead l SET pool_id = t.pool_id
              FROM target t
             WHERE t.id = l.id AND l.pool_id IS DISTINCT FROM t.pool_id
         RETURNING l.id""", {"company": self.env.company.id, "companies": list(company_ids)})
        ids = [row[0] for row in cr.fetchall()]
        self.invalidate_model(["pool_id"])
        self._sfcn_reclaim_dates_sql(ids)
        return ids

    @api.model
    def _sfcn_reclaim_dates_sql(self, ids):
        """Recompute date_reclaim, date_reclaim_warning and reclaim_rule of these deals in SQL, with the rules
        of ``_compute_date_reclaim`` (a test keeps both in step)."""
        if not ids:
            return
        self.env.flush_all()
        now = fields.Datetime.now()
        self.env.cr.execute("""
            WITH due AS (
                SELECT l.id, p.warning_days, c.rule,
                       CASE WHEN p.exempt_future_decision AND l.date_deadline IS NOT NULL
                            THEN GREATEST(c.date, LEAST((l.date_deadline + 1)::timestamp,
                                                        c.date + make_interval(days => COALESCE(p.exempt_max_days, 0))))
                            ELSE c.date END AS date
                  FROM crm_lead l
                  JOIN crm_pool p ON p.id = l.pool_id
             LEFT JOIN crm_stage s ON s.id = l.stage_id
             LEFT JOIN LATERAL (SELECT g.followup_days, g.won_days FROM crm_pool_grade_rule g
                                 WHERE g.pool_id = p.id AND g.grade = l.customer_grade
                              ORDER BY g.id LIMIT 1) g ON true
            CROSS JOIN LATERAL (SELECT COALESCE(l.date_claimed, l.create_date, %(now)s) AS start) st
            CROSS JOIN LATERAL (
                       SELECT GREATEST(st.start, COALESCE(l.date_last_followup, st.start))
                              + make_interval(days => COALESCE(NULLIF(g.followup_days, 0), p.followup_days))
                              AS by_followup,
                              st.start + make_interval(days => COALESCE(NULLIF(g.won_days, 0), p.won_days))
                              AS by_won) b
            CROSS JOIN LATERAL (
                       SELECT CASE WHEN b.by_followup <= b.by_won THEN b.by_followup ELSE b.by_won END AS date,
                              CASE WHEN b.by_followup <= b.by_won THEN 'followup' ELSE 'not_won' END AS rule) c
                 WHERE l.id = ANY(%(ids)s) AND l.user_id IS NOT NULL AND l.active
                   AND NOT COALESCE(l.pool_locked, false) AND COALESCE(l.probability, 0) < 100
                   AND NOT COALESCE(s.is_won, false))
            UPDATE crm_lead l
               SET date_reclaim = due.date,
                   date_reclaim_warning = due.date - make_interval(days => due.warning_days),
                   reclaim_rule = due.rule
              FROM crm_lead l2 LEFT JOIN due ON due.id = l2.id
             WHERE l2.id = l.id AND l.id = ANY(%(ids)s)""", {"now": now, "ids": list(ids)})
        self.invalidate_model(["date_reclaim", "date_reclaim_warning", "reclaim_rule"])

    # ------------------------------------------------------------------ core's duplicate detection
    def _get_lead_duplicates(self, partner=None, email=None, include_lost=False):
        """Core's convert wizard finds duplicates by the deal's own e-mail and partner; pooled deals whose
        contact details the user sees masked are found as core finds unassigned deals (only those the user
        may read; the search runs with the deal's value, so no contact detail is revealed)."""
        if self.env.su:
            return super()._get_lead_duplicates(partner=partner, email=email, include_lost=include_lost)
        found = super(CrmLead, self.sudo())._get_lead_duplicates(partner=partner, email=email,
                                                                  include_lost=include_lost)
        return found.with_env(self.env)._filtered_access("read")
