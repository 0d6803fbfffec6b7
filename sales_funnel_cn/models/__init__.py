# mixins first: the models below inherit them by name
from . import sfcn_guarded_mixin

# isort: split
from . import crm_call_log
from . import crm_call_log_level
from . import crm_call_outcome
from . import crm_call_state
from . import crm_channel_cost
from . import crm_customer_level_history
from . import crm_followup
from . import crm_followup_channel
from . import crm_followup_digest
from . import crm_funnel_export_job
from . import crm_funnel_plan
from . import crm_funnel_template
from . import crm_funnel_template_stage
from . import crm_lead
from . import crm_lead_aftersale
from . import crm_lead_call
from . import crm_lead_channel
from . import crm_lead_check
from . import crm_lead_check_log
from . import crm_lead_demo
from . import crm_lead_followup
from . import crm_lead_gate
from . import crm_lead_gate_dialog
from . import crm_lead_grade
from . import crm_lead_install
from . import crm_lead_key_person
from . import crm_lead_level
from . import crm_lead_pause
from . import crm_lead_pipeline
from . import crm_lead_pool
from . import crm_lead_pool_claim
from . import crm_lead_pool_masking
from . import crm_lead_pool_reclaim
from . import crm_lead_qualification
from . import crm_lead_qualification_criterion
from . import crm_lead_referral
from . import crm_lead_renewal
from . import crm_lead_scoring
from . import crm_lead_scoring_rule
from . import crm_lead_stage_history
from . import crm_lead_stage_record
from . import crm_lead_upsell
from . import crm_lead_won_lost
from . import crm_phone_suppression
from . import crm_pool
from . import crm_pool_grade_rule
from . import crm_pool_history
from . import crm_stage
from . import crm_stage_check
from . import crm_team
from . import crm_team_journey
from . import crm_won_reason
from . import ir_module_module
from . import mail_activity
from . import mail_message
from . import res_company
from . import res_company_journey
from . import res_config_settings
from . import res_config_settings_followup
from . import res_config_settings_journey
from . import res_partner
from . import res_partner_followup
from . import res_partner_level
from . import res_partner_referral
from . import res_users
from . import sfcn_access
from . import sfcn_masking
from . import utm_medium
from . import utm_source

# isort: split
# Loaded last on purpose: the outermost layer of crm.lead's create and write, it sees what the client sent
# before the module's own code adds its system values (sfcn_access.SYSTEM_FIELDS).
from . import crm_lead_guard
