"""git merge driver for .po files: the union of both sides' entries.

Parallel branches each add their own terms to i18n/fr.po; a line merge conflicts on
every such pair. This keeps every entry of both sides (ours wins where both translate
the same msgid differently) and drops entries that one side removed since the base.
Configured by tools/setup.sh:  git config merge.po.driver "... %O %A %B"
"""

import sys

import polib


def main(base_path, ours_path, theirs_path):
    base = {e.msgid for e in polib.pofile(base_path)}
    ours = polib.pofile(ours_path)
    theirs = polib.pofile(theirs_path)
    our_ids = {e.msgid: e for e in ours}
    their_ids = {e.msgid: e for e in theirs}
    # Removed by theirs since the base, and not re-added by ours: drop.
    for msgid in list(our_ids):
        if msgid in base and msgid not in their_ids:
            ours.remove(our_ids.pop(msgid))
    for msgid, entry in their_ids.items():
        if msgid in our_ids:
            if not our_ids[msgid].msgstr and entry.msgstr:
                our_ids[msgid].msgstr = entry.msgstr
        elif msgid not in base:
            ours.append(entry)
    ours.sort(key=lambda e: e.msgid)
    ours.save(ours_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
