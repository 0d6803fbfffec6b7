from odoo import fields
from odoo import models


class CrmPoolReclaimCount(models.Model):
    """Deals the reclaim returned to the public pool and no summary has counted yet: one row per reclaim batch,
    salesperson and team leader, written with the holdings the batch closes (_pool_close_holdings) and taken
    (deleted) by the summary at the end of the run (_pool_send_summaries). A summary takes each row once, even
    when two servers' crons finish at the same time, and nothing is rewritten on the closed holdings."""

    _name = "crm.pool.reclaim.count"
    _description = "Reclaimed Deals Awaiting the Summary"
    _log_access = False

    user_id = fields.Many2one("res.users", "Salesperson", ondelete="cascade")
    manager_id = fields.Many2one("res.users", "Team Leader", ondelete="cascade")
    count = fields.Integer(required=True)
