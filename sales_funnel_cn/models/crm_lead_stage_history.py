"""The stage history of a deal, and what records a stage move in the database.

A stage move records a history row and the checklist rows of the stage entered and of the next one (what
qualifies the deal for its next step). ``sfcn_record_stage_entry`` writes them; a row trigger on crm_lead runs
it inside the very ``UPDATE`` that changes a deal's stage, whoever issues it (the ORM's flush of a write, a
kanban drag, a wizard, crm's merge): the move and its record are one statement, with no round trip of their
own. New deals (crm.lead.create) call the same function. ``init`` creates both on install and upgrade;
``drop_stage_trigger`` (uninstall_hook) removes them, leaving crm_lead as core made it."""
from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

from .crm_stage import PIPELINE_STAGES_KEY

RECORD_FUNCTION = "sfcn_record_stage_entry"
NEXT_FUNCTION = "sfcn_next_stage"
TRIGGER_FUNCTION = "sfcn_crm_lead_stage_moved"
TRIGGER = "sfcn_stage_moved"

# The next stage is the one after the stage entered in the team's pipeline, as crm_stage.GateConfig.pipeline
# defines it: a team running a funnel template (with stages of its own from that template) has those stages
# only; any other team the shared stages and its own (sfcn_next_stage). test_stage_trigger compares both for every
# stage and team.
_SQL = f"""
CREATE OR REPLACE FUNCTION {NEXT_FUNCTION}(p_team integer, p_stage integer) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_template integer;
    v_own boolean := false;
    v_sequence integer;
    v_next integer;
BEGIN
    IF p_team IS NOT NULL THEN
        SELECT t.funnel_template_id INTO v_template FROM crm_team t WHERE t.id = p_team;
        v_own := v_template IS NOT NULL AND EXISTS (
            SELECT 1 FROM crm_stage s WHERE s.team_id = p_team AND s.funnel_template_id = v_template);
    END IF;
    SELECT s.sequence INTO v_sequence FROM crm_stage s WHERE s.id = p_stage;
    SELECT s.id INTO v_next FROM crm_stage s
     WHERE (s.sequence, s.id) > (v_sequence, p_stage)
       AND CASE WHEN v_own THEN s.team_id = p_team AND s.funnel_template_id = v_template
                ELSE s.team_id IS NULL OR s.team_id = p_team END
     ORDER BY s.sequence, s.id LIMIT 1;
    RETURN v_next;
END $$;

CREATE OR REPLACE FUNCTION {RECORD_FUNCTION}(
    p_lead integer, p_team integer, p_from integer, p_to integer, p_since timestamp, p_created timestamp,
    p_uid integer, p_now timestamp, p_forced varchar) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_next integer;
BEGIN
    INSERT INTO crm_lead_stage_history
           (lead_id, team_id, stage_from_id, stage_to_id, days_in_previous, days_since_create, user_id, date,
            forced_reason, create_uid, create_date, write_uid, write_date)
    VALUES (p_lead, p_team, p_from, p_to,
            -- no previous stage (a new deal): NULL, so averages of the time in stage skip the row
            EXTRACT(EPOCH FROM p_now - p_since) / 86400.0,
            COALESCE(EXTRACT(EPOCH FROM p_now - p_created) / 86400.0, 0),
            p_uid, p_now, p_forced, p_uid, p_now, p_uid, p_now);
    IF p_to IS NULL THEN
        RETURN;
    END IF;
    -- looked up once: a STABLE call in the WHERE below would run again for every checklist item scanned
    -- (half the cost of a move, measured)
    v_next := {NEXT_FUNCTION}(p_team, p_to);
    INSERT INTO crm_lead_check
           (lead_id, check_id, stage_id, stage_sequence, sequence, required, done, needs_reconfirm,
            create_uid, create_date, write_uid, write_date)
    SELECT p_lead, c.id, c.stage_id, s.sequence, c.sequence, c.required, false, false, p_uid, p_now, p_uid, p_now
      FROM crm_stage_check c JOIN crm_stage s ON s.id = c.stage_id
     WHERE c.active AND c.stage_id IN (p_to, v_next)
    -- answers of an earlier stay are kept
    ON CONFLICT (lead_id, check_id) DO NOTHING;
END $$;

CREATE OR REPLACE FUNCTION {TRIGGER_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- crm's clock (the transaction's, Odoo's cr.now()); the writer is the ORM's write_uid of the same UPDATE
    PERFORM {RECORD_FUNCTION}(NEW.id, NEW.team_id, OLD.stage_id, NEW.stage_id,
                              CASE WHEN OLD.stage_id IS NOT NULL THEN OLD.date_last_stage_update END,
                              NEW.create_date, NEW.write_uid, (now() AT TIME ZONE 'UTC')::timestamp, NULL);
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS {TRIGGER} ON crm_lead;
CREATE TRIGGER {TRIGGER} AFTER UPDATE OF stage_id ON crm_lead FOR EACH ROW
    WHEN (OLD.stage_id IS DISTINCT FROM NEW.stage_id) EXECUTE FUNCTION {TRIGGER_FUNCTION}();
"""


def drop_stage_trigger(cr):
    """Remove the trigger and its functions (uninstall: crm_lead keeps no trace of the module)."""
    cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON crm_lead", SQL.identifier(TRIGGER)))
    for function, arguments in ((TRIGGER_FUNCTION, ""), (NEXT_FUNCTION, "integer, integer"),
                                (RECORD_FUNCTION, "integer, integer, integer, integer, timestamp, timestamp, integer, "
                                                  "timestamp, varchar")):
        cr.execute(SQL("DROP FUNCTION IF EXISTS %s(%s)", SQL.identifier(function), SQL(arguments)))


class CrmLeadStageHistory(models.Model):
    _name = "crm.lead.stage.history"
    _description = "Deal Stage History"
    _order = "date desc, id desc"

    lead_id = fields.Many2one("crm.lead", string="Deal", required=True, ondelete="cascade", index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team")
    user_id = fields.Many2one("res.users", string="Changed By")
    stage_from_id = fields.Many2one("crm.stage", string="From Stage",
                                    context={PIPELINE_STAGES_KEY: True})
    stage_to_id = fields.Many2one("crm.stage", string="To Stage", context={PIPELINE_STAGES_KEY: True})
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    days_in_previous = fields.Float("Days in Previous Stage", aggregator="avg")
    days_since_create = fields.Float("Days Since Deal Created", aggregator="avg")
    forced_reason = fields.Char("Forced Move Reason")

    def init(self):
        self.env.cr.execute(_SQL)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # rows of moves still in the ORM's cache are written by the trigger when crm_lead is flushed
        self.env["crm.lead"].flush_model(["stage_id"])
        return super()._search(domain, offset, limit, order)
