"""Merge a fresh .pot into a .po: keep translations, add new terms, drop obsolete ones.

Usage: python po_merge.py module.pot zh_CN.po   (prints the untranslated msgids, exit 1 if any)
"""
import os
import sys

import polib

pot_path, po_path = sys.argv[1], sys.argv[2]
pot = polib.pofile(pot_path)
old = polib.pofile(po_path) if os.path.exists(po_path) else polib.POFile()
known = {(e.msgctxt, e.msgid): e.msgstr for e in old if e.msgstr}
known_by_id = {e.msgid: e.msgstr for e in old if e.msgstr}

po = polib.POFile(wrapwidth=78)
po.metadata = dict(pot.metadata)
po.metadata.update({"Language": "zh_CN", "Plural-Forms": "nplurals=1; plural=0;",
                    "Content-Type": "text/plain; charset=UTF-8"})
missing = []
for entry in pot:
    new = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt, occurrences=entry.occurrences,
                        comment=entry.comment, tcomment=entry.tcomment, flags=entry.flags)
    new.msgstr = known.get((entry.msgctxt, entry.msgid)) or known_by_id.get(entry.msgid, "")
    if not new.msgstr:
        missing.append(entry.msgid)
    po.append(new)
po.save(po_path)
for msgid in missing:
    print("untranslated:", msgid.replace("\n", "\\n"))
sys.exit(1 if missing else 0)
