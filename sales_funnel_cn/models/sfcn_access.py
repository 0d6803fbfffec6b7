"""Who may do what, in one place: the trusted-caller test and the system-maintained fields.

The client chooses the context and may call any public method and write any field its access rights
allow, so nothing here reads the context. Privileged work is done by private methods (``_name``) of the
models, called by trusted code on ``sudo()``.
"""
from odoo.exceptions import UserError

# Fields the system maintains, one declared list per concern. A non-manager's write or create that sets
# one of them (RPC, import/load, form, mass edit, copy with defaults) is refused naming the field; a sales
# manager may correct them and the correction is logged in the chatter with the old and the new value.
SYSTEM_FIELDS = {
    "crm.lead": {
        "follow-up": ("date_last_followup",),
        "public pool membership and dates": ("pool_id", "date_claimed", "date_pooled"),
        "previous owner": ("pool_previous_user_id",),
        "reclaim": ("date_reclaim", "date_reclaim_warning", "reclaim_rule", "date_pool_warned"),
        "gate flags": ("gate_skipped", "stale_alert_date"),
        "call state": ("call_status", "call_na_count", "call_next_date", "call_cooldown_until", "call_last_date"),
        "computed grade": ("customer_grade_computed", "customer_grade", "eb_missing_warning"),
        # the stage history, staleness and the funnel reports count from these (Odoo sets them on stage changes)
        "stage history figures": ("date_last_stage_update", "date_closed"),
        "win/loss review request": ("date_review_requested",),
        "score, MQL and hand-off": ("sfcn_score", "sfcn_score_why", "sfcn_mql_date", "sfcn_sql_date",
                                    "sfcn_handoff_hours", "sfcn_handoff_late"),
        "renewal links": ("sfcn_renewal_lead_id", "sfcn_renewal_of_id"),
        "upsell links": ("sfcn_upsell_lead_id", "sfcn_upsell_of_id"),
    },
    "res.partner": {
        "call state": ("call_na_count", "call_next_date", "call_cooldown_until", "call_last_date"),
    },
    "crm.lead.aftersale": {
        "done by / on": ("done", "user_id", "date_done"),
        "step identity": ("lead_id", "step"),
    },
    "utm.medium": {
        "acquisition channel list": ("sfcn_channel",),
    },
    "crm.lead.check": {
        "checked by / on": ("user_id", "date", "needs_reconfirm"),
        "answer identity": ("lead_id", "check_id"),
        "copied from the checklist item": ("required", "stage_id", "stage_sequence", "sequence"),
    },
}
# fields of SYSTEM_FIELDS a create may set (a new answer names its deal and check)
CREATE_ALLOWED = {"crm.lead.check": {"lead_id", "check_id"}}


def system_fields(model_name):
    return {fname for names in SYSTEM_FIELDS.get(model_name, {}).values() for fname in names}


_SYSTEM = {model: system_fields(model) for model in SYSTEM_FIELDS}


def is_trusted(env):
    """The superuser environment (crons, trusted code on ``sudo()``) or a sales manager."""
    return env.su or env.user._sfcn_is_sales_manager()


def _refuse(records, fnames):
    env = records.env
    labels = ", ".join(sorted(records._fields[f]._description_string(env) for f in fnames))
    raise UserError(env._(
        "%(fields)s on %(model)s is maintained by the system: only a sales manager can change it.",
        fields=labels, model=env["ir.model"]._get(records._name).name))


def guard_create(model, vals_list):
    """Refuse a non-manager's create that sets a system field (also through ``default_<field>`` keys of the
    context, which Odoo applies as create values). Costs nothing when no system field is set."""
    system = _SYSTEM.get(model._name, set()) - CREATE_ALLOWED.get(model._name, set())
    if model.env.su:
        return
    given = {f for vals in vals_list for f in vals if f in system}
    given |= {key[8:] for key in model.env.context if key.startswith("default_") and key[8:] in system}
    if given and not model.env.user._sfcn_is_sales_manager():
        _refuse(model, given)


def guard_write(records, vals):
    """Refuse a non-manager's write that changes a system field; return the {field: {record: old value}} a
    manager's correction changes (to log it). No query on a write without a system field."""
    system = _SYSTEM.get(records._name)
    given = [f for f in vals if f in system] if system else ()
    if not given or records.env.su:
        return {}
    changes = {}
    for fname in given:
        field = records._fields[fname]
        new = field.convert_to_record(field.convert_to_cache(vals[fname], records), records)
        olds = {rec: rec[fname] for rec in records if rec[fname] != new}
        if olds:
            changes[fname] = olds
    if changes and not records.env.user._sfcn_is_sales_manager():
        _refuse(records, changes)
    return changes


def format_value(record, fname, value):
    field = record._fields[fname]
    if field.type == "many2one":
        return value.display_name or "-"
    if field.type == "selection":
        return dict(field._description_selection(record.env)).get(value) or "-"
    if value is False or value is None:
        return "-"
    return str(value)


def log_corrections(records, changes, thread_of=None):
    """One chatter note per corrected record: field, old value -> new value, by whom."""
    if not changes:
        return
    env = records.env
    lines_by_record = {}
    for fname, olds in changes.items():
        label = records._fields[fname]._description_string(env)
        for rec, old in olds.items():
            lines_by_record.setdefault(rec, []).append(env._(
                "%(field)s: %(old)s → %(new)s", field=label, old=format_value(rec, fname, old),
                new=format_value(rec, fname, rec[fname])))
    for rec, lines in lines_by_record.items():
        thread = thread_of(rec) if thread_of else rec
        if not thread:
            continue
        thread.sudo().message_post(
            body=env._("System value corrected by %(user)s: %(changes)s", user=env.user.name,
                       changes="; ".join(lines)),
            message_type="notification")
