"""Render the Excel funnel workbook of a running server as the README shows it (docs/img/funnel_workbook.png).

Usage: python scripts/workbook_png.py OUT.png [--login liuqiang --password liuqiang]
       [--base http://127.0.0.1:8069] [--db sales_funnel_cn] [--team 华东大客户部]
Logs in over JSON-RPC, runs the export wizard (the same one as CRM ‣ Sales Funnel ‣ Export Funnel to Excel)
for this year and the team, downloads the .xlsx through the URL the browser is sent to, and converts it
with LibreOffice headless (`soffice`, package libreoffice-calc) to PDF, as LibreOffice prints it, and the
first page (the first sheet, 漏斗总览) to OUT.png with `pdftoppm` (package poppler-utils: Calc alone has
no PNG export filter); --pdf PATH also keeps the PDF of every sheet.
"""
import argparse
import datetime
import os
import shutil
import subprocess
import tempfile

import requests


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--base", default="http://127.0.0.1:8069")
    ap.add_argument("--db", default="sales_funnel_cn")
    ap.add_argument("--login", default="liuqiang")
    ap.add_argument("--password", default="liuqiang")
    ap.add_argument("--team", default="华东大客户部")
    ap.add_argument("--pdf", help="also write the whole workbook as PDF there")
    args = ap.parse_args()

    http = requests.Session()

    def rpc(url, params):
        r = http.post(f"{args.base}{url}", json={"jsonrpc": "2.0", "params": params}, timeout=300)
        r.raise_for_status()
        body = r.json()
        if body.get("error"):
            raise SystemExit(body["error"]["data"]["message"])
        return body["result"]

    session = rpc("/web/session/authenticate", {"db": args.db, "login": args.login, "password": args.password})

    def call(model, method, *a):
        # the user's context, as the web client sends it: the workbook speaks the user's language
        return rpc("/web/dataset/call_kw", {"model": model, "method": method, "args": list(a),
                                             "kwargs": {"context": session["user_context"]}})

    teams = call("crm.team", "search", [("name", "=", args.team)])
    today = datetime.date.today()
    wizard = call("crm.funnel.export.wizard", "create", [{
        "date_from": f"{today.year}-01-01", "date_to": today.isoformat(), "team_ids": [(6, 0, teams)]}])
    action = call("crm.funnel.export.wizard", "action_export", wizard)
    xlsx = http.get(args.base + action["url"], timeout=300)
    xlsx.raise_for_status()

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice is missing: apt-get install -y --no-install-recommends libreoffice-calc")
    work = tempfile.mkdtemp()
    try:
        book = os.path.join(work, "sales_funnel.xlsx")
        with open(book, "wb") as fh:
            fh.write(xlsx.content)
        profile = f"-env:UserInstallation=file://{work}/profile"
        subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", work, book],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        pdf = os.path.join(work, "sales_funnel.pdf")
        pdftoppm = shutil.which("pdftoppm")
        if not pdftoppm:
            raise SystemExit("pdftoppm is missing: apt-get install -y --no-install-recommends poppler-utils")
        subprocess.run([pdftoppm, "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", pdf,
                        os.path.join(work, "page")], check=True, timeout=120)
        shutil.copy(os.path.join(work, "page.png"), args.out)
        if args.pdf:
            shutil.copy(pdf, args.pdf)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
