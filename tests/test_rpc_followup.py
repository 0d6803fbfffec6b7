"""Issue 14 over JSON-RPC: the follow-up's purpose, the check-in and the lost reason hold against any client."""
import pytest
from conftest import RpcError


def _my_deal(rep):
    [deal] = rep.execute("crm.lead", "search_read", [("user_id", "=", rep.uid), ("type", "=", "opportunity")],
                         fields=["id"], limit=1)
    return deal["id"]


def _channel(admin, name):
    [channel] = admin.execute("crm.followup.channel", "search_read", [("name", "=", name)], fields=["id"],
                              context={"lang": "en_US"})
    return channel["id"]


def test_followup_without_purpose_refused_over_rpc(rep, admin):
    deal, wechat = _my_deal(rep), _channel(admin, "WeChat")
    for purpose in (False, "  "):
        with pytest.raises(RpcError) as err:
            rep.execute("crm.followup", "create", {"lead_id": deal, "channel_id": wechat, "purpose": purpose})
        assert err.value.name == "odoo.exceptions.ValidationError"
    followup = rep.execute("crm.followup", "create", {"lead_id": deal, "channel_id": wechat, "purpose": "确认需求"})
    with pytest.raises(RpcError) as err:
        rep.execute("crm.followup", "write", [followup], {"purpose": ""})
    assert err.value.name == "odoo.exceptions.ValidationError"


def test_checkin_only_through_the_checkin_method(rep, admin):
    deal, visit = _my_deal(rep), _channel(admin, "Visit")
    followup = rep.execute("crm.followup", "create", {"lead_id": deal, "channel_id": visit, "purpose": "现场拜访"})
    with pytest.raises(RpcError) as err:
        rep.execute("crm.followup", "write", [followup], {"checkin_date": "2026-01-01 09:00:00",
                                                          "checkin_latitude": 31.3})
    assert err.value.name == "odoo.exceptions.UserError"
    assert rep.execute("crm.followup", "action_checkin", [followup], 31.2990, 120.5850, 10) is True
    [data] = rep.execute("crm.followup", "read", [followup], ["checkin_date", "checkin_latitude"])
    assert data["checkin_date"] and abs(data["checkin_latitude"] - 31.299) < 1e-6


def test_lost_dialog_without_summary_refused_over_rpc(rep):
    """The lost dialog (crm.lead.lost) asks the reason and, for a deal, a summary, whatever the client sends;
    core's action_set_lost() keeps core's API for code (README, issue 11)."""
    deal = _my_deal(rep)
    [reason] = rep.execute("crm.lost.reason", "search_read", [], fields=["id"], limit=1)
    wizard = rep.execute("crm.lead.lost", "create", {"lead_ids": [(6, 0, [deal])], "lost_reason_id": reason["id"],
                                                     "lost_feedback": "<p></p>"})
    with pytest.raises(RpcError) as err:
        rep.execute("crm.lead.lost", "action_lost_reason_apply", [wizard])
    assert err.value.name == "odoo.exceptions.UserError"
    [data] = rep.execute("crm.lead", "read", [deal], ["active"])
    assert data["active"]
