"""Keep docs/ARCHITECTURE.md true to the code (run by `make lint`).

It fails when the module has a class extending ``crm.lead`` or ``res.partner``, a ``create``/``write``
override of those models, or a raw SQL statement (``cr.execute``, ``env.execute_query``) that the document
does not list, when the document lists one the code no longer has, or when a create/write chain is not
listed in MRO order. Each item is keyed by file and function, one per line of
the document, written as ``- `path/file.py` ...`` (see its sections); the output prints the exact lines to
add or remove, so the document can be updated right after a merge or a file split.

Usage: python scripts/check_architecture.py [--list]   (--list prints what the code has, document-ready)
"""
import ast
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
ADDON = REPO / "sales_funnel_cn"
DOC = REPO / "docs" / "ARCHITECTURE.md"
CHAINED = ("crm.lead", "res.partner")
CHAIN = {}  # (file, Class.method) -> (model, method) of the create/write overrides, filled by scan()
# a listed item: "- `models/crm_lead_pool.py` `CrmLead.write`" or "- `hooks.py` `post_init_hook` (SQL)"
ITEM = re.compile(r"^\s*[-*]\s+`([\w/.-]+\.py)`\s+`([\w.]+)`(?:\s+\((SQL)\))?")


def _inherits(cls):
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and any(getattr(t, "id", None) in ("_inherit", "_name")
                                                 for t in stmt.targets):
            value = stmt.value
            names = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
            yield from (n.value for n in names if isinstance(n, ast.Constant) and isinstance(n.value, str))


def _is_execute(node):
    """``<...>.cr.execute(...)``, ``self._cr.execute(...)`` or ``env.execute_query(...)``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    if node.func.attr == "execute_query":
        return True
    target = node.func.value
    return node.func.attr == "execute" and getattr(target, "attr", getattr(target, "id", None)) in ("cr", "_cr")


def _visit(node, owner, rel, found):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef):
            models = set(_inherits(child)) & set(CHAINED)
            if models:
                found.add((rel, child.name, "inherit"))
                for stmt in child.body:
                    if isinstance(stmt, ast.FunctionDef) and stmt.name in ("create", "write"):
                        found.add((rel, f"{child.name}.{stmt.name}", "override"))
                        CHAIN[(rel, f"{child.name}.{stmt.name}")] = (min(models), stmt.name)
            _visit(child, child.name, rel, found)
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            # a statement inside a nested function is keyed by the outer function (ast.walk reaches it)
            if any(_is_execute(n) for n in ast.walk(child)):
                found.add((rel, f"{owner}.{child.name}" if owner else child.name, "SQL"))
        else:
            _visit(child, owner, rel, found)


def scan():
    """{(file, Class.method or function, kind)} of the code: kind "inherit" (a crm.lead/res.partner class,
    method = the class name), "override" (its create/write) or "SQL" (a function running raw SQL)."""
    found = set()
    for path in sorted(ADDON.rglob("*.py")):
        rel = path.relative_to(ADDON).as_posix()
        if not rel.startswith("tests/"):
            _visit(ast.parse(path.read_text(encoding="utf-8")), None, rel, found)
    return found


def documented():
    """The listed items, in the document's order."""
    items = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = ITEM.match(line)
        if m:
            items.append((m.group(1), m.group(2), "SQL" if m.group(3) else None))
    return items


def chain_errors(doc):
    """The overrides of each model's create/write must be listed outermost first: Odoo calls the class of
    the file imported last in models/__init__.py first."""
    imports = re.findall(r"^from \. import (\w+)", (ADDON / "models" / "__init__.py").read_text(), re.M)
    rank = {f"models/{name}.py": i for i, name in enumerate(imports)}
    errors = []
    for model, method in sorted(set(CHAIN.values())):
        listed = [(rel, name) for rel, name, _kind in doc if CHAIN.get((rel, name)) == (model, method)]
        expected = sorted(listed, key=lambda item: -rank.get(item[0], -1))
        if listed != expected:
            errors.append(f"docs/ARCHITECTURE.md: the {model}.{method} chain is not in MRO order; it is:\n"
                          + "\n".join(_line(rel, name, None) for rel, name in expected))
    return errors


def _line(rel, name, kind):
    return f"- `{rel}` `{name}`" + (" (SQL)" if kind == "SQL" else "")


def main():
    code = scan()
    if "--list" in sys.argv:
        for rel, name, kind in sorted(code):
            print(_line(rel, name, kind), "" if kind == "SQL" else f"  [{kind}]")
        return 0
    doc = documented()
    errors = chain_errors(doc)
    # the document keys an inherit/override line without "(SQL)"; compare on (file, name, is-SQL)
    want = {(rel, name, kind == "SQL") for rel, name, kind in code}
    have = {(rel, name, kind == "SQL") for rel, name, kind in doc}
    missing, stale = sorted(want - have), sorted(have - want)
    for rel, name, sql in missing:
        print(f"docs/ARCHITECTURE.md does not list: {_line(rel, name, 'SQL' if sql else None)}", file=sys.stderr)
    for rel, name, sql in stale:
        print(f"docs/ARCHITECTURE.md lists what the code no longer has: {_line(rel, name, 'SQL' if sql else None)}",
              file=sys.stderr)
    for error in errors:
        print(error, file=sys.stderr)
    if missing or stale or errors:
        print("Update docs/ARCHITECTURE.md (what it does, why, what SQL flushes/invalidates), "
              "then run `make lint` again.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
