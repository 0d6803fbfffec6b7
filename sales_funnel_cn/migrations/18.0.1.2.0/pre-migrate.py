"""18.0.1.2.0, before the module's data loads: its own extension views that still show a field this version
removed are emptied (a no-op ``<data/>``), so updating the views they extend does not fail on them; the update
then writes each one's new arch from the XML.

Removed: the module's own E.164 copies of phone numbers (core's ``phone_sanitized`` is used now) and the
reclaim-summary flag on deals (kept on the holding history now). Odoo validates an updated view together with
the views that extend it, and an extension of this module not yet reloaded would still name the removed
field. Nothing is deleted: a view someone built on top of one of these keeps existing."""

REMOVED_FIELDS = ("call_phone_normalized", "call_mobile_normalized", "pool_reclaim_notify")


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE ir_ui_view v SET arch_db = jsonb_build_object('en_US', '<data/>')
          FROM ir_model_data d
         WHERE d.model = 'ir.ui.view' AND d.res_id = v.id AND d.module = 'sales_funnel_cn'
           AND v.inherit_id IS NOT NULL AND v.arch_db::text ~ %s""", ["|".join(REMOVED_FIELDS)])
