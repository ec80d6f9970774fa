"""Keep the addons' French translations complete.

    i18n.py check DB   fail when i18n/fr.po lacks, leaves empty or fuzzy any term
                       that Odoo exports for the addon, lacks one of the places a term
                       is used (Odoo applies a translation only where its "#:" lines
                       say), or keeps terms it no longer has
    i18n.py update DB  rewrite i18n/<addon>.pot from DB and merge it into i18n/fr.po
                       (new terms arrive with an empty msgstr, to translate by hand)

DB is a database where the addons are installed; the Odoo config is .state/odoo.conf.
"""

import io
import pathlib
import re
import subprocess
import sys

import polib

import odoo
from odoo.tools.translate import trans_export

ROOT = pathlib.Path(__file__).resolve().parent.parent
ADDONS = sorted(p.parent for p in (ROOT / "addons").glob("*/__manifest__.py"))


FIELD_TERM = re.compile(r"^model:ir\.model\.fields,(?:field_description|help):(\S+)$")


def export_pot(cr, addon):
    buffer = io.BytesIO()
    trans_export(False, [addon], buffer, "po", cr)
    return drop_foreign_fields(cr, polib.pofile(buffer.getvalue().decode()), addon)


def drop_foreign_fields(cr, pot, addon):
    """Odoo files a field that a module outside the addon's dependencies adds to
    every model of a kind (e.g. rating's "Ratings" on each mail.thread model, when
    Project is installed) under whichever module happened to load last; drop those,
    so that the addon's terms do not depend on what else is installed and in which
    order. Fields of the addon and of its dependencies stay."""
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    own = set()
    todo = env["ir.module.module"].search([("name", "=", addon)])
    while todo:
        own.update(todo.mapped("name"))
        todo = todo.dependencies_id.depend_id.filtered(lambda m: m.name not in own)
    for entry in list(pot):
        kept = []
        for occurrence in entry.occurrences:
            match = FIELD_TERM.match(occurrence[0])
            if match:
                record = env.ref(match.group(1), raise_if_not_found=False)
                model = env.get(record.model) if record else None
                field = model._fields.get(record.name) if model is not None else None
                if field is not None and not own & set(field._modules or ()):
                    continue
            kept.append(occurrence)
        if not kept:
            pot.remove(entry)
        else:
            entry.occurrences = kept
    return pot


def check(pot, po_path):
    if not po_path.exists():
        return [f"{po_path} is missing"]
    po = polib.pofile(str(po_path))
    translated = {entry.msgid: entry for entry in po if not entry.obsolete}
    pot_entries = {entry.msgid: entry for entry in pot}
    expected = pot_entries.keys()
    problems = []
    for msgid in sorted(expected):
        entry = translated.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r}")
        elif not entry.msgstr.strip():
            problems.append(f"untranslated: {msgid!r}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {msgid!r}")
        else:
            places = {place for place, _line in entry.occurrences}
            problems += [
                f"not applied to {place}: {msgid!r}"
                for place, _line in pot_entries[msgid].occurrences
                if place not in places
            ]
    problems += [
        f"obsolete: {msgid!r}" for msgid in sorted(translated.keys() - expected)
    ]
    return problems


def update(pot, addon_dir):
    i18n = addon_dir / "i18n"
    i18n.mkdir(exist_ok=True)
    pot_path = i18n / f"{addon_dir.name}.pot"
    pot.save(str(pot_path))
    po_path = i18n / "fr.po"
    if po_path.exists():
        subprocess.run(
            [
                "msgmerge",
                "--quiet",
                "--no-fuzzy-matching",
                "--no-wrap",
                "--update",
                "--backup=none",
                str(po_path),
                str(pot_path),
            ],
            check=True,
        )
        # msgmerge keeps removed terms as obsolete (#~) entries: drop them.
        po = polib.pofile(str(po_path))
        for entry in po.obsolete_entries():
            po.remove(entry)
        po.save(str(po_path))
    else:
        po = polib.pofile(str(pot_path))
        po.metadata["Language"] = "fr"
        po.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
        po.save(str(po_path))


def main(argv):
    if len(argv) != 2 or argv[0] not in ("check", "update"):
        sys.exit(__doc__)
    command, database = argv
    odoo.tools.config.parse_config(
        ["-c", str(ROOT / ".state" / "odoo.conf"), "-d", database]
    )
    registry = odoo.modules.registry.Registry(database)
    failed = False
    with registry.cursor() as cr:
        for addon_dir in ADDONS:
            pot = export_pot(cr, addon_dir.name)
            if command == "update":
                update(pot, addon_dir)
                continue
            problems = check(pot, addon_dir / "i18n" / "fr.po")
            for problem in problems:
                print(f"{addon_dir.name}/i18n/fr.po: {problem}", file=sys.stderr)
            failed |= bool(problems)
    if failed:
        sys.exit("translations incomplete: run 'make i18n' and translate the new terms")


if __name__ == "__main__":
    main(sys.argv[1:])
