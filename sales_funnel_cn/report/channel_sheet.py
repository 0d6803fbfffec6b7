"""The workbook's 获客渠道 sheet: the acquisition channel metrics (crm.channel.report) of the workbook's period,
teams and salespersons, one line per channel, with a native chart of leads, MQLs and customers."""
from .funnel_context import SheetProvider
from .funnel_sheets import SHEET_PROVIDERS


class ChannelSheet(SheetProvider):
    sheet = "获客渠道"

    def figures(self, ctx):
        """[[channel, leads, MQLs, MQL/lead %, SQLs, customers, L2C %, cost, cost/lead, cost/MQL,
        cost/customer, won revenue, ROI %]] — the pivot's figures on the same filters."""
        domain = [("date", ">=", ctx.date_from), ("date", "<", ctx.date_to)]
        if ctx.teams:
            domain.append(("team_id", "in", ctx.teams.ids))
        if ctx.users:
            domain.append(("user_id", "in", ctx.users.ids))
        metrics = ctx.env["crm.channel.report"]._metrics(domain)
        order = sorted(metrics, key=lambda medium: (not medium, medium.sfcn_sequence, medium.name or ""))
        return [[medium.name or ctx.env._("No channel"), m["lead_count"], m["mql_count"], m["mql_rate"],
                 m["sql_count"], m["customer_count"], m["l2c_rate"], m["cost"], m["cost_per_lead"],
                 m["cost_per_mql"], m["cost_per_customer"], m["won_revenue"], m["roi"]]
                for medium in order for m in [metrics[medium]]]

    def write_sheet(self, book, ctx):
        env = ctx.env
        book.add_table(self.sheet, [
            (env._("Acquisition Channel"), "text"), (env._("Leads"), "int"), (env._("MQLs"), "int"),
            (env._("MQL per Lead (%)"), "num"), (env._("SQLs"), "int"), (env._("Customers"), "int"),
            (env._("Lead to Customer (%)"), "num"), (env._("Cost"), "num"), (env._("Cost per Lead"), "num"),
            (env._("Cost per MQL"), "num"), (env._("Cost per Customer"), "num"), (env._("Won Revenue"), "num"),
            (env._("ROI (%)"), "num")], self.figures(ctx),
            chart={"type": "column", "title": env._("Leads, MQLs and customers by channel"), "categories": 0,
                   "values": [1, 2, 5]})


def register(providers):
    """Registered in the workbook's SHEET_PROVIDERS like the other sheets, after the overview."""
    if ChannelSheet not in providers:
        providers.insert(1, ChannelSheet)


register(SHEET_PROVIDERS)
