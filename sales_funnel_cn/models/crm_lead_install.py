"""Installing on a CRM that already holds years of deals (hooks.py calls it): one concern, kept in one file of
about 320 lines on purpose. Every statement here is the set-based twin of an ORM compute or default of the
module's other files (a test compares each value with a fresh ORM compute), so reading them side by side is
how they are kept equal; splitting them would separate each statement from its neighbours it must agree
with (the pre-created columns, the one table rewrite, the bulk inserts)."""
from contextlib import contextmanager

from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL
from odoo.tools.sql import column_exists
from odoo.tools.sql import create_column

from .crm_lead_key_person import DECISION_ROLES
from .crm_lead_stage_record import CHECKS_DONE_SQL

# The columns the module adds to tables that already hold a company's data, whose values Odoo would write row
# by row for every existing record at install: stored computed fields (computed record by record, then
# flushed one UPDATE per value) and fields with a default (one UPDATE of the whole table each). The pre-init
# hook creates them: Odoo computes a stored field on existing rows only when it creates its column
# (``Field.update_db`` returns ``not column``, ``BaseModel._auto_init`` marks only those to compute) and
# initialises a default only on a new column (``update_db_notnull``/``_init_column``). A default is given to
# PostgreSQL with the column (``ADD COLUMN ... DEFAULT``: no table rewrite) and dropped at once, as Odoo keeps
# defaults in Python. post_init_hook fills the computed ones set-based (``_sfcn_install_fill_computed``).
# {table: {column: (SQL type, default or None, NOT NULL)}}; a test keeps it in step with the fields.
INSTALL_SQL_COLUMNS = {
    "crm_lead": {
        # pools (crm_lead_pool.py)
        "pool_id": ("int4", None, False),
        "date_reclaim": ("timestamp", None, False),
        "date_reclaim_warning": ("timestamp", None, False),
        "reclaim_rule": ("varchar", None, False),
        # calls (crm_call_state.py; the numbers are crm's own phone_sanitized)
        "call_na_count": ("int4", 0, False),
        # grades and qualification (crm_lead_grade.py, crm_lead_qualification.py)
        "procurement_state": ("varchar", "unknown", True),
        "quote_state": ("varchar", "none", True),
        "customer_grade_computed": ("varchar", None, False),
        "customer_grade": ("varchar", None, False),
        "eb_missing_warning": ("bool", None, False),
        "temperature": ("varchar", None, False),
        "lead_class": ("varchar", None, False),
        # referrals (crm_lead_referral.py): no deal has a referrer before the install, so it stays empty
        "sfcn_referrer_company_id": ("int4", None, False),
        # the checks a deal answered (crm_lead_stage_record.py): none before the install, but for those the
        # post_init_hook answers "entered before the checklist" (CHECKS_DONE_SQL)
        "sfcn_checks_done": ("varchar", None, False),
    },
    "res_partner": {
        "call_na_count": ("int4", 0, False),
    },
}


def create_install_columns(cr):
    """Create the columns of INSTALL_SQL_COLUMNS that do not exist yet (see above)."""
    for table, columns in INSTALL_SQL_COLUMNS.items():
        for column, (sql_type, default, required) in columns.items():
            if column_exists(cr, table, column):
                continue
            if default is None:
                create_column(cr, table, column, sql_type)
                continue
            # the types are the constants above
            cr.execute(SQL("ALTER TABLE %s ADD COLUMN %s %s DEFAULT %s", SQL.identifier(table),
                           SQL.identifier(column), SQL(sql_type + (" NOT NULL" if required else "")), default))
            cr.execute(SQL("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", SQL.identifier(table),
                           SQL.identifier(column)))


@contextmanager
def bulk_insert(cr, tables):
    """Insert many rows into these (new, the module's own) tables without checking each row's foreign keys and
    updating each index row by row: their foreign keys and non-unique indexes are dropped and, after the block,
    made again exactly as they were (a foreign key added back checks every row in one query; an index is built
    in bulk). In the install's transaction: nothing is changed if anything fails."""
    cr.execute("""SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                    FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])""", [tables])
    foreign_keys = cr.fetchall()
    cr.execute("""SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                    FROM pg_index i
                   WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary""", [tables])
    indexes = cr.fetchall()
    for table, name, __ in foreign_keys:
        cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT %s", SQL.identifier(table), SQL.identifier(name)))
    for name, __ in indexes:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    yield
    for __, definition in indexes:
        cr.execute(definition)
    for table, name, definition in foreign_keys:
        cr.execute(SQL("ALTER TABLE %s ADD CONSTRAINT %s %s", SQL.identifier(table), SQL.identifier(name),
                       SQL(definition)))


def sql_case(cases, default=None):
    """CASE WHEN <condition> THEN <value> ... ELSE <default> END from [(SQL condition, value)]; NULL when empty."""
    if not cases:
        return SQL("%s", default)
    whens = SQL(" ").join(SQL("WHEN %s THEN %s", condition, value) for condition, value in cases)
    return SQL("(CASE %s ELSE %s END)", whens, default)


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
        # the ids are joined (a large "= ANY(array)" is a linear search per row: quadratic at 200,000 deals)
        self.env.cr.execute("""
            WITH target AS (SELECT DISTINCT unnest(%(ids)s::int[]) AS id),
            due AS (
                SELECT l.id, p.warning_days, c.rule,
                       CASE WHEN p.exempt_future_decision AND l.date_deadline IS NOT NULL
                            THEN GREATEST(c.date, LEAST((l.date_deadline + 1)::timestamp,
                                                        c.date + make_interval(days => COALESCE(p.exempt_max_days, 0))))
                            ELSE c.date END AS date
                  FROM target t
                  JOIN crm_lead l ON l.id = t.id
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
                 WHERE l.user_id IS NOT NULL AND l.active
                   AND NOT COALESCE(l.pool_locked, false) AND COALESCE(l.probability, 0) < 100
                   AND NOT COALESCE(s.is_won, false))
            UPDATE crm_lead l
               SET date_reclaim = due.date,
                   date_reclaim_warning = due.date - make_interval(days => due.warning_days),
                   reclaim_rule = due.rule
              FROM target t LEFT JOIN due ON due.id = t.id
             WHERE l.id = t.id
               AND (l.date_reclaim, l.date_reclaim_warning, l.reclaim_rule)
                   IS DISTINCT FROM (due.date, due.date - make_interval(days => due.warning_days), due.rule)
        """, {"now": now, "ids": list(ids)})
        self.invalidate_model(["date_reclaim", "date_reclaim_warning", "reclaim_rule"])

    # ------------------------------------------------------------------ install: one pass over the deals
    @api.model
    def _sfcn_install_rewrite(self, now):
        """Write what the install gives every existing deal in ONE rewrite of crm_lead (``ALTER TABLE ... ALTER
        COLUMN ... TYPE ... USING``): PostgreSQL writes the table once and rebuilds its indexes in bulk, several
        times faster than an UPDATE of every row (each row updated touches every index of the table). The
        values, row by row as the ORM computes them:

        - ``date_claimed`` (owned deals) / ``date_pooled`` (unassigned ones): the install, unless already set;
        - ``pool_id``: its company's team pool, else its company's default pool (``_compute_pool_id``);
        - ``date_reclaim``, ``date_reclaim_warning``, ``reclaim_rule`` (``_compute_date_reclaim``), with the
          pools' days as constants: the grace period starts at the install;
        - ``eb_missing_warning`` (``_compute_eb_missing_warning``) for deals without key persons (all of them
          on a CRM that never had the module; the others are updated after);
        - ``medium_id``: the acquisition channel (``_sfcn_install_channel_sql``).

        A rewrite expression sees one row (no sub-query): what depends on other tables (pools, won stages,
        grade rules) is turned into constants first. Deals whose grade, temperature or lead class has facts to
        read are left to the ORM (``_sfcn_install_fill_computed``)."""
        self.env.flush_all()
        cr = self.env.cr
        company = self.env.company.id
        # pools: as _compute_pool_id, team pool first, then the company's default pool, else unchanged
        pools = self.env["crm.pool"]._pools_by_key()
        lead_company = SQL("COALESCE(company_id, %s)", company)
        team_cases = [(SQL("%s = %s AND team_id = %s", lead_company, c, t), pool.id)
                      for (c, t), pool in pools.items() if t]
        company_cases = [(SQL("%s = %s", lead_company, c), pool.id) for (c, t), pool in pools.items() if not t]
        new_pool = SQL("COALESCE(%s, %s, pool_id)", sql_case(team_cases), sql_case(company_cases))
        new_claimed = SQL("(CASE WHEN user_id IS NOT NULL AND date_claimed IS NULL THEN %s ELSE date_claimed END)",
                          now)
        # the pools' days for the deal's grade, its exemption and its warning, as constants by pool
        by_pool = {}
        for pool in pools.values():
            grades = {grade: pool._days_for_grade(grade) for grade, __ in self._fields["customer_grade"].selection}
            by_pool[pool.id] = (pool, grades)

        def per_pool(value):
            return sql_case([(SQL("%s = %s", new_pool, pool_id), value(pool, grades))
                             for pool_id, (pool, grades) in by_pool.items()])

        def by_grade(grades, index, default):
            return sql_case([(SQL("customer_grade = %s", grade), days[index]) for grade, days in grades.items()
                             if days[index] != default], default)

        followup_days = per_pool(lambda pool, grades: by_grade(grades, 0, pool.followup_days))
        won_days = per_pool(lambda pool, grades: by_grade(grades, 1, pool.won_days))
        warning_days = per_pool(lambda pool, grades: pool.warning_days)
        exempt_days = per_pool(lambda pool, grades: pool.exempt_max_days if pool.exempt_future_decision else None)
        won_stages = self.env["crm.stage"].sudo().with_context(active_test=False).search([("is_won", "=", True)]).ids
        holds = SQL("""user_id IS NOT NULL AND %(pool)s IS NOT NULL AND active AND NOT COALESCE(pool_locked, false)
                       AND COALESCE(probability, 0) < 100 AND NOT COALESCE(stage_id = ANY(%(won)s), false)""",
                    pool=new_pool, won=won_stages or [0])
        start = SQL("COALESCE(%s, create_date, %s)", new_claimed, now)
        by_followup = SQL("""(GREATEST(%(start)s, COALESCE(date_last_followup, %(start)s))
                               + make_interval(days => (%(d)s)::int))""", start=start, d=followup_days)
        by_won = SQL("(%s + make_interval(days => (%s)::int))", start, won_days)
        first = SQL("LEAST(%s, %s)", by_followup, by_won)
        date = SQL("""(CASE WHEN %(exempt)s IS NOT NULL AND date_deadline IS NOT NULL
                            THEN GREATEST(%(first)s, LEAST((date_deadline + 1)::timestamp,
                                                           %(first)s + make_interval(days => (%(exempt)s)::int)))
                            ELSE %(first)s END)""", exempt=exempt_days, first=first)
        columns = {
            "date_claimed": ("timestamp", new_claimed),
            "date_pooled": ("timestamp", SQL(
                "(CASE WHEN user_id IS NULL AND date_pooled IS NULL THEN %s ELSE date_pooled END)", now)),
            "pool_id": ("int4", new_pool),
            "date_reclaim": ("timestamp", SQL("(CASE WHEN %s THEN %s END)", holds, date)),
            "date_reclaim_warning": ("timestamp", SQL(
                "(CASE WHEN %s THEN %s - make_interval(days => (%s)::int) END)", holds, date, warning_days)),
            "reclaim_rule": ("varchar", SQL(
                "(CASE WHEN %s THEN (CASE WHEN %s <= %s THEN 'followup' ELSE 'not_won' END) END)",
                holds, by_followup, by_won)),
            "eb_missing_warning": ("bool", SQL("COALESCE(probability, 0) >= 75")),
        }
        channel = self._sfcn_install_channel_sql()  # crm_lead_channel.py: the lead's acquisition channel
        if channel is not None:
            columns["medium_id"] = ("int4", channel)
        # a view on these columns forbids the rewrite: the same row-by-row values are then written by an UPDATE
        cr.execute("""
            SELECT 1 FROM pg_depend d
              JOIN pg_rewrite r ON r.oid = d.objid
              JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
             WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = 'crm_lead'::regclass
               AND r.ev_class <> 'crm_lead'::regclass AND a.attname = ANY(%s) LIMIT 1""", [list(columns)])
        if cr.fetchone():
            cr.execute(SQL("UPDATE crm_lead SET %s", SQL(", ").join(
                SQL("%s = %s", SQL.identifier(name), value) for name, (__, value) in columns.items())))
        else:
            cr.execute(SQL("ALTER TABLE crm_lead %s", SQL(", ").join(
                SQL("ALTER COLUMN %s TYPE %s USING %s", SQL.identifier(name), SQL(sql_type), value)
                for name, (sql_type, value) in columns.items())))
        self.env.invalidate_all()

    # ------------------------------------------------------------------ install: computed columns
    @api.model
    def _sfcn_install_fill_computed(self, batch_size=2000):
        """After ``_sfcn_install_rewrite``: the rest of the stored computed values the module adds, as their
        compute methods would (their columns were created by the pre-init hook, so Odoo did not compute them).
        A value SQL cannot express exactly is left to the ORM, on the few deals whose facts call for it; a test
        compares everything with a fresh compute of the same records."""
        self.env.flush_all()
        cr = self.env.cr
        # _compute_eb_missing_warning of the deals with key persons: no warning with an approving economic buyer
        cr.execute("""
            UPDATE crm_lead l SET eb_missing_warning = false
             WHERE l.eb_missing_warning AND EXISTS (
                   SELECT 1 FROM crm_lead_key_person kp
                    WHERE kp.lead_id = l.id AND kp.role = 'eb' AND kp.approved
                      AND kp.attitude IS DISTINCT FROM 'oppose')""")
        # _compute_sfcn_referrer_company_id: the referrer's company (no deal has a referrer on a CRM that never
        # had the module; a reinstall after an uninstall starts without the column too)
        cr.execute("""
            UPDATE crm_lead l SET sfcn_referrer_company_id = p.commercial_partner_id
              FROM res_partner p
             WHERE p.id = l.sfcn_referred_by_id
               AND l.sfcn_referrer_company_id IS DISTINCT FROM p.commercial_partner_id""")
        # _compute_checks_done of the deals whose answers the install gave ("entered before the checklist")
        cr.execute(CHECKS_DONE_SQL)
        # grade, temperature and lead class read facts only the module records: without them the value is
        # "none" (no EB/UB/TB reached: no grade; no project start: no temperature; no solution fit: no class),
        # what the columns hold; the deals with such facts (none on a CRM that never had the module) are
        # computed by the ORM, batch by batch
        cr.execute("""
            SELECT id FROM crm_lead
             WHERE date_project_start IS NOT NULL OR solution_fit IS NOT NULL OR customer_grade_override IS NOT NULL
             UNION SELECT lead_id FROM crm_lead_key_person WHERE role = ANY(%s)
             ORDER BY 1""", [list(DECISION_ROLES)])
        ids = [row[0] for row in cr.fetchall()]
        # the return-to-pool dates read the grade (a field marked for computation does not mark its dependents)
        names = ("customer_grade_computed", "customer_grade", "temperature", "lead_class", "date_reclaim",
                 "date_reclaim_warning", "reclaim_rule")
        for start in range(0, len(ids), batch_size):
            leads = self.with_context(active_test=False).browse(ids[start:start + batch_size])
            for name in names:
                self.env.add_to_compute(self._fields[name], leads)
            leads.flush_recordset(list(names))
            self.env.invalidate_all()
        self.env.invalidate_all()
