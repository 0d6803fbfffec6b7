"""A salesperson attacks the rules over JSON-RPC (issue 10): context keys, system fields, exemptions,
masking and the audit trail. Each attempt asserts the refusal (or the masked value), a clear message, and
that nothing changed in the database (re-read as admin). The managers' legitimate paths still work.

The gate's own attempts (forced stages, skipped checklists, create/copy/import/merge at a later stage) are
in tests/test_adversarial_gate.py.
"""
import uuid
from datetime import datetime
from datetime import timedelta

import pytest
from conftest import OdooClient
from conftest import RpcError

TAG = uuid.uuid4().hex[:6]
PHONE = "13912345678"
EMAIL = f"boss.{TAG}@pooled-customer.cn"
SYSTEM_MSG = "maintained by the system"
LONG_AGO = (datetime.now() - timedelta(days=400)).strftime("%Y-%m-%d %H:%M:%S")
FAR_AHEAD = (datetime.now() + timedelta(days=3650)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def manager():
    return OdooClient("liuqiang", "liuqiang")


@pytest.fixture(scope="module")
def world(admin, rep):
    """A team and pool of the demo rep, a pooled deal whose customer has a phone and e-mail, and own deals."""
    # the rep may use Odoo's Export dialog (a right many companies give their reps)
    export = admin.execute("ir.model.data", "check_object_reference", "base", "group_allow_export")[1]
    admin.execute("res.users", "write", [rep.uid], {"groups_id": [(4, export)]})
    team = admin.execute("crm.team", "create", {"name": f"Adversarial team {TAG}", "member_ids": [(6, 0, [rep.uid])]})
    pool = admin.execute("crm.pool", "create", {
        "name": f"Adversarial pool {TAG}", "team_id": team, "cooldown_days": 0, "claim_delay_hours": 0,
        "holding_cap": 1000, "daily_claim_cap": 1000})
    company = admin.execute("res.partner", "create", {
        "name": f"池中客户 {TAG}", "is_company": True, "phone": PHONE, "email": EMAIL})
    contact = admin.execute("res.partner", "create", {
        "name": f"王总 {TAG}", "parent_id": company, "phone": PHONE, "email": EMAIL})
    pooled = admin.execute("crm.lead", "create", {
        "name": f"Pooled deal {TAG}", "type": "opportunity", "team_id": team, "user_id": False,
        "partner_id": contact, "phone": PHONE, "email_from": EMAIL})
    own = admin.execute("crm.lead", "create", [{
        "name": f"Own deal {TAG} {i}", "type": "opportunity", "team_id": team, "user_id": rep.uid,
        "phone": f"1380000{i:04d}"} for i in range(3)])
    stage = admin.execute("crm.stage", "search", [], limit=1)[0]
    check = admin.execute("crm.stage.check", "create", {
        "stage_id": stage, "name": f"Optional check {TAG}", "required": False})
    answer = [admin.execute("crm.lead.check", "create", {"lead_id": own[0], "check_id": check})]
    admin.execute("crm.lead.check", "write", answer, {"done": True})
    call = admin.execute("crm.call.log", "create", {
        "lead_id": own[1], "outcome_code": "N/A", "purpose": "first call", "user_id": rep.uid})
    return {"check": check, "team": team, "pool": pool, "company": company, "contact": contact, "pooled": pooled,
            "own": own, "answer": answer[0], "call": call}


def snapshot(admin, model, ids, fields):
    return admin.execute(model, "read", ids, fields)


def refused(call, *, match=None, names=("UserError", "AccessError", "ValidationError")):
    """Run the attempt; assert it is refused with one of ``names`` and a message containing ``match``."""
    with pytest.raises(RpcError) as err:
        call()
    assert any(err.value.name.endswith(name) for name in names), err.value
    assert err.value.message.strip(), "a clear message"
    if match:
        assert match in err.value.message, err.value.message
    return err.value


def attempt(admin, model, ids, fields, call, **kwargs):
    """Refused, and the records read by admin are the same before and after."""
    before = snapshot(admin, model, ids, fields)
    error = refused(call, **kwargs)
    assert snapshot(admin, model, ids, fields) == before, "nothing changed in the database"
    return error


LEAD_STATE = ["user_id", "pool_id", "date_claimed", "date_pooled", "date_last_followup", "pool_locked",
              "pool_lock_reason", "date_reclaim", "pool_previous_user_id", "gate_skipped", "stale_alert_date",
              "call_na_count", "call_next_date", "call_status", "customer_grade", "date_last_stage_update",
              "date_closed"]


# ---------------------------------------------------------------------------- 1. context keys are not permissions
@pytest.mark.parametrize("context, vals", [
    ({"sfcn_pool_bypass": True}, {"pool_locked": True, "pool_lock_reason": "mine forever"}),
    ({"sfcn_pool_bypass": True}, {"user_id": False}),
    ({"sfcn_pool_bypass": True, "sfcn_pool_end": ["released", "x"]}, {"user_id": False}),
    ({"sfcn_pool_bypass": True, "sfcn_pool_prepared": True}, {"user_id": 2}),
])
def test_context_flags_grant_nothing_on_own_deal(admin, rep, world, context, vals):
    attempt(admin, "crm.lead", world["own"][:1], LEAD_STATE,
            lambda: rep.execute("crm.lead", "write", world["own"][:1], vals, context=context))


def test_context_flag_cannot_claim_by_write(admin, rep, world):
    attempt(admin, "crm.lead", [world["pooled"]], LEAD_STATE,
            lambda: rep.execute("crm.lead", "write", [world["pooled"]], {"user_id": rep.uid},
                                context={"sfcn_pool_bypass": True, "sfcn_pool_start": "claimed"}))


@pytest.mark.parametrize("method, args", [
    ("_pool_set_owner", []), ("_pool_write_owner", [{"user_id": False}]), ("_cron_pool_reclaim", []),
    ("_pool_take", []), ("_mark_followup", []),
])
def test_private_trusted_methods_not_callable(admin, rep, world, method, args):
    attempt(admin, "crm.lead", world["own"][:1], LEAD_STATE,
            lambda: rep.execute("crm.lead", method, world["own"][:1], *args), match="cannot be called remotely",
            names=("AccessError",))


def test_rep_cannot_run_reclaim(admin, rep, world):
    attempt(admin, "crm.lead", world["own"], LEAD_STATE,
            lambda: rep.execute("crm.lead", "action_pool_reclaim_now"), match="Only sales managers")


# ---------------------------------------------------------------------------- 2. system fields
@pytest.mark.parametrize("vals", [
    {"date_last_followup": FAR_AHEAD}, {"date_claimed": FAR_AHEAD}, {"pool_id": False}, {"date_pooled": LONG_AGO},
    {"pool_previous_user_id": 1}, {"gate_skipped": True}, {"stale_alert_date": FAR_AHEAD},
    {"call_na_count": 0, "call_next_date": False}, {"call_status": "target"}, {"customer_grade": "A"},
    {"date_reclaim": FAR_AHEAD}, {"reclaim_rule": "not_won"}, {"date_pool_warned": FAR_AHEAD},
    {"customer_grade_computed": "A"}, {"date_last_stage_update": FAR_AHEAD}, {"date_closed": LONG_AGO},
])
def test_system_field_write_refused(admin, rep, world, vals):
    if "call_na_count" in vals:  # give the counter a value to protect
        admin.execute("crm.lead", "write", world["own"][:1], {"call_na_count": 3})
    error = attempt(admin, "crm.lead", world["own"][:1], LEAD_STATE,
                    lambda: rep.execute("crm.lead", "write", world["own"][:1], vals), match=SYSTEM_MSG)
    assert "only a sales manager" in error.message


def test_system_field_mass_edit_refused(admin, rep, world):
    attempt(admin, "crm.lead", world["own"], LEAD_STATE,
            lambda: rep.execute("crm.lead", "write", world["own"], {"name": "renamed", "date_claimed": FAR_AHEAD}),
            match="Claimed On")
    assert all("renamed" != r["name"] for r in admin.execute("crm.lead", "read", world["own"], ["name"]))


def test_system_field_on_create_refused(admin, rep, world):
    count = admin.execute("crm.lead", "search_count", [("name", "=", f"Forged {TAG}")])
    refused(lambda: rep.execute("crm.lead", "create", {
        "name": f"Forged {TAG}", "team_id": world["team"], "date_last_followup": FAR_AHEAD}), match=SYSTEM_MSG)
    refused(lambda: rep.execute("crm.lead", "create", {"name": f"Forged {TAG}", "team_id": world["team"]},
                                context={"default_date_claimed": FAR_AHEAD}), match=SYSTEM_MSG)
    assert admin.execute("crm.lead", "search_count", [("name", "=", f"Forged {TAG}")]) == count


def test_system_field_on_copy_refused(admin, rep, world):
    count = admin.execute("crm.lead", "search_count", [])
    refused(lambda: rep.execute("crm.lead", "copy", world["own"][:1], {"date_last_followup": FAR_AHEAD}),
            match=SYSTEM_MSG)
    assert admin.execute("crm.lead", "search_count", []) == count


def test_system_field_on_import_refused(admin, rep, world):
    before = snapshot(admin, "crm.lead", world["own"][:1], LEAD_STATE)
    result = rep.execute("crm.lead", "load", [".id", "name", "date_last_followup"],
                         [[str(world["own"][0]), "imported", FAR_AHEAD]])
    assert not result["ids"], result
    assert any(SYSTEM_MSG in m["message"] for m in result["messages"]), result["messages"]
    assert snapshot(admin, "crm.lead", world["own"][:1], LEAD_STATE) == before


def test_partner_call_state_refused(admin, rep, world):
    partner = admin.execute("res.partner", "create", {"name": f"Call state {TAG}", "phone": "13600000000"})
    attempt(admin, "res.partner", [partner], ["call_na_count", "call_next_date", "call_cooldown_until"],
            lambda: rep.execute("res.partner", "write", [partner], {"call_cooldown_until": FAR_AHEAD}))


@pytest.mark.parametrize("vals", [{"user_id": 1}, {"date": LONG_AGO}, {"needs_reconfirm": True}, {"lead_id": 1}])
def test_check_audit_fields_refused(admin, rep, world, vals):
    attempt(admin, "crm.lead.check", [world["answer"]], ["user_id", "date", "done", "needs_reconfirm", "lead_id"],
            lambda: rep.execute("crm.lead.check", "write", [world["answer"]], vals))


def test_check_ticked_by_someone_else_on_create_refused(admin, rep, world):
    count = admin.execute("crm.lead.check", "search_count", [])
    refused(lambda: rep.execute("crm.lead.check", "create", {
        "lead_id": world["own"][2], "check_id": world["check"], "done": True, "user_id": 2, "date": LONG_AGO}),
        match=SYSTEM_MSG)
    assert admin.execute("crm.lead.check", "search_count", []) == count


# ---------------------------------------------------------------------------- 3. exemptions
def test_far_expected_closing_does_not_exempt(admin, rep, world):
    [before] = snapshot(admin, "crm.lead", world["own"][2:3], ["date_reclaim"])
    assert before["date_reclaim"]
    rep.execute("crm.lead", "write", world["own"][2:3], {"date_deadline": FAR_AHEAD[:10]})
    [after] = snapshot(admin, "crm.lead", world["own"][2:3], ["date_reclaim"])
    assert after["date_reclaim"] == before["date_reclaim"], "the exemption is off by default"


def test_rep_cannot_switch_exemption_on(admin, rep, world):
    attempt(admin, "crm.pool", [world["pool"]], ["exempt_future_decision", "exempt_max_days"],
            lambda: rep.execute("crm.pool", "write", [world["pool"]], {"exempt_future_decision": True}),
            names=("AccessError",))


# ---------------------------------------------------------------------------- 4. masking
def masked(value):
    return value in (False, "") or (PHONE not in str(value) and EMAIL not in str(value)
                                     and "8613912345678" not in str(value))


def test_masked_on_read_paths(rep, world):
    fields = ["phone", "email_from", "email_normalized", "phone_sanitized", "call_phone", "call_suppression_note"]
    [row] = rep.execute("crm.lead", "read", [world["pooled"]], fields)
    assert row["phone"] == "139****5678" and all(masked(row[f]) for f in fields), row
    [row] = rep.execute("crm.lead", "search_read", [("id", "=", world["pooled"])], fields=fields)
    assert all(masked(row[f]) for f in fields), row
    [row] = rep.execute("crm.lead", "web_read", [world["pooled"]], specification={
        "phone": {}, "partner_id": {"fields": {"phone": {}, "email": {}, "display_name": {}}}})
    assert masked(row["phone"]) and masked(row["partner_id"]["phone"]) and masked(row["partner_id"]["email"]), row


def test_masked_in_export(rep, world):
    rows = rep.execute("crm.lead", "export_data", [world["pooled"]],
                       ["name", "phone", "email_from", "partner_id/phone", "partner_id/email"])["datas"]
    assert rows and all(masked(v) for v in rows[0][1:]), rows


def test_masked_in_read_group_search_and_sort(rep, world):
    groups = rep.execute("crm.lead", "read_group", [("id", "=", world["pooled"])], ["phone"], ["phone"])
    assert all(masked(g["phone"]) for g in groups), groups
    assert not rep.execute("crm.lead", "search", [("phone", "ilike", "13912")])
    assert not rep.execute("crm.lead", "search", [("email_from", "=", EMAIL)])
    assert not rep.execute("crm.lead", "search", [("partner_id.phone", "ilike", "5678")])
    asc = rep.execute("crm.lead", "search", [("team_id", "=", world["team"])], order="phone asc, id")
    desc = rep.execute("crm.lead", "search", [("team_id", "=", world["team"])], order="phone desc, id")
    assert asc == desc, "sorting by a masked field is ignored"


def test_customer_record_masked(rep, world):
    for partner in (world["contact"], world["company"]):
        [row] = rep.execute("res.partner", "read", [partner], ["phone", "email", "email_formatted", "display_name"])
        assert all(masked(row[f]) for f in ("phone", "email", "email_formatted")), row
        [row] = rep.execute("res.partner", "web_read", [partner], specification={"display_name": {}},
                            context={"show_email": True})
        assert masked(row["display_name"]), row
    assert not rep.execute("res.partner", "search", [("phone", "=", PHONE)])
    assert not rep.execute("res.partner", "name_search", EMAIL)
    rows = rep.execute("res.partner", "export_data", [world["contact"]], ["phone", "email", "mobile"])["datas"]
    assert all(masked(v) for v in rows[0]), rows
    groups = rep.execute("res.partner", "read_group", [("id", "in", [world["contact"], world["company"]])],
                         ["email"], ["email"])
    assert all(masked(g["email"]) for g in groups), groups


def test_onchange_does_not_reveal(rep, world):
    spec = {"phone": {}, "email_from": {}, "partner_id": {"fields": {"display_name": {}}}}
    result = rep.execute("crm.lead", "onchange", [world["pooled"]], {}, [], spec)
    assert masked(result["value"].get("phone")) and masked(result["value"].get("email_from")), result
    result = rep.execute("crm.lead", "onchange", [], {"partner_id": world["contact"]}, ["partner_id"], spec)
    assert masked(result["value"].get("phone")) and masked(result["value"].get("email_from")), result


def test_cannot_open_own_deal_on_pooled_customer(admin, rep, world):
    count = admin.execute("crm.lead", "search_count", [("partner_id", "=", world["contact"])])
    refused(lambda: rep.execute("crm.lead", "create", {"name": f"Side door {TAG}", "partner_id": world["contact"]}),
            match="public pool")
    attempt(admin, "crm.lead", world["own"][1:2], ["partner_id", "phone"],
            lambda: rep.execute("crm.lead", "write", world["own"][1:2], {"partner_id": world["company"]}),
            match="public pool")
    assert admin.execute("crm.lead", "search_count", [("partner_id", "=", world["contact"])]) == count


def test_cannot_call_pooled_deal(admin, rep, world):
    count = admin.execute("crm.call.log", "search_count", [])
    refused(lambda: rep.execute("crm.lead", "log_call", [world["pooled"]], "D", "just checking"),
            match="claim it before")
    refused(lambda: rep.execute("crm.call.log", "create", {
        "partner_id": world["company"], "outcome_code": "N/A", "purpose": "x"}), match="claim it before")
    assert admin.execute("crm.call.log", "search_count", []) == count
    wizard = rep.execute("crm.call.log.wizard", "onchange", [], {"lead_id": world["pooled"]}, ["lead_id"],
                         {"phone": {}, "warning": {}})
    assert masked(wizard["value"].get("phone")), wizard


def test_workbook_does_not_carry_contact_details(rep, world):
    import base64
    import io
    import zipfile
    wizard = rep.execute("crm.funnel.export.wizard", "create", {})
    action = rep.execute("crm.funnel.export.wizard", "action_export", [wizard])
    attachment = int(action["url"].split("/web/content/")[1].split("?")[0])
    [data] = rep.execute("ir.attachment", "read", [attachment], ["datas"])
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(data["datas"]))) as book:
        text = "".join(book.read(name).decode("utf-8", "ignore") for name in book.namelist())
    assert PHONE not in text and EMAIL not in text


# ---------------------------------------------------------------------------- 5. audit trail
@pytest.mark.parametrize("model, domain_key, method, args", [
    ("crm.lead.check.log", "lead_id", "write", [{"user_id": 2}]),
    ("crm.lead.check.log", "lead_id", "unlink", []),
    ("crm.lead.stage.history", "lead_id", "write", [{"days_in_previous": 0}]),
    ("crm.lead.stage.history", "lead_id", "unlink", []),
    ("crm.pool.history", "lead_id", "write", [{"date_start": LONG_AGO}]),
    ("crm.pool.history", "lead_id", "unlink", []),
    ("crm.call.log", "lead_id", "write", [{"date": LONG_AGO}]),
    ("crm.call.log", "lead_id", "unlink", []),
])
def test_audit_trail_cannot_be_changed(admin, rep, world, model, domain_key, method, args):
    ids = admin.execute(model, "search", [(domain_key, "in", world["own"])])
    assert ids, f"{model} has rows for the rep's deals"
    fields = list(admin.execute(model, "fields_get", [], attributes=["store"]))
    fields = [f for f in fields if f not in ("display_name", "__last_update")][:15]
    attempt(admin, model, ids, fields, lambda: rep.execute(model, method, ids, *args), names=("AccessError",))


@pytest.mark.parametrize("model, vals", [
    ("crm.lead.check.log", {"lead_check_id": None, "lead_id": None, "done": True}),
    ("crm.lead.stage.history", {"lead_id": None}),
    ("crm.pool.history", {"lead_id": None, "user_id": 2}),
    ("crm.phone.suppression", {"phone_sanitized": "+8613000000000", "reason": "invalid"}),
])
def test_audit_trail_cannot_be_forged(admin, rep, world, model, vals):
    vals = {k: (world["answer"] if k == "lead_check_id" else world["own"][0]) if v is None else v
            for k, v in vals.items()}
    count = admin.execute(model, "search_count", [])
    refused(lambda: rep.execute(model, "create", vals), names=("AccessError",))
    assert admin.execute(model, "search_count", []) == count


def test_audit_trail_not_erased_through_the_deal(admin, rep, world):
    own = world["own"][0]
    history = admin.execute("crm.pool.history", "search", [("lead_id", "=", own)])
    stages = admin.execute("crm.lead.stage.history", "search", [("lead_id", "=", own)])
    for vals in ({"pool_history_ids": [(2, history[0])]}, {"stage_history_ids": [(2, stages[0])]},
                 {"check_ids": [(2, world["answer"])]}, {"check_ids": [(1, world["answer"], {"user_id": 1})]}):
        refused(lambda vals=vals: rep.execute("crm.lead", "write", [own], vals))
    refused(lambda: rep.execute("crm.lead", "unlink", [own]), names=("AccessError",))
    assert admin.execute("crm.pool.history", "search", [("lead_id", "=", own)]) == history
    assert admin.execute("crm.lead.stage.history", "search", [("lead_id", "=", own)]) == stages
    assert admin.execute("crm.lead.check", "read", [world["answer"]], ["user_id"])[0]["user_id"][0] == 2


def test_suppression_flag_cannot_be_cleared_by_rep(admin, rep, world):
    flag = admin.execute("crm.phone.suppression", "create", {
        "phone_sanitized": f"+86137{int(TAG, 16) % 10 ** 8:08d}", "reason": "blacklist"})
    fields = ["active", "date_cleared", "cleared_by_id"]
    attempt(admin, "crm.phone.suppression", [flag], fields,
            lambda: rep.execute("crm.phone.suppression", "action_clear", [flag]), match="Only sales managers")
    attempt(admin, "crm.phone.suppression", [flag], fields,
            lambda: rep.execute("crm.phone.suppression", "write", [flag], {"active": False}), names=("AccessError",))
    attempt(admin, "crm.phone.suppression", [flag], fields,
            lambda: rep.execute("crm.phone.suppression", "unlink", [flag]), names=("AccessError",))


# ---------------------------------------------------------------------------- 6. legitimate paths still work
def test_claim_release_and_manager_paths(admin, rep, manager, world):
    deal = admin.execute("crm.lead", "create", {
        "name": f"Legit {TAG}", "type": "opportunity", "team_id": world["team"], "user_id": False})
    rep.execute("crm.lead", "action_pool_claim", [deal])
    [row] = admin.execute("crm.lead", "read", [deal], ["user_id", "date_claimed"])
    assert row["user_id"][0] == rep.uid and row["date_claimed"]
    wizard = rep.execute("crm.pool.release.wizard", "create", {"reason": "customer not reachable"},
                         context={"active_ids": [deal]})
    rep.execute("crm.pool.release.wizard", "action_release", [wizard], context={"active_ids": [deal]})
    [row] = admin.execute("crm.lead", "read", [deal], ["user_id", "pool_previous_user_id", "date_pooled"])
    assert not row["user_id"] and row["pool_previous_user_id"][0] == rep.uid and row["date_pooled"]
    ended = admin.execute("crm.pool.history", "search_read", [("lead_id", "=", deal)], fields=["end_reason", "rule"])
    assert {(h["end_reason"], h["rule"]) for h in ended} == {("released", "customer not reachable")}
    # the manager assigns it, locks it with a reason and corrects a system date (logged with old and new value)
    wizard = manager.execute("crm.pool.assign.wizard", "create", {"user_id": rep.uid}, context={"active_ids": [deal]})
    manager.execute("crm.pool.assign.wizard", "action_assign", [wizard], context={"active_ids": [deal]})
    manager.execute("crm.lead", "write", [deal], {"pool_locked": True, "pool_lock_reason": "strategic account"})
    manager.execute("crm.lead", "write", [deal], {"date_last_followup": "2026-01-02 03:04:05"})
    [row] = admin.execute("crm.lead", "read", [deal], ["user_id", "pool_locked", "date_last_followup", "date_reclaim"])
    assert row["user_id"][0] == rep.uid and row["pool_locked"] and row["date_last_followup"] == "2026-01-02 03:04:05"
    assert not row["date_reclaim"], "a locked deal is not reclaimed"
    notes = admin.execute("mail.message", "search_read", [("model", "=", "crm.lead"), ("res_id", "=", deal)],
                          fields=["body"])
    assert any("corrected" in n["body"] and "2026-01-02 03:04:05" in n["body"] for n in notes), notes
    # the manager sees the pooled customer's details
    [row] = manager.execute("crm.lead", "read", [world["pooled"]], ["phone"])
    assert row["phone"] == PHONE
    assert manager.execute("crm.lead", "action_pool_reclaim_now") is not None


def test_chatter_and_activities_masked(admin, rep, world):
    pooled = world["pooled"]
    admin.execute("crm.lead", "message_post", [pooled], body=f"客户电话 {PHONE}，邮箱 {EMAIL}",
                  message_type="comment", subtype_xmlid="mail.mt_note")
    model_id = admin.execute("ir.model", "search", [("model", "=", "crm.lead")])[0]
    admin.execute("mail.activity", "create", {
        "res_model_id": model_id, "res_id": pooled, "summary": f"Call {PHONE}", "note": f"<p>mail {EMAIL}</p>",
        "user_id": rep.uid})  # e.g. left from when he held the deal
    messages = rep.execute("mail.message", "search_read", [("model", "=", "crm.lead"), ("res_id", "=", pooled)],
                           fields=["body", "preview"])
    assert messages and all(masked(m["body"]) and masked(m["preview"]) for m in messages), messages
    assert any("139****5678" in m["body"] for m in messages)
    activities = rep.execute("mail.activity", "search_read", [("res_model", "=", "crm.lead"), ("res_id", "=", pooled)],
                             fields=["summary", "note"])
    assert activities and all(masked(a["summary"]) and masked(a["note"]) for a in activities), activities
    # the same chatter as the manager sees it
    [row] = admin.execute("mail.message", "search_read", [("model", "=", "crm.lead"), ("res_id", "=", pooled),
                                                          ("message_type", "=", "comment")], fields=["body"], limit=1)
    assert PHONE in row["body"]


def test_rep_everyday_paths_still_work(admin, rep, world):
    deal = rep.execute("crm.lead", "create", {
        "name": f"Rep's own {TAG}", "type": "opportunity", "team_id": world["team"], "user_id": rep.uid,
        "phone": "13700001111"})
    stages = admin.execute("crm.stage", "search_read", [("is_won", "=", False)], fields=["id"], order="sequence")
    [row] = admin.execute("crm.lead", "read", [deal], ["stage_id", "date_claimed"])
    assert row["date_claimed"]
    target = next(s["id"] for s in stages if s["id"] != row["stage_id"][0])
    rep.execute("crm.lead", "write", [deal], {"stage_id": target})
    rep.execute("crm.lead", "log_call", [deal], "N/A", "first try")
    [row] = admin.execute("crm.lead", "read", [deal], ["stage_id", "date_last_followup", "call_na_count"])
    assert row["stage_id"][0] == target and row["date_last_followup"] and row["call_na_count"] == 1


def test_do_not_call_list_does_not_reveal_pooled_numbers(admin, rep, world):
    flag = admin.execute("crm.phone.suppression", "create", {
        "phone_sanitized": "+8613912345678", "partner_id": world["contact"], "reason": "unreachable"})
    assert flag not in rep.execute("crm.phone.suppression", "search", [])
    refused(lambda: rep.execute("crm.phone.suppression", "read", [flag], ["phone_sanitized"]), names=("AccessError",))
    [row] = rep.execute("crm.lead", "read", [world["pooled"]], ["call_suppression_note", "call_suppressed"])
    assert row["call_suppressed"] and masked(row["call_suppression_note"]), row
    admin.execute("crm.phone.suppression", "action_clear", [flag])


# ---------------------------------------------------------------------------- side channels found in session 8
def test_email_kept_whole_by_crm_is_masked(admin, rep, world):
    """crm keeps the whole address of a free mail provider (qq.com, 163.com) in email_domain_criterion."""
    free = f"boss.{TAG}@qq.com"
    deal = admin.execute("crm.lead", "create", {
        "name": f"Free mail {TAG}", "type": "opportunity", "team_id": world["team"], "user_id": False,
        "email_from": free})
    assert admin.execute("crm.lead", "read", [deal], ["email_domain_criterion"])[0]["email_domain_criterion"] == free
    [row] = rep.execute("crm.lead", "read", [deal], ["email_domain_criterion"])
    [found] = rep.execute("crm.lead", "search_read", [("id", "=", deal)], fields=["email_domain_criterion"])
    [web] = rep.execute("crm.lead", "web_read", [deal], specification={"email_domain_criterion": {}})
    assert all(f"boss.{TAG}" not in str(r["email_domain_criterion"]) for r in (row, found, web)), (row, found, web)


def test_customer_name_with_email_masked_through_links(rep, world):
    """Odoo computes the name of a linked record as superuser (for the same user): still masked."""
    context = {"show_email": True}
    [row] = rep.execute("crm.lead", "read", [world["pooled"]], ["partner_id"], context=context)
    assert EMAIL not in row["partner_id"][1], row
    groups = rep.execute("crm.lead", "read_group", [("id", "=", world["pooled"])], ["partner_id"], ["partner_id"],
                         context=context)
    assert groups and all(EMAIL not in str(g["partner_id"]) for g in groups), groups
    [row] = rep.execute("crm.lead", "web_read", [world["pooled"]], specification={
        "partner_id": {"fields": {"display_name": {}}, "context": context}})
    assert EMAIL not in str(row["partner_id"]), row


def test_contact_under_pooled_company_refused(admin, rep, world):
    """A contact added under the pooled customer's company, or a deal on another contact of it, would make the rep
    a holder of that company and show him its details: refused, claim the deal."""
    sibling = admin.execute("res.partner", "create", {"name": f"李经理 {TAG}", "parent_id": world["company"]})
    count = admin.execute("res.partner", "search_count", [("parent_id", "=", world["company"])])
    refused(lambda: rep.execute("res.partner", "create", {"name": f"新联系人 {TAG}", "parent_id": world["company"]}),
            match="public pool")
    refused(lambda: rep.execute("crm.lead", "create", {"name": f"Sibling door {TAG}", "partner_id": sibling}),
            match="public pool")
    mine = rep.execute("res.partner", "create", {"name": f"自己的联系人 {TAG}"})
    refused(lambda: rep.execute("res.partner", "write", [mine], {"parent_id": world["company"]}), match="public pool")
    assert admin.execute("res.partner", "search_count", [("parent_id", "=", world["company"])]) == count
    [row] = rep.execute("res.partner", "read", [world["company"]], ["phone", "email"])
    assert masked(row["phone"]) and masked(row["email"]), row


def test_pooled_deal_not_duplicated(admin, rep, world):
    count = admin.execute("crm.lead", "search_count", [("name", "ilike", f"Pooled deal {TAG}")],
                          context={"active_test": False})
    refused(lambda: rep.execute("crm.lead", "copy", [world["pooled"]]), match="public pool")
    refused(lambda: rep.execute("crm.lead", "copy", [world["pooled"]], default={"partner_id": False}),
            match="public pool")
    assert admin.execute("crm.lead", "search_count", [("name", "ilike", f"Pooled deal {TAG}")],
                         context={"active_test": False}) == count


def test_merge_takes_nothing_and_keeps_the_records(admin, rep, world):
    """A rep merges only his deals and pooled deals he could claim; what the deleted deal recorded moves to the
    deal kept (crm deletes the others as superuser)."""
    # a colleague's deal: not readable with Odoo's own salesman rule, refused by the merge for "all leads" users
    theirs = admin.execute("crm.lead", "search", [("user_id", "not in", [False, rep.uid])], limit=1)
    head, tail = admin.execute("crm.lead", "create", [{
        "name": f"Merge {TAG} {i}", "type": "opportunity", "team_id": world["team"], "user_id": rep.uid,
        "probability": 60 - 30 * i, "phone": f"1371234{i:04d}"} for i in range(2)])
    refused(lambda: rep.execute("crm.lead", "merge_opportunity", [head, theirs[0]]))
    assert admin.execute("crm.lead", "search_count", [("id", "=", theirs[0])]) == 1
    call = admin.execute("crm.call.log", "create", {
        "lead_id": tail, "outcome_code": "N/A", "purpose": "merge check", "user_id": rep.uid})
    histories = admin.execute("crm.lead.stage.history", "search", [("lead_id", "=", tail)])
    holdings = admin.execute("crm.pool.history", "search", [("lead_id", "=", tail)])
    assert histories and holdings
    rep.execute("crm.lead", "merge_opportunity", [head, tail])
    kept = head  # the more advanced deal (60 % against 30 %) is the one crm keeps
    assert admin.execute("crm.lead", "search", [("id", "=", head)]) == [head]
    assert not admin.execute("crm.lead", "search", [("id", "=", tail)], context={"active_test": False})
    assert admin.execute("crm.call.log", "read", [call], ["lead_id"])[0]["lead_id"][0] == kept
    for model, ids in (("crm.lead.stage.history", histories), ("crm.pool.history", holdings)):
        rows = admin.execute(model, "read", ids, ["lead_id"])
        assert len(rows) == len(ids) and all(r["lead_id"][0] == kept for r in rows), (model, rows)


def test_holding_cap_not_bypassed_by_archiving(admin, rep, world):
    """Archive a deal, claim one more, restore the first: the restore is refused (the cap counts open deals)."""
    held = admin.execute("crm.lead", "search_count", [("user_id", "=", rep.uid), ("stage_id.is_won", "=", False)])
    deal = admin.execute("crm.lead", "create", {
        "name": f"Cap {TAG}", "type": "opportunity", "team_id": world["team"], "user_id": False})
    admin.execute("crm.pool", "write", [world["pool"]], {"holding_cap": held})
    try:
        refused(lambda: rep.execute("crm.lead", "action_pool_claim", [deal]), match="Holding cap")
        archived = world["own"][2]
        rep.execute("crm.lead", "write", [archived], {"active": False})
        rep.execute("crm.lead", "action_pool_claim", [deal])
        attempt(admin, "crm.lead", [archived], ["active", "user_id"],
                lambda: rep.execute("crm.lead", "write", [archived], {"active": True}), match="Holding cap")
        attempt(admin, "crm.lead", [archived], ["active", "user_id"],
                lambda: rep.execute("crm.lead", "action_unarchive", [archived]), match="Holding cap")
    finally:
        admin.execute("crm.pool", "write", [world["pool"]], {"holding_cap": 1000})
        admin.execute("crm.lead", "write", [world["own"][2]], {"active": True})


def test_daily_claim_cap_not_moved_by_time_zone(admin, rep, world):
    """The daily cap counts the last 24 hours: changing one's own time zone does not open a new day."""
    first, deal = admin.execute("crm.lead", "create", [{
        "name": f"Daily {TAG} {i}", "type": "opportunity", "team_id": world["team"], "user_id": False}
        for i in range(2)])
    rep.execute("crm.lead", "action_pool_claim", [first])
    since = admin.execute("crm.pool.history", "search_read", [("lead_id", "=", first)], fields=["date_start"])
    since = (datetime.strptime(since[0]["date_start"], "%Y-%m-%d %H:%M:%S") - timedelta(days=1, minutes=1))
    claimed = admin.execute("crm.pool.history", "search_count", [
        ("user_id", "=", rep.uid), ("start_reason", "=", "claimed"),
        ("date_start", ">=", since.strftime("%Y-%m-%d %H:%M:%S"))])
    tz = admin.execute("res.users", "read", [rep.uid], ["tz"])[0]["tz"]
    admin.execute("crm.pool", "write", [world["pool"]], {"daily_claim_cap": claimed})
    try:
        for zone in ("Pacific/Kiritimati", "Pacific/Niue"):
            rep.execute("res.users", "write", [rep.uid], {"tz": zone})
            refused(lambda: rep.execute("crm.lead", "action_pool_claim", [deal]), match="Daily claim cap")
        assert not admin.execute("crm.lead", "read", [deal], ["user_id"])[0]["user_id"]
    finally:
        admin.execute("crm.pool", "write", [world["pool"]], {"daily_claim_cap": 1000})
        admin.execute("res.users", "write", [rep.uid], {"tz": tz})


def test_mail_side_channels_masked(admin, rep, world):
    """mail's own channels around a pooled deal: its followers, a mail its customer sent, text searches of the
    chatter and the activity report, an invitation or a mail to the customer."""
    pooled, contact = world["pooled"], world["contact"]
    admin.execute("crm.lead", "message_subscribe", [pooled], partner_ids=[contact])
    admin.execute("crm.lead", "message_post", [pooled], body=f"来自客户的邮件 {PHONE}", email_from=EMAIL,
                  message_type="email", subtype_xmlid="mail.mt_comment")
    followers = rep.execute("mail.followers", "search_read", [("res_model", "=", "crm.lead"), ("res_id", "=", pooled)],
                            fields=["email", "partner_id"])
    assert followers and all(masked(f["email"]) for f in followers), followers
    assert not rep.execute("mail.followers", "search_count", [("email", "=", EMAIL)])
    messages = rep.execute("mail.message", "search_read", [("model", "=", "crm.lead"), ("res_id", "=", pooled)],
                           fields=["email_from", "reply_to", "body"])
    assert messages and all(masked(m["email_from"]) and masked(m["body"]) for m in messages), messages
    assert not rep.execute("mail.message", "search_count", [
        ("model", "=", "crm.lead"), ("res_id", "=", pooled), ("body", "ilike", PHONE)])
    assert not rep.execute("mail.message", "search_count", [("email_from", "ilike", EMAIL)])
    assert pooled not in rep.execute("crm.lead", "search", [("message_ids.body", "ilike", PHONE)])
    # the activity report quotes done activities
    activity = admin.execute("mail.activity", "create", {
        "res_model_id": admin.execute("ir.model", "search", [("model", "=", "crm.lead")])[0], "res_id": pooled,
        "summary": "回电", "note": f"拨打 {PHONE}", "user_id": 2,
        "activity_type_id": admin.execute("ir.model.data", "check_object_reference", "mail",
                                          "mail_activity_data_call")[1]})
    admin.execute("mail.activity", "action_feedback", [activity], feedback=f"已拨打 {PHONE}")
    rows = rep.execute("crm.activity.report", "search_read", [("lead_id", "=", pooled)], fields=["body"])
    assert rows and all(masked(r["body"]) for r in rows), rows
    assert not rep.execute("crm.activity.report", "search_count", [("body", "ilike", PHONE)])
    # no invitation and no mail to the pooled customer
    start = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    stop = (datetime.now() + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    refused(lambda: rep.execute("calendar.event", "create", {
        "name": f"拜访 {TAG}", "start": start, "stop": stop, "partner_ids": [(4, contact)]}), match="public pool")
    event = admin.execute("calendar.event", "create", {
        "name": f"经理拜访 {TAG}", "start": start, "stop": stop, "partner_ids": [(4, contact)]})
    attendees = rep.execute("calendar.attendee", "search_read", [("event_id", "=", event)], fields=["email"])
    assert attendees and all(masked(a["email"]) for a in attendees), attendees
    mine = rep.execute("res.partner", "create", {"name": f"我的客户 {TAG}"})
    refused(lambda: rep.execute("res.partner", "message_post", [mine], body="hello", partner_ids=[contact]),
            match="public pool")
    composer = rep.execute("mail.compose.message", "create", {
        "model": "crm.lead", "res_ids": str([pooled]), "composition_mode": "mass_mail", "subject": "您好",
        "body": "<p>您好</p>"})
    sent = admin.execute("mail.mail", "search_count", [])
    refused(lambda: rep.execute("mail.compose.message", "action_send_mail", [composer]), match="public pool")
    assert admin.execute("mail.mail", "search_count", []) == sent


def test_duplicate_detection_does_not_reveal_pooled_details(admin, rep, world):
    """crm's duplicate detection (the lead's "Similar Leads" count and the convert wizard's duplicates) searches by
    the e-mail and number a rep types into his own lead: a pooled deal is not found that way (it would tell him
    whose address or number it is); a sales manager still finds it."""
    pooled = world["pooled"]
    lead = rep.execute("crm.lead", "create", {"name": f"Typed details {TAG}", "type": "lead",
                                              "email_from": EMAIL, "phone": PHONE})
    try:
        ctx = {"active_model": "crm.lead", "active_id": lead, "active_ids": [lead]}
        for client, found in ((admin, True), (rep, False)):
            similar = client.execute("crm.lead", "read", [lead], ["duplicate_lead_ids", "duplicate_lead_count"])[0]
            assert (pooled in similar["duplicate_lead_ids"]) is found, (client, similar)
            # crm lists the lead itself among them, and does not count it
            assert similar["duplicate_lead_count"] == len(set(similar["duplicate_lead_ids"]) - {lead}), similar
            wizard = client.execute("crm.lead2opportunity.partner", "create", {"name": "convert"}, context=ctx)
            listed = client.execute("crm.lead2opportunity.partner", "read", [wizard], ["duplicated_lead_ids"],
                                    context=ctx)[0]["duplicated_lead_ids"]
            assert (pooled in listed) is found, (client, listed)
    finally:
        admin.execute("crm.lead", "unlink", [lead])


def test_duplicate_detection_through_a_lead_left_to_the_pool(admin, rep, world):
    """The same through a lead the rep creates without salesperson (it goes to the pool, masked to him too): the
    wizard lists the lead he filled in himself, not the pooled deal that has the details he typed."""
    pooled = world["pooled"]
    lead = rep.execute("crm.lead", "create", {"name": f"Left to the pool {TAG}", "type": "lead", "user_id": False,
                                              "team_id": world["team"], "email_from": EMAIL, "phone": PHONE})
    try:
        assert admin.execute("crm.lead", "read", [lead], ["pool_id"])[0]["pool_id"], "the lead is pooled"
        ctx = {"active_model": "crm.lead", "active_id": lead, "active_ids": [lead]}
        similar = rep.execute("crm.lead", "read", [lead], ["duplicate_lead_ids"])[0]["duplicate_lead_ids"]
        assert pooled not in similar, similar
        wizard = rep.execute("crm.lead2opportunity.partner", "create", {"name": "convert"}, context=ctx)
        listed = rep.execute("crm.lead2opportunity.partner", "read", [wizard], ["duplicated_lead_ids"],
                             context=ctx)[0]["duplicated_lead_ids"]
        assert pooled not in listed and lead in listed, listed
    finally:
        admin.execute("crm.lead", "unlink", [lead])


def test_customer_update_ribbon_and_followers_do_not_confirm_a_guess(admin, rep, world):
    """crm's "the customer's phone/e-mail will be updated" flag compares what the rep types with the masked
    customer's; the chatter's suggested recipients compare the record's addresses with its followers' (so the
    rep cannot make the pooled customer follow his deal). Neither answers whether a guess is right."""
    contact, pooled = world["contact"], world["pooled"]
    spec = {"partner_id": {}, "phone": {}, "email_from": {}, "partner_phone_update": {}, "partner_email_update": {}}
    for values, changed in (({"phone": PHONE}, "phone"), ({"phone": "13900000000"}, "phone"),
                            ({"email_from": EMAIL}, "email_from"), ({"email_from": f"x{EMAIL}"}, "email_from")):
        result = rep.execute("crm.lead", "onchange", [], {"name": "guess", "partner_id": contact, **values},
                             [changed], spec)
        value = result.get("value", {})
        assert not value.get("partner_phone_update") and not value.get("partner_email_update"), (values, result)
        on_pooled = rep.execute("crm.lead", "onchange", [pooled], values, [changed], spec).get("value", {})
        assert not on_pooled.get("partner_phone_update") and not on_pooled.get("partner_email_update"), on_pooled
    own = world["own"][0]
    refused(lambda: rep.execute("crm.lead", "message_subscribe", [own], partner_ids=[contact]), match="public pool")
    refused(lambda: rep.execute("mail.followers", "create", {"res_model": "crm.lead", "res_id": own,
                                                              "partner_id": contact}), match="public pool")
    assert not admin.execute("mail.followers", "search_count", [
        ("res_model", "=", "crm.lead"), ("res_id", "=", own), ("partner_id", "=", contact)])


def test_composers_do_not_show_pooled_details(admin, rep, world):
    """A template previewed or composed on a pooled deal, and the SMS composer on it or its customer, would show
    the rep the hidden e-mail or number (and the mail composer would create a contact carrying it): refused."""
    pooled, contact = world["pooled"], world["contact"]
    model_id = admin.execute("ir.model", "search", [("model", "=", "crm.lead")])[0]
    template = admin.execute("mail.template", "create", {
        "name": f"Probe {TAG}", "model_id": model_id, "email_to": "{{ object.email_from }}", "subject": "您好",
        "body_html": "<p>您好</p>"})
    spec = {"email_to": {}, "mail_template_id": {}, "resource_ref": {}, "error_msg": {}}
    values = {"mail_template_id": template, "resource_ref": f"crm.lead,{pooled}"}
    try:
        shown = admin.execute("mail.template.preview", "onchange", [], values, ["resource_ref"], spec,
                              context={"default_mail_template_id": template})
        assert EMAIL in str(shown), shown  # what a manager sees
        preview = rep.execute("mail.template.preview", "onchange", [], values, ["resource_ref"], spec,
                              context={"default_mail_template_id": template})
        assert EMAIL not in str(preview) and "public pool" in str(preview), preview
        partners = admin.execute("res.partner", "search_count", [("email", "=ilike", EMAIL)])
        refused(lambda: rep.execute(
            "mail.compose.message", "onchange", [], {}, [],
            {"partner_ids": {"fields": {"email": {}}}, "template_id": {}, "model": {}, "res_ids": {}},
            context={"default_model": "crm.lead", "default_res_ids": [pooled], "default_template_id": template,
                     "default_composition_mode": "comment"}), match="public pool")
        assert admin.execute("res.partner", "search_count", [("email", "=ilike", EMAIL)]) == partners
        sms_spec = {"recipient_single_number": {}, "recipient_single_number_itf": {}, "res_id": {}, "res_model": {}}
        for model, record in (("crm.lead", pooled), ("res.partner", contact)):
            refused(lambda model=model, record=record: rep.execute(
                "sms.composer", "onchange", [], {}, [], sms_spec,
                context={"default_res_model": model, "default_res_id": record, "default_composition_mode": "comment"}),
                match="public pool")
        own = rep.execute("sms.composer", "onchange", [], {}, [], sms_spec, context={
            "default_res_model": "crm.lead", "default_res_id": world["own"][0], "default_composition_mode": "comment"})
        assert own["value"].get("recipient_single_number"), own  # his own deal's number, as before
    finally:
        admin.execute("mail.template", "unlink", [template])


def test_similar_leads_cut_off_does_not_count_pooled_deals(admin, rep, world):
    """crm stops counting similar leads at 21 matches: with 20 leads of his own on the pooled deal's number, the
    rep's count must not drop to 0 because of the pooled deal (it would confirm the number is the hidden one)."""
    mine = rep.execute("crm.lead", "create", [{"name": f"Same number {TAG} {i}", "type": "lead", "phone": PHONE}
                                               for i in range(20)])
    try:
        spec = {"phone": {}, "name": {}, "duplicate_lead_count": {}}
        result = rep.execute("crm.lead", "onchange", [], {"name": "guess", "phone": PHONE}, ["phone"], spec)
        assert result["value"].get("duplicate_lead_count") == 20, result
        shown = admin.execute("crm.lead", "onchange", [], {"name": "guess", "phone": PHONE}, ["phone"], spec)
        assert not shown["value"].get("duplicate_lead_count"), shown  # 21 matches for a manager: crm's cut-off
    finally:
        admin.execute("crm.lead", "unlink", mine)
