"""18.0.1.2.0: deals and contacts keep the date of their last call (``call_last_date``), so today's call list
finds the deals never called without scanning every call log. Filled once from the logs already there (a
contact's own state counts only its calls made without a deal, as ``_apply_effect`` keeps it)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE crm_lead l SET call_last_date = c.last
          FROM (SELECT lead_id, max(date) AS last FROM crm_call_log WHERE lead_id IS NOT NULL GROUP BY lead_id) c
         WHERE c.lead_id = l.id AND l.call_last_date IS DISTINCT FROM c.last""")
    cr.execute("""
        UPDATE res_partner p SET call_last_date = c.last
          FROM (SELECT partner_id, max(date) AS last FROM crm_call_log
                 WHERE lead_id IS NULL AND partner_id IS NOT NULL GROUP BY partner_id) c
         WHERE c.partner_id = p.id AND p.call_last_date IS DISTINCT FROM c.last""")
