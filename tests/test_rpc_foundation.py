"""The module as an integrator sees it: installed, its fields over RPC, record rules applied."""
import pytest
from conftest import RpcError


def test_module_installed_with_demo_pipeline(admin):
    state = admin.execute("ir.module.module", "search_read", [("name", "=", "sales_funnel_cn")],
                          fields=["state"])
    assert state == [{"id": state[0]["id"], "state": "installed"}]
    team = admin.execute("crm.team", "search_read", [("name", "=", "华东大客户部")], fields=["id"])
    assert team, "demo team present"
    count = admin.execute("crm.lead", "search_count", [("team_id", "=", team[0]["id"])])
    assert count >= 30


def test_days_in_stage_readable_over_rpc(admin):
    deals = admin.execute("crm.lead", "search_read", [("type", "=", "opportunity")],
                          fields=["days_in_stage", "date_last_stage_update"], limit=5)
    assert deals and all(isinstance(d["days_in_stage"], int) and d["days_in_stage"] >= 0 for d in deals)


def test_rep_reads_only_own_deals(rep, admin):
    visible = rep.execute("crm.lead", "search_read", [], fields=["user_id"])
    owners = {d["user_id"] and d["user_id"][0] for d in visible}
    assert rep.uid in owners, "the demo rep has deals"
    assert owners <= {rep.uid, False}, "only own and unassigned deals (crm's own-documents rule)"
    others = admin.execute("crm.lead", "search", [("user_id", "not in", [rep.uid, False])], limit=1)
    with pytest.raises(RpcError) as err:
        rep.execute("crm.lead", "write", others, {"name": "hijacked"})
    assert err.value.name == "odoo.exceptions.AccessError"


def test_rep_cannot_change_settings(rep):
    with pytest.raises(RpcError) as err:
        rep.execute("res.config.settings", "create", {"sfcn_default_stage_max_days": 1})
    assert err.value.name == "odoo.exceptions.AccessError"
