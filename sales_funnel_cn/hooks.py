"""Install, uninstall: bringing an existing CRM under the module and leaving it as it was.

Everything that touches every deal is set-based SQL (a CRM with 200,000 deals installs in bounded time and
memory, see bench/bench_install.py); the ORM only creates the few pools and the summary, and computes the grades
of the few deals that have facts to grade (none on a CRM that never had the module).
"""
import logging

from markupsafe import Markup
from markupsafe import escape

from .models.crm_lead_install import bulk_insert
from .models.crm_lead_install import create_install_columns
from .models.crm_lead_stage_history import drop_stage_trigger
from .models.sfcn_constants import CORE_PERSONAL_LEAD_DOMAIN
from .models.sfcn_constants import PARAM_PREFIX

_logger = logging.getLogger(__name__)



def pre_init_hook(env):
    """Create the computed and defaulted columns the module adds to crm_lead and res_partner beforehand: Odoo
    then leaves them alone (it would compute them record by record for every existing deal and contact, and
    rewrite the whole table once per default) and post_init_hook fills them in a few statements."""
    create_install_columns(env.cr)


def post_init_hook(env):
    """Bring the existing deals under the module (see README, "Installing on an existing database")."""
    env = env(su=True)
    env.flush_all()
    cr = env.cr
    now = cr.now().replace(tzinfo=None)
    uid = env.uid
    params = {"now": now, "uid": uid}
    # 1. a default pool per company (the deals follow it in step 2: crm.pool leaves them alone while the module
    # is being installed)
    companies = env["res.company"].search([])
    Pool = env["crm.pool"].with_context(active_test=False)
    with_pool = Pool.search([("team_id", "=", False)]).company_id
    if companies - with_pool:
        Pool.create([{"name": env._("Public Pool"), "company_id": company.id} for company in companies - with_pool])
    # 2. one pass over every deal: the follow-up clock of every owned deal starts now, unassigned deals are
    # pooled from now, every deal in its company's (or team's) pool, every pool rule active from day one
    # (return-to-pool dates from the install: grace period), its acquisition channel (from its UTM medium or
    # source when they map to one), EB warnings computed (call numbers are crm's own
    # phone_sanitized, already stored)
    env["crm.lead"]._sfcn_install_rewrite(now)
    # 3-5. rows of the module's new tables for every deal, inserted without row-by-row foreign-key checks and
    # index updates (see bulk_insert)
    with bulk_insert(cr, ["crm_pool_history", "crm_lead_stage_history", "crm_lead_check"]):
        # 3. a holding period opened now for every open owned deal
        cr.execute("""
            INSERT INTO crm_pool_history (lead_id, user_id, pool_id, date_start, start_reason, rule,
                                          create_uid, create_date, write_uid, write_date)
            SELECT l.id, l.user_id, l.pool_id, %(now)s, 'assigned', %(rule)s, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM crm_lead l LEFT JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.user_id IS NOT NULL AND l.active AND NOT COALESCE(s.is_won, false)
               AND NOT EXISTS (SELECT 1 FROM crm_pool_history h WHERE h.lead_id = l.id AND h.date_end IS NULL)""",
                   dict(params, rule=env._("Held when Sales Funnel CN was installed")))
        # 4. a first stage-history row (the current stage, since its last change) and the current stage's checks
        cr.execute("""
            INSERT INTO crm_lead_stage_history (lead_id, team_id, stage_to_id, date, days_in_previous,
                                                days_since_create, create_uid, create_date, write_uid, write_date)
            SELECT l.id, l.team_id, l.stage_id, d.since, 0,
                   GREATEST(EXTRACT(EPOCH FROM d.since - COALESCE(l.create_date, d.since)) / 86400.0, 0),
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM crm_lead l
             CROSS JOIN LATERAL (SELECT COALESCE(l.date_last_stage_update, l.create_date, %(now)s) AS since) d
             WHERE l.stage_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM crm_lead_stage_history h WHERE h.lead_id = l.id)""", params)
        cr.execute("""
            INSERT INTO crm_lead_check (lead_id, check_id, stage_id, stage_sequence, sequence, required, done,
                                        needs_reconfirm, create_uid, create_date, write_uid, write_date)
            SELECT l.id, c.id, c.stage_id, s.sequence, c.sequence, c.required, false, false,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM crm_lead l
              JOIN crm_stage_check c ON c.stage_id = l.stage_id AND c.active
              JOIN crm_stage s ON s.id = c.stage_id
            ON CONFLICT (lead_id, check_id) DO NOTHING""", params)
        # 5. deals that reached their stage before the checklists existed: the required checks of that stage and of
        # every earlier stage of the deal's pipeline are answered "entered before the checklist" (by the install, in
        # the audit trail's "checked by/on") and the deal carries the gate's mark for it, so no deal is ever
        # blocked retroactively; the next stages' checks are asked as for any deal
        cr.execute("""
            WITH marked AS (
                INSERT INTO crm_lead_check (lead_id, check_id, stage_id, stage_sequence, sequence, required, done,
                                            needs_reconfirm, note, user_id, date,
                                            create_uid, create_date, write_uid, write_date)
                SELECT l.id, c.id, c.stage_id, cs.sequence, c.sequence, c.required, true, false, %(note)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM crm_lead l
                  JOIN crm_stage s ON s.id = l.stage_id
                  JOIN crm_stage_check c ON c.active AND c.required
                  JOIN crm_stage cs ON cs.id = c.stage_id
                 WHERE (cs.team_id IS NULL OR cs.team_id = l.team_id)
                   AND (cs.sequence, cs.id) <= (s.sequence, s.id)
                ON CONFLICT (lead_id, check_id) DO UPDATE
                   SET done = true, note = EXCLUDED.note, user_id = EXCLUDED.user_id, date = EXCLUDED.date
                 WHERE NOT COALESCE(crm_lead_check.done, false)
                RETURNING lead_id)
            UPDATE crm_lead l SET sfcn_historical = true WHERE l.id IN (SELECT lead_id FROM marked)""",
                   dict(params, note=env._("Entered before the checklist")))
    # 6. the other stored computed values (EB warnings of deals with key persons; grades... of deals with facts;
    # what the gate reads of the answers step 5 gave)
    env["crm.lead"]._sfcn_install_fill_computed()
    env.invalidate_all()
    _notify_install_summary(env, now)


def _install_counts(env, now):
    """{company: {what: count}} of what the install did."""
    env.cr.execute("""
        SELECT l.company_id,
               count(*),
               count(*) FILTER (WHERE l.user_id IS NOT NULL AND l.date_claimed = %(now)s),
               count(*) FILTER (WHERE l.date_reclaim IS NOT NULL),
               count(*) FILTER (WHERE l.user_id IS NULL AND l.pool_id IS NOT NULL AND l.active),
               count(*) FILTER (WHERE l.sfcn_historical)
          FROM crm_lead l GROUP BY 1 ORDER BY 1""", {"now": now})
    keys = ("deals", "owned", "reclaim", "pooled", "before_checklist")
    return {company_id: dict(zip(keys, counts, strict=True)) for company_id, *counts in env.cr.fetchall()}


def _notify_install_summary(env, now):
    counts = _install_counts(env, now)
    admins = env.ref("base.group_system").users.filtered("active") | env.ref("sales_team.group_sale_manager").users
    admins = admins.filtered(lambda user: user.active and not user.share)
    for admin in admins:
        user_env = env["crm.lead"].with_context(lang=admin.lang).env
        lines = []
        for company_id, c in counts.items():
            company = env["res.company"].browse(company_id).name if company_id else user_env._("No company")
            lines.append(Markup("<li>%s</li>") % user_env._(
                "%(company)s: %(deals)s deals; %(owned)s owned deals keep their salesperson, with a return-to-pool "
                "date for %(reclaim)s of them (the follow-up clock starts today); %(pooled)s unassigned deals "
                "are in the public pool; %(before)s deals marked as entered before the checklist.",
                company=company, deals=c["deals"], owned=c["owned"], reclaim=c["reclaim"], pooled=c["pooled"],
                before=c["before_checklist"]))
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            escape(user_env._("Sales Funnel CN is installed. What it did with the existing deals:")),
            Markup("").join(lines))
        env["mail.thread"].message_notify(
            partner_ids=admin.partner_id.ids, body=body, subject=user_env._("Sales Funnel CN: installation summary"))
    _logger.info("sales_funnel_cn installed on existing data: %s", counts)


def uninstall_hook(env):
    """Leave core's records as they were before the install (see README, "Uninstalling")."""
    rule = env.ref("crm.crm_rule_personal_lead", raise_if_not_found=False)
    if rule and "pool_id" in (rule.domain_force or ""):
        rule.sudo().domain_force = CORE_PERSONAL_LEAD_DOMAIN
    # the settings are fields of res.company, dropped with the module; the only parameter left is the
    # date-dependent recompute's cursor
    env["ir.config_parameter"].sudo().search([("key", "=like", f"{PARAM_PREFIX}%")]).unlink()
    # the module's tables are dropped with it; call logs would first block the removal of the outcome codes
    # they point to (ondelete restrict) and Odoo would log every failed attempt
    env.cr.execute("DELETE FROM crm_call_log")
    # crm_lead's stage trigger and its functions write into the module's tables, dropped with it
    drop_stage_trigger(env.cr)
