"""One batched sweep for the module's crons (``_notify_progress``), written once."""


def cron_sweep(model, domain, process, *, cursor_param, period, batch_size=1000, cron_xmlid=None):
    """Run ``process(records)`` over the records of ``domain`` in id order, ``batch_size`` at a time.

    Run by ir.cron (``ir_cron_progress_id`` in the context), each call handles ONE batch, stores where it
    stopped in the system parameter ``cursor_param`` (``<period>:<last id>``) and reports
    ``_notify_progress(done=..., remaining=...)``: the cron runner commits after every call and calls again
    while records remain, and a run interrupted by a crash or a timeout resumes from the cursor within the
    same ``period`` (a new period, or a run after a finished sweep, starts over). Run by hand ("Run
    Manually", no ``cron_id``), the cron ``cron_xmlid`` is triggered to finish the sweep right away.
    Called outside a cron, it does all batches at once."""
    env = model.env
    if not env.context.get("ir_cron_progress_id"):
        last_id = 0
        while records := model.search([*domain, ("id", ">", last_id)], order="id", limit=batch_size):
            process(records)
            records.flush_recordset()
            last_id = records[-1].id
            env.invalidate_all()
        return True
    params = env["ir.config_parameter"].sudo()
    run, _sep, cursor = (params.get_param(cursor_param) or "").partition(":")
    last_id = int(cursor) if run == period and cursor.isdigit() else 0
    records = model.search([*domain, ("id", ">", last_id)], order="id", limit=batch_size)
    if records:
        process(records)
        records.flush_recordset()
        last_id = records[-1].id
    remaining = model.search_count([*domain, ("id", ">", last_id)]) if records else 0
    params.set_param(cursor_param, f"{period}:{last_id}" if remaining else f"{period}:done")
    if remaining and cron_xmlid and not env.context.get("cron_id"):
        env.ref(cron_xmlid)._trigger()
    env["ir.cron"]._notify_progress(done=len(records), remaining=remaining)
    return True
