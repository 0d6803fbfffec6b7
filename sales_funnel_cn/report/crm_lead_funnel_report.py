from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

from ..models.crm_lead_grade import CUSTOMER_GRADES

COUNTS = ("deal_count", "reached_count", "advanced_count")
MEASURES = ("deal_count", "lost_count", "reached_count", "advanced_count", "amount", "weighted_amount")
GROUPABLE = ("user_id", "company_id", "customer_grade")  # deal columns the aggregated form can keep
AGGREGATED_KEY = "sfcn_funnel_aggregated"


class _Aggregated:
    """Selects the aggregated form of the view for one read (``_read_group`` puts it in the context). A Python
    object: JSON-RPC cannot carry one, so no client can select it (any other value under the key is ignored)."""

    __slots__ = ("columns",)

    def __init__(self, columns):
        self.columns = tuple(columns)


class CrmLeadFunnelReport(models.Model):
    """Stage-to-stage conversion of the open funnel (an SQL view, aggregated by SQL GROUP BY).

    One row per open or lost opportunity and per stage it has reached: every stage of its team's pipeline (the
    template's stages for a team running a funnel template, else the team's and the shared ones) up to
    its current stage, in stage order (sequence, id). Every measure is additive, so any filter or grouping
    on the deal (team, salesperson, creation date, grade) stays exact:
    deals = open deals currently in the stage; lost = deals lost at this stage (a lost deal keeps the stage
    it was lost at: it reached that stage and did not move on, so it lowers the conversion instead of
    dropping out of the funnel); reached = deals in this stage or a later one; moved on = reached -
    deals (they went further); conversion to next stage = moved on / reached, recomputed from the group's
    sums (never an average of rows). The same figures as the 漏斗总览 sheet of the Excel export."""

    _name = "crm.lead.funnel.report"
    _description = "Sales Funnel Conversion"
    _auto = False
    _order = "stage_sequence, stage_id"
    _rec_name = "stage_id"

    stage_id = fields.Many2one("crm.stage", readonly=True)
    stage_sequence = fields.Integer(readonly=True)
    lead_id = fields.Many2one("crm.lead", "Opportunity", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    create_date = fields.Datetime("Created on", readonly=True)
    customer_grade = fields.Selection(CUSTOMER_GRADES, "Grade", readonly=True)
    deal_count = fields.Integer("Deals", readonly=True)
    lost_count = fields.Integer("Lost at this Stage", readonly=True)
    reached_count = fields.Integer("Reached this Stage", readonly=True)
    advanced_count = fields.Integer("Moved to a Later Stage", readonly=True)
    amount = fields.Float(readonly=True)
    weighted_amount = fields.Float(readonly=True)
    conversion_rate = fields.Float("Conversion to Next Stage (%)", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        marker = self.env.context.get(AGGREGATED_KEY)
        if isinstance(marker, _Aggregated):
            return self._sfcn_aggregated_query(marker.columns)
        return SQL("""
            -- the id is derived from the row's own keys (no window function over the whole table): a
            -- filter on the deals (team, salesperson, dates) reaches crm_lead's indexes
            SELECT l.id::bigint * 1000000 + s.id AS id,
                   s.id AS stage_id, s.sequence AS stage_sequence, l.id AS lead_id, l.user_id, l.team_id,
                   l.company_id, l.create_date, l.customer_grade,
                   (s.id = l.stage_id AND l.active)::int AS deal_count,
                   (s.id = l.stage_id AND NOT l.active)::int AS lost_count,
                   1 AS reached_count,
                   (s.id != l.stage_id)::int AS advanced_count,
                   CASE WHEN s.id = l.stage_id AND l.active THEN COALESCE(l.expected_revenue, 0) ELSE 0 END
                       AS amount,
                   CASE WHEN s.id = l.stage_id AND l.active THEN COALESCE(l.prorated_revenue, 0) ELSE 0 END
                       AS weighted_amount,
                   CASE WHEN s.id != l.stage_id THEN 100.0 ELSE 0.0 END AS conversion_rate
              FROM crm_lead l
              %s
             WHERE l.type = 'opportunity' AND (l.active OR l.probability = 0)
        """, self._sfcn_reached_stages(SQL("l")))

    @api.model
    def _sfcn_reached_stages(self, alias):
        """The joins that expand the rows of ``alias`` (a deal, or deals of one team and stage) into every stage
        they reached, ``s``: the stages of the team's pipeline up to the current one, ``cur``, in stage order."""
        return SQL("""
              JOIN crm_stage cur ON cur.id = %(a)s.stage_id
         LEFT JOIN (SELECT t.id, t.funnel_template_id,
                           EXISTS (SELECT 1 FROM crm_stage ts WHERE ts.team_id = t.id
                                      AND ts.funnel_template_id = t.funnel_template_id) AS runs_template
                      FROM crm_team t) t ON t.id = %(a)s.team_id
              JOIN crm_stage s ON (s.id = %(a)s.stage_id OR CASE
                       -- a team running a funnel template: its template's stages only
                       WHEN t.runs_template
                       THEN s.team_id = t.id AND s.funnel_template_id = t.funnel_template_id
                       ELSE s.team_id IS NULL OR s.team_id = %(a)s.team_id END)
                              AND (s.sequence < cur.sequence OR (s.sequence = cur.sequence AND s.id <= cur.id))""",
                   a=alias)

    @api.model
    def _sfcn_aggregated_query(self, columns):
        """The view's rows summed per team, stage, open/lost and ``columns`` (of GROUPABLE) before they are
        expanded into the stages reached: a few rows per stage instead of one per deal and stage. Its measures are
        the sums of the per-deal rows' (so any sum over them is the same), the other columns are empty; filters on
        the team and on ``columns`` reach the inner GROUP BY (PostgreSQL pushes them down)."""
        group = [SQL("l.stage_id"), SQL("l.team_id"), SQL("l.active")] + [
            SQL("l.%s", SQL.identifier(name)) for name in columns]
        types = {"user_id": "int4", "company_id": "int4", "customer_grade": "varchar"}
        outer = {name: SQL("a.%s", SQL.identifier(name)) if name in columns else SQL("NULL::%s", SQL(types[name]))
                 for name in GROUPABLE}
        return SQL("""
            SELECT 0 AS id, s.id AS stage_id, s.sequence AS stage_sequence, NULL::int4 AS lead_id,
                   %(user)s AS user_id, a.team_id, %(company)s AS company_id, NULL::timestamp AS create_date,
                   %(grade)s AS customer_grade,
                   CASE WHEN s.id = a.stage_id AND a.active THEN a.n ELSE 0 END AS deal_count,
                   CASE WHEN s.id = a.stage_id AND NOT a.active THEN a.n ELSE 0 END AS lost_count,
                   a.n AS reached_count,
                   CASE WHEN s.id != a.stage_id THEN a.n ELSE 0 END AS advanced_count,
                   CASE WHEN s.id = a.stage_id AND a.active THEN a.amount ELSE 0 END AS amount,
                   CASE WHEN s.id = a.stage_id AND a.active THEN a.weighted ELSE 0 END AS weighted_amount,
                   NULL::numeric AS conversion_rate
              FROM (SELECT %(group)s, count(*) AS n, sum(COALESCE(l.expected_revenue, 0)) AS amount,
                           sum(COALESCE(l.prorated_revenue, 0)) AS weighted
                      FROM crm_lead l
                     WHERE l.type = 'opportunity' AND (l.active OR l.probability = 0)
                  GROUP BY %(group)s) a
              %(reached)s
        """, user=outer["user_id"], company=outer["company_id"], grade=outer["customer_grade"],
                   group=SQL(", ").join(group), reached=self._sfcn_reached_stages(SQL("a")))

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        """Sums by stage, team, salesperson, company or grade (the funnel report as it opens, the pivot's usual
        rows, the 漏斗总览 sheet) are read from the aggregated form of the view (``_sfcn_aggregated_query``): at a
        million deals the per-deal form expands every deal into its stages before summing (about 1 s), the
        aggregated one sums the deals first. Anything else (a filter or a group on the creation date or on the deal,
        another aggregate, HAVING) reads the per-deal form; both give the same figures (tested)."""
        columns = self._sfcn_aggregable(domain, groupby, aggregates, having, order)
        if columns is None:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        # a row of the per-deal form is one deal in one stage reached: its count is the sum of "reached"
        specs = ["reached_count:sum" if spec == "__count" else spec for spec in aggregates]
        rows = super(CrmLeadFunnelReport, self.with_context(**{AGGREGATED_KEY: _Aggregated(columns)}))._read_group(
            domain, groupby, specs, having, offset, limit, order)
        counts = {len(groupby) + i for i, spec in enumerate(aggregates) if spec == "__count"}
        return [tuple((value or 0) if i in counts else value.with_env(self.env)
                      if isinstance(value, models.BaseModel) else value for i, value in enumerate(row))
                for row in rows]

    @api.model
    def _sfcn_aggregable(self, domain, groupby, aggregates, having, order):
        """The columns of GROUPABLE the aggregated form must keep for this read (a tuple), or None when it cannot
        answer it: every group, filter (record rules included) and order on the stage, the team or GROUPABLE,
        every aggregate a sum of a measure or the count, no HAVING."""
        if having:
            return None
        allowed = {"stage_id", "stage_sequence", "team_id", *GROUPABLE}
        if any(spec not in allowed for spec in groupby):  # also a date granularity: "create_date:month"
            return None
        if any(spec != "__count" and not (spec.endswith(":sum") and spec[:-4] in MEASURES) for spec in aggregates):
            return None
        used = set(groupby)
        for part in (order or "").split(","):
            term = part.strip().split(" ")[0]
            if term and (term == "__count" or term not in (*groupby, *aggregates)):
                return None
        rules = self.env["ir.rule"]._compute_domain(self._name, "read") or []
        for leaf in [*domain, *rules]:
            if isinstance(leaf, list | tuple) and len(leaf) == 3 and isinstance(leaf[0], str):
                root = leaf[0].split(".", 1)[0]
                if root not in allowed:
                    return None
                used.add(root)
        return tuple(name for name in GROUPABLE if name in used)

    @api.model
    @api.readonly
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """The conversion of a stage = moved on / reached of the group's summed counts. A group that spans
        several stages (the total row, a row per salesperson without stages) has no single "reached" nor a
        conversion: its reached is the number of distinct deals (each reached the funnel once) and its
        conversion is left empty rather than an average of unrelated stages."""
        groupby = [groupby] if isinstance(groupby, str) else list(groupby or ())
        names = {f.split(":")[0] for f in fields or ()}
        if "conversion_rate" in names:
            fields = [f for f in fields if f.split(":")[0] != "conversion_rate"] + [
                f"{c}:sum" for c in ("reached_count", "advanced_count") if c not in names]
        if "reached_count" in names or "conversion_rate" in names:
            fields = [*fields, *(f"{c}:sum" for c in ("deal_count", "lost_count") if c not in names)]
        groups = super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        per_stage = any(g.split(":")[0] == "stage_id" for g in groupby[:1 if lazy else None])
        for group in groups:
            one_stage = per_stage or self._group_is_one_stage(group, domain)
            if not one_stage and ("reached_count" in names or "conversion_rate" in names):
                # open and lost deals: each reached the funnel once
                group["reached_count"] = (group.get("deal_count") or 0) + (group.get("lost_count") or 0)
            if "conversion_rate" in names:
                reached = group.get("reached_count") or 0
                group["conversion_rate"] = (round(100.0 * (group.get("advanced_count") or 0) / reached, 2)
                                            if one_stage and reached else False)
        return groups

    @api.model
    def _group_is_one_stage(self, group, domain):
        """A pivot cell nested under a stage row carries the stage in its domain."""
        return any(isinstance(term, list | tuple) and term[0] == "stage_id" and term[1] == "="
                   for term in [*group.get("__domain", ()), *domain])

    @api.model
    def _funnel(self, domain=()):
        """[(stage, deals, reached, amount, weighted, conversion to next stage as a fraction or None)],
        stages in funnel order: sequence, id, the won stage last."""
        rows = []
        for stage, deals, reached, advanced, amount, weighted in self._read_group(
                list(domain), ["stage_id"], [f"{c}:sum" for c in COUNTS] + ["amount:sum", "weighted_amount:sum"]):
            rows.append((stage, deals, reached, amount, weighted, advanced / reached if reached else None))
        return sorted(rows, key=lambda row: (row[0].is_won, row[0].sequence, row[0].id))
