"""Plain xlsxwriter builder for the funnel workbook.

It knows nothing about the ORM: callers hand it already aggregated figures (lists of rows) and it writes
sheets in xlsxwriter's ``constant_memory`` mode (rows are flushed as they are written, so each sheet is
written top to bottom exactly once). Every text goes through ``write_string``: a customer or deal name
starting with ``=``, ``+``, ``-`` or ``@`` stays text and never becomes a formula.
"""
import datetime

import xlsxwriter

from ..models.funnel_balance import balance
from ..models.funnel_balance import coverage

HEADER_ROWS = 5  # company, period, filters, generated at, blank line; the table header follows


class FunnelWorkbook:
    max_rows = 1048576  # rows of an xlsx sheet; a longer table continues on further sheets (tests lower it)

    def __init__(self, path, header):
        """:param header: list of (label, value) pairs written at the top of every sheet."""
        self.workbook = xlsxwriter.Workbook(path, {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        })
        self.header = header
        wb = self.workbook
        self.fmt_title = wb.add_format({"bold": True, "font_size": 12})
        self.fmt_head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.fmt_num = wb.add_format({"num_format": "#,##0.00"})
        self.fmt_int = wb.add_format({"num_format": "#,##0"})
        self.fmt_pct = wb.add_format({"num_format": "0.0%"})
        self.fmt_dec1 = wb.add_format({"num_format": "#,##0.0"})
        self.fmt_date = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.fmt_input = wb.add_format({"num_format": "#,##0.00", "bg_color": "#FFF2CC", "border": 1})
        self.fmt_pct_input = wb.add_format({"num_format": "0.0%", "bg_color": "#FFF2CC", "border": 1})
        self.formats = {"num": self.fmt_num, "int": self.fmt_int, "pct": self.fmt_pct, "dec1": self.fmt_dec1,
                        "date": self.fmt_date, "text": None}

    # -- low level -----------------------------------------------------------------------------------
    def _write_row(self, ws, row, values, formats):
        """One table line; the detail sheets write millions of cells through here, hence the plain type tests
        (no formula ever: text goes through write_string)."""
        for col, value in enumerate(values):
            kind = type(value)
            if kind is str:
                ws.write_string(row, col, value)
            elif value is None or value is False:
                ws.write_blank(row, col, None)
            elif kind is datetime.datetime or kind is datetime.date:
                ws.write_datetime(row, col, value, self.fmt_date)
            elif kind is bool:
                ws.write_boolean(row, col, value)
            else:
                ws.write_number(row, col, value, formats[col])

    def _header_block(self, ws, title):
        # printed (or converted to PDF) as landscape A4, one page wide, the table header repeated
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(len(self.header) + 2)
        ws.write_string(0, 0, title, self.fmt_title)
        for i, (label, value) in enumerate(self.header, start=1):
            ws.write_string(i, 0, label)
            ws.write_string(i, 1, value or "")
        return len(self.header) + 2

    def _table_sheet(self, name, columns, widths):
        ws = self.workbook.add_worksheet(name)
        head = self._header_block(ws, name)
        ws.freeze_panes(head + 1, 1)
        for col, (title, _kind) in enumerate(columns):
            ws.write_string(head, col, title, self.fmt_head)
            ws.set_column(col, col, (widths or {}).get(col, 14 if col else 22))
        return ws, head + 1

    def add_table(self, name, columns, rows, chart=None, widths=None):
        """Write a sheet: header block, frozen table header, one line per row. Rows beyond the sheet's
        ``max_rows`` continue on further sheets "name (2)", "name (3)", ... each with the same header.

        :param columns: list of (title, kind) with kind in text/int/num/pct/dec1/date
        :param rows: iterable of sequences (already aggregated values)
        :param chart: optional dict(type, subtype, title, categories=col, values=[col, ...], anchor), drawn
                      below a table that fits on one sheet
        :returns: (first data row, last data row) zero-based, of the last sheet written
        """
        ws, first = self._table_sheet(name, columns, widths)
        row, part = first, 1
        formats = [self.formats.get(kind) for _title, kind in columns]
        write_row, max_rows = self._write_row, self.max_rows
        for values in rows:
            if row >= max_rows:
                part += 1
                ws, first = self._table_sheet(f"{name} ({part})", columns, widths)
                row = first
            write_row(ws, row, values, formats)
            row += 1
        last = row - 1
        if chart and part == 1 and last >= first:
            self._chart(ws, name, chart, first, last)
        return first, last

    def _chart(self, ws, sheet, spec, first, last):
        chart = self.workbook.add_chart({"type": spec.get("type", "bar"), "subtype": spec.get("subtype")}
                                        if spec.get("subtype") else {"type": spec.get("type", "bar")})
        for col in spec["values"]:
            chart.add_series({
                "name": [sheet, first - 1, col],
                "categories": [sheet, first, spec["categories"], last, spec["categories"]],
                "values": [sheet, first, col, last, col],
                "data_labels": {"value": True},
            })
        chart.set_title({"name": spec["title"]})
        if spec.get("reverse"):
            chart.set_y_axis({"reverse": True})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 640, "height": 360})
        ws.insert_chart(last + 2, 0, chart)  # below the table: on screen and on a printed page

    def add_balance(self, name, plans):
        """The planner with live formulas: change a yellow input cell in Excel and the needs recompute.

        :param plans: list of dicts with title, target_amount, avg_contract_amount, target_units,
                      avg_units_per_contract, win_rate (percent), sales_cycle_days and the actual figures
                      weighted_pipeline, won_amount, actual_customers_month, observed_win_rate
        """
        ws = self.workbook.add_worksheet(name)
        head = self._header_block(ws, name)
        labels = self.labels
        ws.freeze_panes(head + 1, 1)
        ws.set_column(0, 0, 34)
        ws.set_column(1, 2, 18)
        row = head
        for plan in plans:
            ws.write_string(row, 0, plan["title"], self.fmt_head)
            ws.write_string(row, 1, labels["amount"], self.fmt_head)
            ws.write_string(row, 2, labels["units"], self.fmt_head)
            r = row + 1  # zero-based rows; Excel references are one-based
            ex = r + 1
            contracts, per_year, per_month = balance(plan["target_amount"], plan["avg_contract_amount"],
                                                     plan["win_rate"])
            u_contracts, u_year, u_month = balance(plan["target_units"], plan["avg_units_per_contract"],
                                                   plan["win_rate"])
            remaining, covered = coverage(plan["target_amount"], plan["won_amount"], plan["weighted_pipeline"])
            lines = [
                (labels["avg"], ("in", plan["avg_contract_amount"]), ("in", plan["avg_units_per_contract"])),
                (labels["target"], ("in", plan["target_amount"]), ("in", plan["target_units"])),
                (labels["contracts"], ("f", f"=B{ex + 1}/B{ex}", contracts), ("f", f"=C{ex + 1}/C{ex}", u_contracts)),
                (labels["win_rate"], ("pin", plan["win_rate"] / 100.0), ("pin", plan["win_rate"] / 100.0)),
                (labels["per_year"], ("f", f"=B{ex + 2}/B{ex + 3}", per_year), ("f", f"=C{ex + 2}/C{ex + 3}", u_year)),
                (labels["per_month"], ("f", f"=B{ex + 4}/12", per_month), ("f", f"=C{ex + 4}/12", u_month)),
                (labels["cycle"], ("n", plan["sales_cycle_days"]), ("n", plan["sales_cycle_days"])),
                (labels["won"], ("n", plan["won_amount"]), None),
                (labels["remaining"], ("f", f"=MAX(B{ex + 1}-B{ex + 7},0)", remaining), None),
                (labels["weighted"], ("n", plan["weighted_pipeline"]), None),
                (labels["coverage"], ("f", f"=IF(B{ex + 8}>0,B{ex + 9}/B{ex + 8},0)", covered), None),
                (labels["observed"], ("p", plan["observed_win_rate"] / 100.0), None),
                (labels["actual_month"], ("n", plan["actual_customers_month"]), None),
            ]
            for i, (label, *cells) in enumerate(lines):
                ws.write_string(r + i, 0, label)
                for col, cell in enumerate(cells, start=1):
                    if cell is None:
                        continue
                    kind = cell[0]
                    if kind == "in":
                        ws.write_number(r + i, col, cell[1], self.fmt_input)
                    elif kind == "pin":
                        ws.write_number(r + i, col, cell[1], self.fmt_pct_input)
                    elif kind == "f":
                        ws.write_formula(r + i, col, cell[1], self.fmt_dec1, cell[2])
                    elif kind == "p":
                        ws.write_number(r + i, col, cell[1], self.fmt_pct)
                    else:
                        ws.write_number(r + i, col, cell[1], self.fmt_num)
            row = r + len(lines) + 1
        return ws

    labels = {
        "amount": "金额（万）", "units": "销售设备数量（台）", "avg": "平均合同额", "target": "年度销售目标",
        "contracts": "所需合同总数", "win_rate": "目标客户成为赢单客户的机率", "per_year": "年度所需目标客户数量",
        "per_month": "每月所需目标客户数量", "cycle": "销售循环周期（天）", "won": "已赢单（万）",
        "remaining": "剩余目标（万）", "weighted": "加权商机金额（万）", "coverage": "覆盖率",
        "observed": "实际赢单率", "actual_month": "实际每月新增目标客户",
    }

    def close(self):
        self.workbook.close()
