"""One batched sweep for the module's crons (``_notify_progress``), and the cursor a batched job keeps between
its calls, written once."""
import logging

from psycopg2 import errors

_logger = logging.getLogger(__name__)


def read_cursor(env, key):
    """The cursor a batched job stored under the system parameter ``key`` ("" when none), read in SQL (see
    ``write_cursor``: ``get_param`` could answer from a cache that the write does not clear)."""
    env.cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [key])
    row = env.cr.fetchone()
    return (row and row[0]) or ""


def write_cursor(env, key, value):
    """Store a batched job's cursor (``None``: remove it) in the system parameter ``key``, in SQL.

    ``set_param`` clears every cache of the registry, and with several Odoo servers every worker's: a job of a
    thousand batches would do it a thousand times. A cursor is a hint that saves reading again what the job
    already did (the job must stay complete without it), so it is written only when no other transaction holds
    or has just changed it (``FOR UPDATE NOWAIT`` in a savepoint): two runs at once (two servers, a run by hand)
    must not wait for, or fail on, each other at every batch. Returns whether it was written."""
    cr = env.cr
    params = {"key": key, "value": value, "uid": env.uid}
    try:
        with cr.savepoint(flush=False):
            cr.execute("SELECT 1 FROM ir_config_parameter WHERE key = %(key)s FOR UPDATE NOWAIT", params,
                       log_exceptions=False)
            if value is None:
                cr.execute("DELETE FROM ir_config_parameter WHERE key = %(key)s", params, log_exceptions=False)
            elif cr.rowcount:
                cr.execute("""UPDATE ir_config_parameter SET value = %(value)s, write_uid = %(uid)s,
                                     write_date = now() AT TIME ZONE 'UTC'
                               WHERE key = %(key)s""", params, log_exceptions=False)
            else:
                cr.execute("""
                    INSERT INTO ir_config_parameter (key, value, create_uid, create_date, write_uid, write_date)
                         VALUES (%(key)s, %(value)s, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                                 now() AT TIME ZONE 'UTC')
                    ON CONFLICT (key) DO NOTHING""", params, log_exceptions=False)
    except (errors.LockNotAvailable, errors.SerializationFailure):
        _logger.debug("Cursor %s held or moved by another run: left as it is", key)
        return False
    return True


def cron_sweep(model, domain, process, *, cursor_param, period, batch_size=1000, cron_xmlid=None):
    """Run ``process(records)`` over the records of ``domain`` in id order, ``batch_size`` at a time.

    Run by ir.cron (``ir_cron_progress_id`` in the context), each call handles ONE batch, stores where it
    stopped in the system parameter ``cursor_param`` (``<period>:<last id>:<total>:<done>``, ``<period>:done``
    at the end; ``write_cursor``) and reports ``_notify_progress(done=..., remaining=...)``: the cron runner
    commits after every call and calls again while records remain, and a run interrupted by a crash or a
    timeout resumes from the cursor within the same ``period`` (a new period, or a run after a finished sweep,
    starts over). The records are counted once, when a sweep starts: each batch reads one record more than it
    processes to know whether any is left, and the remaining count it reports is the start's count less what
    was done (a count per batch read the rest of the records again each time). Run by hand ("Run Manually",
    no ``cron_id``), the cron ``cron_xmlid`` is triggered to finish the sweep right away. Called outside a
    cron, it does all batches at once."""
    env = model.env
    if not env.context.get("ir_cron_progress_id"):
        last_id = 0
        while records := model.search([*domain, ("id", ">", last_id)], order="id", limit=batch_size):
            process(records)
            records.flush_recordset()
            last_id = records[-1].id
            env.invalidate_all()
        return True
    parts = read_cursor(env, cursor_param).split(":")
    if len(parts) == 4 and parts[0] == period and all(p.isdigit() for p in parts[1:]):
        last_id, total, done = map(int, parts[1:])
    else:
        last_id, total, done = 0, model.search_count(domain), 0
    records = model.search([*domain, ("id", ">", last_id)], order="id", limit=batch_size + 1) if total else \
        model.browse()
    more = len(records) > batch_size
    records = records[:batch_size]
    if records:
        process(records)
        records.flush_recordset()
        last_id = records[-1].id
    done += len(records)
    remaining = max(total - done, 1) if more else 0
    write_cursor(env, cursor_param, f"{period}:{last_id}:{total}:{done}" if remaining else f"{period}:done")
    if remaining and cron_xmlid and not env.context.get("cron_id"):
        env.ref(cron_xmlid)._trigger()
    env["ir.cron"]._notify_progress(done=len(records), remaining=remaining)
    return True
