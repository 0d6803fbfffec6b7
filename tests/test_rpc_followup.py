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


def test_archived_deal_asks_the_lost_review_at_commit(rep, admin):
    """Archiving over RPC (no dialog, no reason) is a loss without its review: once the transaction commits,
    the deal is flagged and its owner notified once; restoring it closes the request."""
    [deal] = rep.execute("crm.lead", "search_read", [("user_id", "=", rep.uid), ("type", "=", "opportunity"),
                                                     ("team_id.funnel_template_id", "!=", False),
                                                     ("stage_id.is_won", "=", False)],
                         fields=["id"], limit=1, order="id desc")
    deal = deal["id"]

    def notices():  # a notification is readable by its recipient only
        return rep.execute("mail.message", "search_count", [("model", "=", "crm.lead"), ("res_id", "=", deal),
                                                              ("message_type", "=", "user_notification")])
    before = notices()
    rep.execute("crm.lead", "action_archive", [deal])
    [data] = admin.execute("crm.lead", "read", [deal], ["review_pending", "date_review_requested"],
                           context={"active_test": False})
    assert data["review_pending"] and data["date_review_requested"]
    assert notices() == before + 1
    rep.execute("crm.lead", "write", [deal], {"description": "<p>预算冻结</p>"})
    assert notices() == before + 1, "asked once per loss"
    rep.execute("crm.lead", "action_unarchive", [deal])
    [data] = admin.execute("crm.lead", "read", [deal], ["review_pending", "date_review_requested", "active"])
    assert data["active"] and not data["review_pending"] and not data["date_review_requested"]
