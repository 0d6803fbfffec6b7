"""Masked means masked on every read path: helpers shared by deals (crm.lead) and contacts (res.partner).

Each model says which records the current user sees masked; these helpers apply it to reads, exports,
searches, groupings and sorts.
"""
import re

from markupsafe import Markup

from odoo import SUPERUSER_ID
from odoo.exceptions import UserError
from odoo.osv import expression

from .sfcn_access import is_trusted

# the contact details a masked deal or customer quotes in its chatter and activities
DEAL_SECRETS = ("phone", "mobile", "email_from")
PARTNER_SECRETS = ("phone", "mobile", "email")


# the text of a document's chatter, searched from the document (``message_ids.body ilike ...``)
CHATTER_TEXT_PATHS = tuple(f"message_ids.{f}" for f in ("body", "preview", "subject", "email_from", "reply_to"))

CONTACT_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d{7,15}")


def mask_contact(value):
    """138****5678 for phone numbers, z***@example.com for e-mail addresses; in a sentence (a call warning),
    each number and address it quotes."""
    if not value or not isinstance(value, str):
        return value
    if " " in value.strip() and re.search(r"[^\W\d_]", value):  # words around: mask what the text quotes
        return CONTACT_IN_TEXT.sub(lambda match: mask_contact(match.group(0)), value)
    if "@" in value:
        local, _sep, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"


def viewer(records):
    """The records as the user they are read for: mail and Odoo's own code read partners, followers and link
    names as superuser *for* a user (sudo keeps the uid), and what that user sees masked stays masked. Only
    the superuser itself (crons, the install) reads everything."""
    env = records.env
    return records.sudo(False) if env.su and env.uid != SUPERUSER_ID else records


def masked_by_partner(records):
    """For ``mask_read``: the ids of these records (followers, attendees) whose partner the user they are read for
    sees masked (the customer of a pooled deal)."""
    def masked_ids():
        partners = records.sudo().partner_id
        hidden = set(viewer(partners.with_env(records.env))._sfcn_masked_ids())
        return {rec.id for rec in records.sudo() if rec.partner_id.id in hidden}
    return masked_ids


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
    """A condition on a masked field, or on a masked path (``message_ids.body``: crm joins the messages itself)."""
    return expression.is_leaf(term) and isinstance(term[0], str) and (
        term[0].split(".", 1)[0] in masked or term[0] in masked)


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


def masked_leads_query(env):
    """The deals the current user sees masked, as a subquery."""
    Lead = env["crm.lead"].sudo().with_context(active_test=False)
    return Lead._search(expression.normalize_domain(["!", *env["crm.lead"]._pool_unmasked_domain()]))


def masked_documents_domain(env, model_field="model", id_field="res_id"):
    """Domain of the chatter rows (messages, activities) that belong to a deal or a customer the current user
    sees masked: the text of those rows quotes the hidden details."""
    Partner = env["res.partner"].sudo().with_context(active_test=False)
    leads = masked_leads_query(env)
    partners = Partner._search(env["res.partner"]._sfcn_masked_domain())
    return ["|", "&", (model_field, "=", "crm.lead"), (id_field, "in", leads),
            "&", (model_field, "=", "res.partner"), (id_field, "in", partners)]


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


def mask_text_rows(records, result, fnames, text_fields, document_of):
    """Mask, in the text fields of chatter messages or activities, the contact details of the masked deal or
    customer they belong to (``document_of(record)`` -> (model, id))."""
    to_mask = [f for f in text_fields if f in fnames]
    records = viewer(records)
    env = records.env
    if not (to_mask and result) or env.su or env.user._sfcn_is_sales_manager():
        return result
    docs = {rec.id: document_of(rec) for rec in records.sudo()}
    secrets = {}
    for model, secret_fields, masked_ids in (
            ("crm.lead", DEAL_SECRETS, lambda recs: recs._pool_masked_ids()),
            ("res.partner", PARTNER_SECRETS, lambda recs: recs._sfcn_masked_ids())):
        ids = {res_id for doc_model, res_id in docs.values() if doc_model == model and res_id}
        if not ids:
            continue
        masked = env[model].browse(ids)
        masked = masked.browse(masked_ids(masked))
        for doc in masked.sudo():
            values = [doc[f] for f in secret_fields]
            if model == "crm.lead":
                values += [doc.partner_id[f] for f in PARTNER_SECRETS]
            secrets[(model, doc.id)] = sorted({v for v in values if v and len(v) >= 5}, key=len, reverse=True)
    if not secrets:
        return result
    for vals in result:
        found = secrets.get(docs.get(vals.get("id")))
        if not found:
            continue
        for fname in to_mask:
            text = vals.get(fname)
            if not text or not isinstance(text, str):
                continue
            masked_text = str(text)
            for secret in found:
                masked_text = masked_text.replace(secret, mask_contact(secret))
            vals[fname] = Markup(masked_text) if isinstance(text, Markup) else masked_text
    return result


def check_not_masked(records):
    """Refuse a salesperson's work that would show or reach the hidden details of pooled deals or their customers
    (a mail or SMS composed for them, a template rendered on them, also as superuser for him): he claims the deal
    first."""
    records = viewer(records)
    if not records or is_trusted(records.env) or records._name not in ("crm.lead", "res.partner"):
        return
    if records._name == "res.partner":
        records._sfcn_check_not_masked()
        return
    masked = records.browse(sorted(records._pool_masked_ids()))
    if masked:
        raise UserError(records.env._("%(deal)s is in the public pool: claim it before you write to the customer.",
                                      deal=masked[0].sudo().display_name))
