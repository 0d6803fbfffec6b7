"""Masked means masked on every read path: helpers shared by deals (crm.lead) and contacts (res.partner).

Each model says which records the current user sees masked; these helpers apply it to reads, exports,
searches, groupings and sorts.
"""
import re

from odoo.osv import expression


def mask_contact(value):
    """138****5678 for phone numbers, z***@example.com for e-mail addresses."""
    if not value or not isinstance(value, str):
        return value
    if "@" in value:
        local, _sep, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"


def mask_read(result, fnames, masked_fields, masked_ids):
    """Mask the values of ``_read_format`` rows of masked records (``masked_ids()`` asked only when needed)."""
    to_mask = [f for f in masked_fields if f in fnames]
    if to_mask and result:
        masked = masked_ids()
        if masked:
            for vals in result:
                if vals.get("id") in masked:
                    for fname in to_mask:
                        vals[fname] = mask_contact(vals.get(fname))
    return result


def strip_masked_order(order, masked):
    """Drop the sort terms on masked fields (sorting by a hidden phone number would reveal it)."""
    if not order:
        return order
    terms = [term for term in order.split(",")
             if term.strip() and term.split()[0].split(".", 1)[0].strip('"') not in masked]
    return ", ".join(term.strip() for term in terms) or None


def _on_masked(term, masked):
    return expression.is_leaf(term) and isinstance(term[0], str) and term[0].split(".", 1)[0] in masked


def guard_domain(domain, masked, unmasked_domain):
    """Every condition on a masked field only matches records seen unmasked (``unmasked_domain()``), so
    searching ``phone ilike 138`` cannot find a masked record by its hidden number."""
    if not domain:
        return domain
    domain = expression.distribute_not(expression.normalize_domain(domain))
    if not any(_on_masked(term, masked) for term in domain):
        return domain
    unmasked = unmasked_domain()
    guarded = []
    for term in domain:
        guarded += ["&", term, *unmasked] if _on_masked(term, masked) else [term]
    return guarded


def touches_masked(groupby, aggregates, having, masked):
    """Whether a read_group groups, aggregates or filters (having) by a masked field."""
    specs = [*groupby, *aggregates, *(term[0] for term in having if isinstance(term, list | tuple))]
    return any(isinstance(spec, str) and spec.split(":", 1)[0].split(".", 1)[0] in masked for spec in specs)


def export_masked(records, export_rows, fields, masked_fields, masked_ids, toplevel):
    """``export_data`` rows with masked values for the masked records (export reads values directly)."""
    columns = [i for i, path in enumerate(fields) if path and len(path) == 1 and path[0] in masked_fields]
    if not (columns and masked_ids):
        return export_rows(fields, _is_toplevel_call=toplevel)
    lines = []
    for record in records:
        rows = export_rows.__func__(record, fields, _is_toplevel_call=toplevel)
        if record.id in masked_ids:
            for i in columns:
                rows[0][i] = mask_contact(rows[0][i])
        lines += rows
    return lines
