"""18.0.1.3.0: the reclaim summary counts reclaimed deals in crm.pool.reclaim.count instead of flagging each
closed holding (``summary_pending``, cleared by a second UPDATE of every holding the run closed). Holdings a run
flagged and no summary has counted yet become counts, then the flag's column goes (Odoo keeps the column of a
removed field)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""SELECT 1 FROM information_schema.columns
                   WHERE table_name = 'crm_pool_history' AND column_name = 'summary_pending'""")
    if not cr.fetchone():
        return
    cr.execute("""
        INSERT INTO crm_pool_reclaim_count (user_id, manager_id, count)
        SELECT h.user_id, t.user_id, count(*)
          FROM crm_pool_history h
          JOIN crm_lead l ON l.id = h.lead_id
     LEFT JOIN crm_team t ON t.id = l.team_id
         WHERE h.summary_pending
      GROUP BY 1, 2""")
    cr.execute("ALTER TABLE crm_pool_history DROP COLUMN summary_pending")
