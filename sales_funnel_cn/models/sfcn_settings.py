"""The module's settings: fields of res.company (one value per company, edited in Settings through the
related fields of res.config.settings), their defaults declared once, here, and the one reader."""

# the default of each setting: the res.company fields take them from here (res_company*.py), and so does a
# reader that meets a value it does not know (e.g. a selection value of an older version)
SETTING_DEFAULTS = {
    "sfcn_default_stage_max_days": 30,
    "sfcn_call_daily_goal": 60,
    "sfcn_call_daily_conversion_goal": 5,
    "sfcn_grade_a_decision_days": 7,
    "sfcn_grade_b_decision_days": 30,
    "sfcn_grade_c_decision_days": 60,
    "sfcn_lead_important_revenue": 1000000,
    "sfcn_lead_min_revenue": 50000,
    "sfcn_lead_major_revenue": 5000000,
    "sfcn_followup_clock": "followup_call",
    "sfcn_checkin_max_km": 1.0,
    "sfcn_export_background_threshold": 10000,
    "sfcn_export_keep_days": 7,
    "sfcn_daily_new_deal_goal": 5,
    "sfcn_renewal_days_before": 60,
    "sfcn_referral_target": 3,
}


def sfcn_settings(env, company=None):
    """The settings that apply: ``company``'s (a deal's or a contact's own company) when it has one, else the
    current company's; read as superuser (a rep reads the settings of the company they work in, not its
    record)."""
    return (company or env.company).sudo()
