"""Background Excel exports over JSON-RPC: a rep's export job and its file are his alone.

The job is queued through the export wizard by the rep, built by the cron (run here by the admin through
"Run Manually"), and then another rep and a sales manager try to read the job and its attachment.
"""
import base64
import io
import uuid
from datetime import date

import openpyxl
import pytest
import requests
from conftest import DB
from conftest import URL
from conftest import OdooClient
from conftest import RpcError

TAG = uuid.uuid4().hex[:6]


@pytest.fixture(scope="module")
def people(admin):
    salesman = admin.execute("ir.model.data", "check_object_reference", "sales_team", "group_sale_salesman")[1]
    manager = admin.execute("ir.model.data", "check_object_reference", "sales_team", "group_sale_manager")[1]
    clients = {}
    for who, group in (("owner", salesman), ("other", salesman), ("boss", manager)):
        login = f"export_{who}_{TAG}"
        admin.execute("res.users", "create", {"name": f"Export {who} {TAG}", "login": login, "password": login,
                                              "groups_id": [(4, group)]})
        clients[who] = OdooClient(login, login)
        clients[who].login = login
    company = admin.execute("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    [before] = admin.execute("res.company", "read", [company], ["sfcn_export_background_threshold"])
    admin.execute("res.company", "write", [company], {"sfcn_export_background_threshold": 0})
    yield clients
    admin.execute("res.company", "write", [company],
                  {"sfcn_export_background_threshold": before["sfcn_export_background_threshold"]})


def web_download(login, attachment):
    """The browser's path: a web session, then /web/content."""
    session = requests.Session()
    reply = session.post(f"{URL}/web/session/authenticate", timeout=60, json={
        "jsonrpc": "2.0", "method": "call", "params": {"db": DB, "login": login, "password": login}}).json()
    assert reply.get("result", {}).get("uid"), reply
    return session.get(f"{URL}/web/content/{attachment}?download=true", timeout=60)


def test_job_and_file_are_the_requesters_only(admin, people):
    owner, other, boss = people["owner"], people["other"], people["boss"]
    owner.execute("crm.lead", "create", {"name": f"Export deal {TAG}", "type": "opportunity",
                                         "user_id": owner.uid})
    today = date.today().isoformat()
    wizard = owner.execute("crm.funnel.export.wizard", "create",
                           {"date_from": today[:4] + "-01-01", "date_to": today})
    action = owner.execute("crm.funnel.export.wizard", "action_export", [wizard])
    assert action["res_model"] == "crm.funnel.export.job", action
    job = action["res_id"]
    [row] = owner.execute("crm.funnel.export.job", "read", [job], ["state", "user_id"])
    assert row["state"] == "queued" and row["user_id"][0] == owner.uid

    cron = admin.execute("ir.model.data", "check_object_reference", "sales_funnel_cn", "ir_cron_funnel_export")[1]
    for _ in range(5):  # one job per call, the oldest first
        admin.execute("ir.cron", "method_direct_trigger", [cron])
        if owner.execute("crm.funnel.export.job", "read", [job], ["state"])[0]["state"] == "done":
            break
    [row] = owner.execute("crm.funnel.export.job", "read", [job], ["state", "progress", "attachment_id"])
    assert (row["state"], row["progress"]) == ("done", 100.0), row
    attachment = row["attachment_id"][0]
    [data] = owner.execute("ir.attachment", "read", [attachment], ["datas"])
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(data["datas"])))
    names = [r[0] for r in book["明细"].iter_rows(min_row=8, values_only=True) if r[0]]
    assert f"Export deal {TAG}" in names
    # the owner's inbox got the notification
    assert owner.execute("mail.message", "search_count", [("model", "=", "crm.funnel.export.job"),
                                                          ("res_id", "=", job),
                                                          ("partner_ids", "in", [owner.execute(
                                                              "res.users", "read", [owner.uid],
                                                              ["partner_id"])[0]["partner_id"][0]])]) == 1

    for intruder in (other, boss):
        assert intruder.execute("crm.funnel.export.job", "search", [("id", "=", job)]) == []
        with pytest.raises(RpcError) as err:
            intruder.execute("crm.funnel.export.job", "read", [job], ["state"])
        assert err.value.name == "odoo.exceptions.AccessError"
        with pytest.raises(RpcError) as err:
            intruder.execute("ir.attachment", "read", [attachment], ["datas"])
        assert err.value.name == "odoo.exceptions.AccessError"
        assert intruder.execute("ir.attachment", "search", [("id", "=", attachment)]) == []
        assert web_download(intruder.login, attachment).status_code in (403, 404)
    assert web_download(owner.login, attachment).content[:2] == b"PK"
    # nobody forges a job for somebody else, nor edits one
    with pytest.raises(RpcError):
        other.execute("crm.funnel.export.job", "create", {"user_id": owner.uid, "date_from": today,
                                                          "date_to": today})
    with pytest.raises(RpcError):
        owner.execute("crm.funnel.export.job", "write", [job], {"user_id": boss.uid})
