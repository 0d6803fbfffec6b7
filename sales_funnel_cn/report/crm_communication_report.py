from odoo import fields
from odoo import models
from odoo.tools import SQL

from ..models.crm_lead_grade import CUSTOMER_GRADES


class CrmCommunicationReport(models.Model):
    """Seed 000 requirement 3 (业务员针对某个级别的客户，在本周或者这一天进行了哪些沟通): one row per
    communication, structured follow-ups and logged calls alike, with the deal's stage and customer grade.
    Pivot and graph count them per rep × grade × stage; the list shows each one with purpose and content."""

    _name = "crm.communication.report"
    _description = "Communications Report"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "purpose"

    kind = fields.Selection([("followup", "Follow-up"), ("call", "Call")], readonly=True)
    channel = fields.Char(readonly=True, translate=False)
    date = fields.Datetime(readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    lead_id = fields.Many2one("crm.lead", "Deal", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    customer_grade = fields.Selection(CUSTOMER_GRADES, "Grade", readonly=True)
    purpose = fields.Char(readonly=True)
    content = fields.Text(readonly=True)
    checkin_far = fields.Boolean("Far from Customer", readonly=True)
    followup_id = fields.Many2one("crm.followup", "Follow-up", readonly=True)
    call_id = fields.Many2one("crm.call.log", readonly=True)
    communication_count = fields.Integer("Communications", readonly=True)

    @property
    def _table_query(self):
        lang = self.env.lang or "en_US"
        return SQL("""
            SELECT f.id * 2 AS id, 'followup' AS kind,
                   COALESCE(ch.name->>%(lang)s, ch.name->>'en_US') AS channel, f.date, f.user_id, f.team_id,
                   f.lead_id, f.partner_id, l.stage_id, l.customer_grade, f.purpose, f.content, f.checkin_far,
                   f.id AS followup_id, NULL::int AS call_id, 1 AS communication_count
              FROM crm_followup f
              JOIN crm_followup_channel ch ON ch.id = f.channel_id
         LEFT JOIN crm_lead l ON l.id = f.lead_id
            UNION ALL
            SELECT c.id * 2 + 1, 'call', o.code, c.date, c.user_id, c.team_id, c.lead_id,
                   COALESCE(l.partner_id, c.partner_id), l.stage_id, l.customer_grade, c.purpose, c.note, FALSE,
                   NULL::int, c.id, 1
              FROM crm_call_log c
              JOIN crm_call_outcome o ON o.id = c.outcome_id
         LEFT JOIN crm_lead l ON l.id = c.lead_id
        """, lang=lang)
