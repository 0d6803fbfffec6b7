from odoo import fields
from odoo import models


class CrmFunnelTemplateStage(models.Model):
    _name = "crm.funnel.template.stage"
    _description = "Funnel Template Stage"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("crm.funnel.template", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    probability = fields.Float("Probability (%)")
    fixed_probability = fields.Boolean("Probability Follows Stage", default=True)
    is_won = fields.Boolean("Won Stage")
    description = fields.Text("Status Description", translate=True)
    max_days = fields.Integer("Max Days in Stage")
    gate_mode = fields.Selection(
        [("block", "Block"), ("warn", "Warn"), ("off", "Off")], string="Checklist Gate",
        default="block", required=True)
    checks = fields.Text("Checklist", translate=True, help="One required check per line.")
    optional_checks = fields.Text(translate=True, help="One optional check per line.")
    check_help = fields.Text("Checks Help", translate=True, help="Help shown with each check of the stage.")
    coaching_prompts = fields.Text("Coaching Questions", translate=True, help="Shown on the deal at this stage.")
    core_skills = fields.Text(translate=True, help="Skills a rep needs at this milestone; shown on the deal.")

    def _check_texts(self):
        """Required checks then optional ones, one per line: [(text, required)]."""
        self.ensure_one()
        return [(t.strip(), True) for t in (self.checks or "").splitlines() if t.strip()] + [
            (t.strip(), False) for t in (self.optional_checks or "").splitlines() if t.strip()]

    def _sfcn_copy_stage_translations(self, stage, langs):
        """Give a stage created from this line the translations of the line's texts."""
        self.ensure_one()
        for fname, source in (("name", "name"), ("stage_description", "description"),
                              ("coaching_prompts", "coaching_prompts"), ("core_skills", "core_skills")):
            translations = {lang: self.with_context(lang=lang)[source] for lang in langs}
            translations = {lang: text for lang, text in translations.items() if text}
            if translations and stage[fname]:
                stage.update_field_translations(fname, translations)

    def _sfcn_copy_check_translations(self, checks, langs):
        """Give the stage checks created from this line the translations of the line's check texts
        (matched line by line; a language whose text has another number of lines is skipped)."""
        self.ensure_one()
        per_lang = {lang: [t for t, _req in self.with_context(lang=lang)._check_texts()] for lang in langs}
        per_lang = {lang: texts for lang, texts in per_lang.items() if len(texts) == len(checks)}
        for i, check in enumerate(checks):
            translations = {lang: texts[i] for lang, texts in per_lang.items()}
            if translations:
                check.update_field_translations("name", translations)
            helps = {lang: self.with_context(lang=lang).check_help for lang in langs}
            helps = {lang: text for lang, text in helps.items() if text}
            if helps and check.help_text:
                check.update_field_translations("help_text", helps)
