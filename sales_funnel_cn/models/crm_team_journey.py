from odoo import fields
from odoo import models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    sfcn_convert_criterion = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Lead to Opportunity Criterion", default="off", required=True,
        help="Converting a lead of the team into an opportunity needs the customer's budget, the project "
             "timeline and a matching solution known. Block: the conversion is refused until they are; warn: "
             "the conversion goes through and the missing items are noted on the opportunity; off: no check.")
    sfcn_mql_threshold = fields.Integer(
        "MQL Threshold", help="A lead whose score reaches this threshold is a marketing-qualified lead (MQL) "
                              "to hand off to a salesperson. 0: no MQL for this team.")
    sfcn_handoff_max_hours = fields.Integer(
        "Hand-off Within (Hours)", default=24,
        help="An MQL not handed off to a salesperson within this time is flagged as waiting too long.")
