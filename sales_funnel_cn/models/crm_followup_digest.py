from datetime import timedelta

import pytz
from markupsafe import Markup
from markupsafe import escape

from odoo import api
from odoo import fields
from odoo import models

DIGEST_LINES = 50


class CrmFollowupDigest(models.Model):
    """One weekly follow-up digest sent to one person (每周至少1次跟进). The unique key (recipient, week,
    kind) makes the Monday cron idempotent: run it twice, each person gets one message."""

    _name = "crm.followup.digest"
    _description = "Weekly Follow-up Digest"
    _order = "week_start desc, id desc"
    _rec_name = "week_start"

    user_id = fields.Many2one("res.users", "Recipient", required=True, index=True, ondelete="cascade")
    week_start = fields.Date("Week of", required=True, help="Monday of the week the digest reviews.")
    kind = fields.Selection([("rep", "Salesperson"), ("leader", "Team Leader")], required=True)
    deal_count = fields.Integer("Deals Not Followed Up")
    message_id = fields.Many2one("mail.message", readonly=True, ondelete="set null")

    _sql_constraints = [
        ("one_per_week", "UNIQUE(user_id, week_start, kind)",
         "A weekly follow-up digest is sent once per person and week."),
    ]

    @api.model
    def _reviewed_week(self):
        """(Monday of the week that just ended, as a date; that Monday 00:00 as naive UTC), in the company's
        time zone."""
        tz = pytz.timezone(self.env.company.partner_id.tz or self.env.user.tz or "UTC")
        since = self.env["crm.lead"]._week_start(tz.zone) - timedelta(days=7)
        return pytz.utc.localize(since).astimezone(tz).date(), since

    @api.model
    def _send_week(self):
        """Send the digest of the week that just ended to every salesperson with deals not followed up and to
        every team leader (counts per rep, the worst first). Recipients already served are skipped."""
        week, since = self._reviewed_week()
        Lead = self.env["crm.lead"].sudo()
        domain = Lead._followup_due_domain(since)
        per_rep = {}
        per_team = {}
        for team, user, count in Lead._read_group(domain, ["team_id", "user_id"], ["__count"]):
            per_rep[user] = per_rep.get(user, 0) + count
            if team.user_id:
                per_team.setdefault(team.user_id, {}).setdefault(team, []).append((user, count))
        done = {(d.user_id.id, d.kind) for d in self.sudo().search([("week_start", "=", week)])}
        for user, count in per_rep.items():
            if user.active and not user.share and (user.id, "rep") not in done:
                deals = Lead.search([*domain, ("user_id", "=", user.id)], order="date_reclaim, id",
                                    limit=DIGEST_LINES)
                self._send(user, week, "rep", count, self._rep_body(user, deals, count))
        for leader, teams in per_team.items():
            if leader.active and not leader.share and (leader.id, "leader") not in done:
                total = sum(c for rows in teams.values() for _u, c in rows)
                self._send(leader, week, "leader", total, self._leader_body(leader, teams))

    def _send(self, user, week, kind, count, body):
        env = self.with_context(lang=user.lang).env
        digest = self.sudo().create({"user_id": user.id, "week_start": week, "kind": kind, "deal_count": count})
        message = env["mail.thread"].sudo().message_notify(
            partner_ids=user.partner_id.ids, body=body, model=self._name, res_id=digest.id,
            subject=env._("Weekly follow-up review: %(count)s deals not followed up", count=count),
            author_id=self.env.ref("base.partner_root").id, subtype_xmlid="mail.mt_note")
        digest.message_id = message.id
        return digest

    def _rep_body(self, user, deals, count):
        env = self.with_context(lang=user.lang).env
        lines = [Markup("<p>%s</p><ul>") % env._(
            "These open deals of yours had no follow-up last week (每周至少1次跟进); the most urgent first:")]
        for deal in deals.with_env(env):
            lines.append(Markup("<li>%s · %s · %s</li>") % (
                deal.name, deal.partner_id.display_name or "-",
                env._("%(days)s days before the public pool", days=deal.pool_days_left)
                if deal.date_reclaim else env._("no pool deadline")))
        lines.append(Markup("</ul>"))
        if count > len(deals):
            lines.append(Markup("<p>%s</p>") % env._("…and %(more)s more.", more=count - len(deals)))
        return Markup("").join(lines)

    def _leader_body(self, leader, teams):
        env = self.with_context(lang=leader.lang).env
        lines = [Markup("<p>%s</p>") % env._("Deals not followed up last week, per salesperson (the worst first):")]
        for team, rows in teams.items():
            lines.append(Markup("<p><b>%s</b></p><ul>") % team.with_env(env).name)
            for user, count in sorted(rows, key=lambda r: (-r[1], r[0].name or "")):
                lines.append(Markup("<li>%s: %s</li>") % (
                    user.name or env._("Unassigned"), escape(str(count))))
            lines.append(Markup("</ul>"))
        return Markup("").join(lines)
