"""The checklist gate against any client: a salesperson of the demo data (zhangwei) over JSON-RPC tries
every path that creates or moves a deal past unticked checks. Each attempt must be refused with a clear
message, and nothing may change (re-read as admin)."""
import base64
import uuid

import pytest
from conftest import RpcError

GATE_ERROR = "odoo.addons.sales_funnel_cn.models.crm_lead_gate.StageGateError"
LEAD_FIELDS = ["stage_id", "probability", "active", "team_id", "gate_skipped", "sfcn_historical"]


@pytest.fixture(scope="module")
def funnel(admin):
    """The demo team's funnel (the seed's 10/25/50/75/90/100 %) and one of zhangwei's deals at 10 %."""
    team = admin.execute("crm.team", "search_read", [("name", "=", "华东大客户部")],
                         fields=["funnel_template_id"])[0]
    assert team["funnel_template_id"], "the demo team runs a funnel template"
    stages = admin.execute("crm.stage", "search_read", [("team_id", "=", team["id"])],
                           fields=["name", "stage_probability", "is_won", "sequence"], order="sequence, id")
    assert [s["stage_probability"] for s in stages] == [10, 25, 50, 75, 90, 100]
    return {"team": team["id"], "stages": stages, "ids": [s["id"] for s in stages]}


@pytest.fixture()
def deal(admin, client_factory, funnel):
    """A fresh deal of zhangwei at the funnel's first stage, its later checks unticked."""
    rep = client_factory("zhangwei", "zhangwei")
    lead_id = rep.execute("crm.lead", "create", {
        "name": "对抗测试商机", "type": "opportunity", "team_id": funnel["team"], "user_id": rep.uid,
        "stage_id": funnel["ids"][0]})
    yield lead_id
    admin.execute("crm.lead", "unlink", [lead_id])


def snapshot(admin, ids):
    leads = admin.execute("crm.lead", "read", ids, LEAD_FIELDS)
    checks = admin.execute("crm.lead.check", "search_read", [("lead_id", "in", ids)],
                           fields=["done", "note", "needs_reconfirm"], order="id")
    history = admin.execute("crm.lead.stage.history", "search_count", [("lead_id", "in", ids)])
    return leads, checks, history


def refused(call, *names):
    with pytest.raises(RpcError) as err:
        call()
    assert err.value.message.strip(), "a clear message"
    if names:
        assert err.value.name in names, err.value
    return err.value


def test_write_forward_refused(admin, rep, funnel, deal):
    before = snapshot(admin, [deal])
    err = refused(lambda: rep.execute("crm.lead", "write", [deal], {"stage_id": funnel["ids"][2]}), GATE_ERROR)
    assert "cannot move forward" in err.message or "商机无法推进" in err.message
    assert snapshot(admin, [deal]) == before


@pytest.mark.parametrize("key,value", [
    ("sfcn_skip_gate", True), ("sfcn_force_reason", "老板同意了"), ("sfcn_gate_override", "forced"),
    ("sfcn_gate_override", {"kind": "forced", "reason": "x"}), ("sfcn_gate_ask", False)])
def test_context_keys_do_not_open_the_gate(admin, rep, funnel, deal, key, value):
    before = snapshot(admin, [deal])
    refused(lambda: rep.execute("crm.lead", "write", [deal], {"stage_id": funnel["ids"][3]},
                                context={key: value}), GATE_ERROR)
    assert snapshot(admin, [deal]) == before


def test_kanban_drag_web_save_refused(admin, rep, funnel, deal):
    before = snapshot(admin, [deal])
    refused(lambda: rep.execute("crm.lead", "web_save", [deal], {"stage_id": funnel["ids"][1]},
                                specification={"stage_id": {}}), GATE_ERROR)
    assert snapshot(admin, [deal]) == before


def test_won_button_refused(admin, rep, funnel, deal):
    before = snapshot(admin, [deal])
    for method in ("action_set_won", "action_set_won_rainbowman"):
        err = refused(lambda m=method: rep.execute("crm.lead", m, [deal]), GATE_ERROR)
        won_check = rep.execute("crm.stage.check", "search_read", [("stage_id", "=", funnel["ids"][-1])],
                                fields=["name"])
        assert won_check and won_check[0]["name"] in err.message, "the won stage's check is named"
    assert snapshot(admin, [deal]) == before
    assert before[0][0]["probability"] < 100


def test_mass_edit_refused_and_nothing_half_written(admin, rep, client_factory, funnel, deal):
    other = rep.execute("crm.lead", "create", {
        "name": "对抗测试商机二", "type": "opportunity", "team_id": funnel["team"], "user_id": rep.uid,
        "stage_id": funnel["ids"][0]})
    try:
        # the second deal qualifies for 25 %, the first does not: neither moves
        checks = admin.execute("crm.stage.check", "search", [("stage_id", "=", funnel["ids"][1])])
        rep.execute("crm.lead", "action_sfcn_qualify_and_move", [other], funnel["ids"][0],
                    [{"check_id": c, "done": True} for c in checks])
        before = snapshot(admin, [deal, other])
        refused(lambda: rep.execute("crm.lead", "write", [other, deal], {"stage_id": funnel["ids"][1]}),
                GATE_ERROR)
        assert snapshot(admin, [deal, other]) == before
    finally:
        admin.execute("crm.lead", "unlink", [other])


def test_qualify_with_partial_answers_refused_and_rolled_back(admin, rep, funnel, deal):
    checks = admin.execute("crm.stage.check", "search", [("stage_id", "=", funnel["ids"][1])])
    before = snapshot(admin, [deal])
    refused(lambda: rep.execute("crm.lead", "action_sfcn_qualify_and_move", [deal], funnel["ids"][1],
                                [{"check_id": checks[0], "done": True, "note": "ok"}], True), GATE_ERROR)
    assert snapshot(admin, [deal]) == before, "the ticks sent with a refused move are not kept"


def test_create_at_later_stage_refused(admin, rep, funnel):
    for extra in ({}, {"sfcn_historical": True}):
        refused(lambda e=extra: rep.execute("crm.lead", "create", dict({
            "name": "跳级新建", "type": "opportunity", "team_id": funnel["team"], "user_id": rep.uid,
            "stage_id": funnel["ids"][3]}, **e)), GATE_ERROR, "odoo.exceptions.UserError")
    assert not admin.execute("crm.lead", "search", [("name", "=", "跳级新建")],
                             context={"active_test": False})


def test_import_at_later_stage_refused(admin, rep, funnel):
    fields = ["name", "type", "team_id/.id", "stage_id/.id"]
    row = ["跳级导入", "opportunity", str(funnel["team"]), str(funnel["ids"][4])]
    for names, values in ((fields, row), ([*fields, "sfcn_historical"], [*row, "1"])):
        result = rep.execute("crm.lead", "load", names, [values])
        assert not result["ids"]
        assert any(m["message"].strip() for m in result["messages"]), "a clear message per row"
    assert not admin.execute("crm.lead", "search", [("name", "=", "跳级导入")],
                             context={"active_test": False})


def test_base_import_refused(admin, rep, funnel):
    csv = f"name,type,team_id/.id,stage_id/.id\n跳级文件,opportunity,{funnel['team']},{funnel['ids'][4]}\n"
    wizard = rep.execute("base_import.import", "create", {
        "res_model": "crm.lead", "file": base64.b64encode(csv.encode()).decode(),
        "file_name": "deals.csv", "file_type": "text/csv"})
    result = rep.execute("base_import.import", "execute_import", [wizard],
                         ["name", "type", "team_id/.id", "stage_id/.id"], [], {
                             "quoting": '"', "separator": ",", "has_headers": True, "encoding": "utf-8"})
    assert not result.get("ids")
    assert any(m.get("message", "").strip() for m in result["messages"])
    assert not admin.execute("crm.lead", "search", [("name", "=", "跳级文件")], context={"active_test": False})


def test_copy_of_a_late_deal_starts_at_first_stage(admin, rep, funnel):
    late = admin.execute("crm.lead", "search", [("user_id", "=", rep.uid), ("team_id", "=", funnel["team"]),
                                                ("stage_id", "in", funnel["ids"][2:5])], limit=1)
    assert late, "zhangwei has a deal past 25 % in the demo"
    dup = rep.execute("crm.lead", "copy", late)[0]
    try:
        stage = admin.execute("crm.lead", "read", [dup], ["stage_id", "probability"])[0]
        assert stage["stage_id"][0] == funnel["ids"][0]
        assert stage["probability"] == 10
    finally:
        admin.execute("crm.lead", "unlink", [dup])


def test_trusted_methods_not_callable(admin, rep, funnel, deal):
    before = snapshot(admin, [deal])
    for method, args in (("_sfcn_move_stage_forced", [funnel["ids"][5], "老板同意"]),
                         ("_sfcn_move_stage_mapped", [[], "x"]),
                         ("_sfcn_answer_up_to_stage", []),
                         ("_sfcn_mark_historical", [{}])):
        refused(lambda m=method, a=args: rep.execute("crm.lead", m, [deal], *a))
    refused(lambda: rep.execute("crm.lead.force.stage", "create", {
        "lead_id": deal, "stage_id": funnel["ids"][5], "reason": "我自己批准"}), "odoo.exceptions.AccessError")
    assert snapshot(admin, [deal]) == before


def test_stage_of_another_pipeline_refused(admin, rep, funnel, deal):
    generic = admin.execute("crm.stage", "search", [("team_id", "=", False)])
    before = snapshot(admin, [deal])
    for stage in generic:
        err = refused(lambda s=stage: rep.execute("crm.lead", "write", [deal], {"stage_id": s}))
        assert "pipeline" in err.message or "管道" in err.message or "阶段" in err.message
    assert snapshot(admin, [deal]) == before


def test_probability_not_inflated_by_client(admin, rep, funnel, deal):
    rep.execute("crm.lead", "write", [deal], {"probability": 98.08, "stage_id": funnel["ids"][0]})
    # the stage did not change: Odoo lets a rep edit the probability itself; moving sets the stage's
    # the first stage's checks are asked when the deal moves on, with those of the stage it enters
    checks = admin.execute("crm.stage.check", "search", [("stage_id", "in", funnel["ids"][:2])])
    rep.execute("crm.lead", "action_sfcn_qualify_and_move", [deal], funnel["ids"][1],
                [{"check_id": c, "done": True} for c in checks])
    lead = admin.execute("crm.lead", "read", [deal], ["probability", "stage_id"])[0]
    assert lead["stage_id"][0] == funnel["ids"][1]
    assert lead["probability"] == 25


def test_demo_deals_answer_their_stage(admin, funnel):
    deals = admin.execute("crm.lead", "search_read", [("team_id", "=", funnel["team"]),
                                                      ("type", "=", "opportunity")],
                          fields=["stage_id", "check_incomplete"], context={"active_test": False})
    by_stage = {s["id"] for s in funnel["stages"]}
    assert deals and all(d["stage_id"][0] in by_stage for d in deals), "no demo deal off the funnel"
    assert not [d for d in deals if d["check_incomplete"]], "demo deals answer their stage's checks"


@pytest.fixture(scope="module")
def odoo_pipeline(admin):
    """A team running Odoo's own pipeline (no template), zhangwei not a member of it, and Odoo's won stage."""
    team = admin.execute("crm.team", "create", {"name": f"Odoo pipeline {uuid.uuid4().hex[:6]}"})
    won = admin.execute("crm.stage", "search", [("is_won", "=", True), ("team_id", "=", False)], limit=1)
    assert won
    return {"team": team, "won": won[0]}


def test_historical_mark_not_set_through_defaults(admin, rep, funnel, deal):
    """sfcn_historical answers every check it skips: a rep may not set it, neither in the values nor through a
    default_ key of the context (which Odoo applies to create, copy, import and the form's save)."""
    context = {"default_sfcn_historical": True}
    vals = {"name": "默认历史", "type": "opportunity", "team_id": funnel["team"], "user_id": rep.uid,
            "stage_id": funnel["ids"][-1]}
    refused(lambda: rep.execute("crm.lead", "create", vals, context=context))
    refused(lambda: rep.execute("crm.lead", "copy", [deal], default={"stage_id": funnel["ids"][-1]},
                                context=context))
    refused(lambda: rep.execute("crm.lead", "web_save", [], vals, specification={}, context=context))
    result = rep.execute("crm.lead", "load", ["name", "type", "team_id/.id", "stage_id/.id"],
                         [["默认历史", "opportunity", str(funnel["team"]), str(funnel["ids"][-1])]], context=context)
    assert not result["ids"]
    assert not admin.execute("crm.lead", "search", [("name", "in", ["默认历史", "对抗测试商机 (copy)"])],
                             context={"active_test": False})


def test_funnel_stage_only_on_its_team(admin, rep, funnel, odoo_pipeline, deal):
    """A funnel's stages belong to their team: a deal of a team without a template (or of no team) cannot be put
    on one, so it cannot be carried back to the funnel already won."""
    rep.execute("crm.lead", "write", [deal], {"team_id": odoo_pipeline["team"]})  # mapped onto Odoo's stages
    before = snapshot(admin, [deal])
    refused(lambda: rep.execute("crm.lead", "write", [deal], {"stage_id": funnel["ids"][-1]}))
    assert snapshot(admin, [deal]) == before
    refused(lambda: rep.execute("crm.lead", "create", {
        "name": "无团队漏斗阶段", "type": "opportunity", "team_id": False, "user_id": rep.uid,
        "stage_id": funnel["ids"][4]}))
    assert not admin.execute("crm.lead", "search", [("name", "=", "无团队漏斗阶段")], context={"active_test": False})


def test_team_changed_by_crm_is_mapped_and_gated(admin, rep, funnel, odoo_pipeline, deal):
    """crm recomputes the team of a deal turned back into a lead (from its salesperson's teams): a deal won on
    Odoo's pipeline and carried back to the funnel that way is mapped onto the funnel and gated, never left on a
    stage the funnel does not show, nor moved on as if "backward"."""
    # zhangwei in the funnel's team (other tests move him: Odoo keeps one team per salesperson by default)
    before_teams = admin.execute("crm.team.member", "search_read", [("user_id", "=", rep.uid)],
                                 fields=["crm_team_id"])
    admin.execute("crm.team", "write", [funnel["team"]], {"member_ids": [(4, rep.uid)]})
    try:
        rep.execute("crm.lead", "write", [deal], {"team_id": odoo_pipeline["team"]})
        rep.execute("crm.lead", "write", [deal], {"stage_id": odoo_pipeline["won"]})  # Odoo's pipeline: no checks
        before = snapshot(admin, [deal])
        refused(lambda: rep.execute("crm.lead", "write", [deal], {"type": "lead"}), GATE_ERROR)
        refused(lambda: rep.execute("crm.lead", "write", [deal], {"type": "lead", "stage_id": funnel["ids"][-1]}))
        assert snapshot(admin, [deal]) == before
        lead = admin.execute("crm.lead", "read", [deal], ["team_id", "stage_id"])[0]
        assert (lead["team_id"][0], lead["stage_id"][0]) == (odoo_pipeline["team"], odoo_pipeline["won"])
    finally:
        for member in before_teams:
            admin.execute("crm.team", "write", [member["crm_team_id"][0]], {"member_ids": [(4, rep.uid)]})


def test_answer_rows_keep_their_item_settings(admin, rep, funnel, deal):
    """The rows a deal answers carry their item's settings (required, stage, order): a rep cannot rewrite them to
    take the deal out of the 检查未完成 filter."""
    rows = rep.execute("crm.lead.check", "search", [("lead_id", "=", deal)])
    before = admin.execute("crm.lead.check", "read", rows, ["required", "stage_id", "stage_sequence", "sequence"])
    for vals in ({"required": False}, {"stage_id": funnel["ids"][3]}, {"sequence": 99}, {"stage_sequence": 0}):
        refused(lambda v=vals: rep.execute("crm.lead.check", "write", rows, v), "odoo.exceptions.UserError")
    assert admin.execute("crm.lead.check", "read", rows,
                         ["required", "stage_id", "stage_sequence", "sequence"]) == before
    assert admin.execute("crm.lead", "search_count", [("id", "=", deal), ("check_incomplete", "=", True)]) == 1


@pytest.mark.parametrize("login", ["zhangwei", "admin"])
def test_answers_the_gate_reads_not_written_by_a_client(admin, client_factory, funnel, deal, login):
    """The gate reads a deal's answers from its row (sfcn_checks_done, computed from the checklist): no client,
    an administrator neither, writes it to open the gate, by write, create or import."""
    client = admin if login == "admin" else client_factory(login, login)
    ids = admin.execute("crm.lead.check", "search", [("lead_id", "=", deal)])
    check_ids = [c["check_id"][0] for c in admin.execute("crm.lead.check", "read", ids, ["check_id"])]
    forged = " ".join(map(str, sorted(check_ids + list(range(1, 200)))))
    before = snapshot(admin, [deal])
    refused(lambda: client.execute("crm.lead", "write", [deal], {"sfcn_checks_done": forged}))
    refused(lambda: client.execute("crm.lead", "write", [deal], {"sfcn_checks_done": forged,
                                                                 "stage_id": funnel["ids"][2]}))
    refused(lambda: client.execute("crm.lead", "create", {
        "name": "伪造答案", "type": "opportunity", "team_id": funnel["team"], "sfcn_checks_done": forged}))
    result = client.execute("crm.lead", "load", ["name", "type", "sfcn_checks_done"],
                            [["伪造答案导入", "opportunity", forged]])
    assert not result["ids"] and result["messages"], result
    assert snapshot(admin, [deal]) == before
    assert not admin.execute("crm.lead", "search", [("name", "in", ["伪造答案", "伪造答案导入"])])
    # the move is still refused
    refused(lambda: client.execute("crm.lead", "write", [deal], {"stage_id": funnel["ids"][2]}), GATE_ERROR)
