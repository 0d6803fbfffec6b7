"""Build sales_funnel_cn/README.rst from the readme/ fragments (the OCA layout).

Usage: python scripts/gen_readme.py [--check]   (--check exits 1 when README.rst is stale)
"""
import pathlib
import sys

ADDON = pathlib.Path(__file__).resolve().parent.parent / "sales_funnel_cn"
SECTIONS = [("DESCRIPTION.md", None), ("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage"),
            ("CONTRIBUTORS.md", "Contributors")]


def build():
    title = "Sales Funnel CN (销售漏斗)"
    out = ["=" * len(title.encode("gbk")), title, "=" * len(title.encode("gbk")), "",
           ".. |badge| image:: https://img.shields.io/badge/licence-LGPL--3-blue.png", "",
           "|badge|", ""]
    for fname, heading in SECTIONS:
        path = ADDON / "readme" / fname
        if not path.exists():
            continue
        if heading:
            out += [heading, "=" * len(heading), ""]
        out += [path.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    text = build()
    target = ADDON / "README.rst"
    if "--check" in sys.argv:
        sys.exit(0 if target.exists() and target.read_text(encoding="utf-8") == text else 1)
    target.write_text(text, encoding="utf-8")
