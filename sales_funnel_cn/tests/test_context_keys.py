import ast
import os

from odoo.modules.module import get_module_path
from odoo.tests import BaseCase
from odoo.tests import tagged

# Every context read of the module's Python code, classified. A context key is chosen by the client: it may
# change presentation, or name the records a wizard acts on (the method called then checks the rights on
# them), but never grant a right nor switch a rule off. A new read fails this test until it is classified here.
PRESENTATION_ONLY = {
    "show_email": "display name of a contact with its e-mail (masked for a salesperson who sees it masked)",
    "active_ids": "records a wizard acts on: the private method it calls checks rights and rules on them",
    "ir_cron_progress_id": "set by the cron runner; read only in a private _cron_ method (batch vs all at once)",
    "cron_id": "set by the cron runner; read only in a private _cron_ method (trigger the next batch)",
    "tz": "Odoo's own key: the user's time zone, for where this week starts (presentation: which days count)",
    "default_team_id": "which team's funnel columns the kanban shows (Odoo's own key for the same purpose)",
    "sfcn_pipeline_stages": "set on the stage fields: their search-bar suggestions list the stages of the user's "
                            "pipelines only; it narrows suggestions, never what a search or a write may use",
    "default_medium_id": "Odoo's own default key: a channel the caller chose is kept; without one, a lead opened "
                         "from a customer's referrals defaults to the referral channel (a form default, which "
                         "the caller may set to anything the field allows anyway)",
    "sfcn_duplicates_for": "a _DuplicatesFor Python object the module's duplicate count puts there around crm's "
                           "searches: it only narrows them (JSON cannot carry one; any other value is ignored)",
    "sfcn_gate_ask": "the web client asks to see the qualify dialog before a warn-gate move: it can only make "
                     "the move stricter (without it the move is made, flagged and logged)",
}
# reads that are not a single key: (file, what it does)
OTHER_READS = {
    ("models/sfcn_access.py", "guard_create"): "looks for default_<system field> keys, only to REFUSE them",
    ("models/crm_lead_gate.py", "_sfcn_override"): "a _GateOverride Python object set by the module's "
        "private methods (forced/mapped/historical moves), bound to deal ids and a stage: JSON cannot carry one",
    ("report/crm_lead_funnel_report.py", "_table_query"): "an _Aggregated Python object set by the report's own "
        "_read_group for one read it can answer from the aggregated form: JSON cannot carry one",
}


def context_reads(root):
    """[(relative file, enclosing function, key or None)] for every ``.context`` / ``._context`` read."""
    reads = []
    for folder, _dirs, files in os.walk(root):
        if "tests" in os.path.relpath(folder, root).split(os.sep):
            continue
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            tree = ast.parse(open(path, encoding="utf-8").read(), path)
            parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

            def function_of(node, parents=parents):
                while node in parents:
                    node = parents[node]
                    if isinstance(node, ast.FunctionDef):
                        return node.name
                return None

            for node in ast.walk(tree):
                if not (isinstance(node, ast.Attribute) and node.attr in ("context", "_context")):
                    continue
                if isinstance(parents.get(node), ast.Call) and parents[node].func is not node:
                    continue  # passed as an argument (e.g. ``_action_open(context)``), not read here
                if isinstance(node.ctx, ast.Store):
                    continue
                parent, key = parents.get(node), None
                if isinstance(parent, ast.Attribute) and parent.attr == "get":
                    call = parents.get(parent)
                    if isinstance(call, ast.Call) and call.args and isinstance(call.args[0], ast.Constant):
                        key = call.args[0].value
                elif isinstance(parent, ast.Subscript) and isinstance(parent.slice, ast.Constant):
                    key = parent.slice.value
                elif isinstance(parent, ast.Compare) and isinstance(parent.left, ast.Constant):
                    key = parent.left.value
                reads.append((rel, function_of(node), key))
    return reads


@tagged("post_install", "-at_install")
class TestContextKeys(BaseCase):
    """No authorisation or control flow from the context (issue 10, point 1)."""

    def test_every_context_read_is_classified(self):
        root = get_module_path("sales_funnel_cn")
        reads = context_reads(root)
        self.assertTrue(reads, "the scanner finds the module's context reads")
        allowed = PRESENTATION_ONLY
        unclassified = [(rel, func, key) for rel, func, key in reads
                        if not (key in allowed if key else (rel, func) in OTHER_READS)]
        self.assertFalse(unclassified, "context reads that are not classified presentation-only (a context key "
                                       f"is never a permission): {unclassified}")

    def test_scanner_sees_a_new_flag(self):
        """The scanner would catch the flags this issue removed (the test can fail)."""
        import tempfile
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "models"))
            with open(os.path.join(root, "models", "x.py"), "w", encoding="utf-8") as f:
                f.write("def write(self, vals):\n    if self.env.context.get('sfcn_pool_bypass'):\n        return\n"
                        "    ctx = self._context\n    return ctx['sfcn_pool_end']\n")
            self.assertEqual(set(context_reads(root)), {("models/x.py", "write", None),
                                                        ("models/x.py", "write", "sfcn_pool_bypass")})
