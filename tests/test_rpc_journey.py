"""The customer journey over JSON-RPC (issue 15): a salesperson tries every path that turns a lead into an
opportunity on a team that blocks conversion without the seed-003 criterion (budget, timeline, matching
solution), tries to change the channel list and to enter channel costs. Each attempt is refused with a
clear, translated message, and nothing changed in the database (re-read as admin)."""
import uuid
from datetime import date
from datetime import timedelta

import pytest
from test_adversarial import attempt
from test_adversarial import refused

TAG = uuid.uuid4().hex[:6]
BLOCKED = "budget, the project timeline and a matching solution"
LEAD_FIELDS = ["type", "stage_id", "partner_id", "date_conversion"]


@pytest.fixture(scope="module")
def journey(admin, rep):
    team = admin.execute("crm.team", "create", {
        "name": f"Journey team {TAG}", "member_ids": [(6, 0, [rep.uid])], "sfcn_convert_criterion": "block"})
    leads = admin.execute("crm.lead", "create", [{
        "name": f"Journey lead {TAG} {i}", "type": "lead", "team_id": team, "user_id": rep.uid,
        "sfcn_budget": 100000} for i in range(2)])
    paid = admin.execute("ir.model.data", "check_object_reference", "sales_funnel_cn", "utm_medium_paid")[1]
    return {"team": team, "leads": leads, "paid": paid}


def test_convert_refused_on_every_path(admin, rep, journey):
    lead = journey["leads"][0]
    both = journey["leads"]
    calls = {
        "convert_opportunity": lambda: rep.execute("crm.lead", "convert_opportunity", [lead], False),
        "write type": lambda: rep.execute("crm.lead", "write", [lead], {"type": "opportunity"}),
        "wizard": lambda: rep.execute(
            "crm.lead2opportunity.partner", "action_apply",
            [rep.execute("crm.lead2opportunity.partner", "create", {"name": "convert", "action": "nothing"},
                         context={"active_model": "crm.lead", "active_id": lead, "active_ids": [lead]})],
            context={"active_model": "crm.lead", "active_id": lead, "active_ids": [lead]}),
        "mass convert": lambda: rep.execute(
            "crm.lead2opportunity.partner.mass", "action_mass_convert",
            [rep.execute("crm.lead2opportunity.partner.mass", "create",
                         {"name": "convert", "action": "nothing", "user_ids": [(6, 0, [rep.uid])]},
                         context={"active_model": "crm.lead", "active_id": lead, "active_ids": both})],
            context={"active_model": "crm.lead", "active_id": lead, "active_ids": both}),
        "merge and convert": lambda: rep.execute(
            "crm.lead2opportunity.partner", "action_apply",
            [rep.execute("crm.lead2opportunity.partner", "create",
                         {"name": "merge", "action": "nothing", "duplicated_lead_ids": [(6, 0, both)]},
                         context={"active_model": "crm.lead", "active_id": lead, "active_ids": both})],
            context={"active_model": "crm.lead", "active_id": lead, "active_ids": both}),
    }
    for call in calls.values():
        attempt(admin, "crm.lead", both, LEAD_FIELDS, call, match=BLOCKED, names=("UserError",))
    # import (load) reports the refusal per row and writes nothing
    before = admin.execute("crm.lead", "read", both, LEAD_FIELDS)
    result = rep.execute("crm.lead", "load", [".id", "type"], [[str(lead), "opportunity"]])
    assert not result["ids"] and BLOCKED in result["messages"][0]["message"], result
    assert admin.execute("crm.lead", "read", both, LEAD_FIELDS) == before


def test_refusal_in_chinese(admin, rep, journey):
    zh = admin.execute("res.lang", "search", [("code", "=", "zh_CN")], context={"active_test": False})
    if not admin.execute("res.lang", "search", [("code", "=", "zh_CN")]):
        wizard = admin.execute("base.language.install", "create", {"lang_ids": [(6, 0, zh)]})
        admin.execute("base.language.install", "lang_install", [wizard])
    error = refused(lambda: rep.execute("crm.lead", "convert_opportunity", [journey["leads"][1]], False,
                                        context={"lang": "zh_CN"}), names=("UserError",))
    assert "客户预算、项目时间和匹配的解决方案" in error.message, error.message


def test_convert_with_the_criterion(admin, rep, journey):
    lead = journey["leads"][1]
    start = (date.today() + timedelta(days=60)).isoformat()
    rep.execute("crm.lead", "write", [lead], {"date_project_start": start, "solution_fit": "high"})
    rep.execute("crm.lead", "convert_opportunity", [lead], False)
    assert admin.execute("crm.lead", "read", [lead], ["type"])[0]["type"] == "opportunity"


def test_channel_list_and_costs_are_managers(admin, rep, journey):
    paid = journey["paid"]
    attempt(admin, "utm.medium", [paid], ["sfcn_channel", "name"],
            lambda: rep.execute("utm.medium", "write", [paid], {"sfcn_channel": False}),
            match="maintained by the system")
    refused(lambda: rep.execute("crm.channel.cost", "create", {
        "medium_id": paid, "date": date.today().isoformat(), "amount": 1}), names=("AccessError",))
    # a lead created over RPC without a channel carries the default one (direct sales)
    lead = rep.execute("crm.lead", "create", {"name": f"No channel {TAG}", "type": "lead"})
    medium = rep.execute("crm.lead", "read", [lead], ["medium_id"])[0]["medium_id"]
    direct = admin.execute("ir.model.data", "check_object_reference", "sales_funnel_cn",
                           "utm_medium_direct_sales")[1]
    assert medium and medium[0] == direct


def test_aftersale_steps_stamped_by_the_system(admin, rep, journey):
    deal = admin.execute("crm.lead", "create", {
        "name": f"Won deal {TAG}", "type": "opportunity", "team_id": journey["team"], "user_id": rep.uid})
    admin.execute("crm.lead", "write", [deal], {"probability": 100})
    steps = rep.execute("crm.lead.aftersale", "search", [("lead_id", "=", deal)])
    assert len(steps) == 7
    fields = ["done", "user_id", "date_done", "lead_id", "step"]
    for vals in ({"done": True}, {"user_id": admin.uid}, {"date_done": "2020-01-01 00:00:00"}, {"step": "upsell"}):
        attempt(admin, "crm.lead.aftersale", steps, fields,
                lambda vals=vals: rep.execute("crm.lead.aftersale", "write", steps[:1], vals),
                match="maintained by the system")
    # a step is created by the system only (the guard refuses before the access rights would)
    refused(lambda: rep.execute("crm.lead.aftersale", "create", {"lead_id": deal, "step": "upsell"}),
            names=("UserError", "AccessError"))
    assert len(admin.execute("crm.lead.aftersale", "search", [("lead_id", "=", deal)])) == 7
    rep.execute("crm.lead.aftersale", "action_done", steps[:1])
    done = admin.execute("crm.lead.aftersale", "read", steps[:1], ["done", "user_id"])[0]
    assert done["done"] and done["user_id"][0] == rep.uid
