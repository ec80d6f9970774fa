#!/usr/bin/env bash
# Create a demo database once: the addon with its demo data, French loaded.
#   tools/demo_db.sh [--fresh] NAME     (--fresh: drop NAME first and create it again)
# Used by `make run` and `make screenshots`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
require_setup
require_postgres
cd "$ROOT"

fresh=
if [ "${1:-}" = --fresh ]; then
    fresh=1
    shift
fi
[ $# -eq 1 ] || die "usage: tools/demo_db.sh [--fresh] DATABASE"
db=$1
mkdir -p "$STATE/logs"

if [ -n "$fresh" ] || ! "$PY" tools/pg.py installed "$db" helpdesk_tiers; then
    log="$STATE/logs/demo-install-$db.log"
    info "creating the demo database '$db' (about a minute; log: ${log#"$ROOT"/})"
    "$PY" tools/pg.py drop "$db"
    rm -rf "$STATE/data/filestore/$db"
    # French is loaded after the install, so that the demo records keep English
    # as their language and French is one preference away.
    "$VENV/bin/odoo" -c "$ODOO_CONF" -d "$db" -i helpdesk_tiers \
        --stop-after-init --logfile="$log" &&
        "$VENV/bin/odoo" -c "$ODOO_CONF" -d "$db" --load-language=fr_FR \
            --stop-after-init --logfile="$log" ||
        die "creating the demo database '$db' failed; see $log"
    # Loading a language leaves the records created by data files (stages, categories,
    # canned replies...) in English: import the French of the helpdesk addons again,
    # overwriting, so that the French demo is French throughout.
    helpdesk_mgmt=$("$PY" -c 'import odoo.addons.helpdesk_mgmt as m, os; print(os.path.dirname(m.__file__))')
    for addon_dir in "$helpdesk_mgmt" addons/*/; do
        addon=$(basename "$addon_dir")
        [ -f "$addon_dir/i18n/fr.po" ] && "$PY" tools/pg.py installed "$db" "$addon" || continue
        "$VENV/bin/odoo" -c "$ODOO_CONF" -d "$db" --i18n-import="$addon_dir/i18n/fr.po" \
            --language=fr_FR --modules="$addon" --i18n-overwrite \
            --stop-after-init --logfile="$log" ||
            die "loading the French of $addon into '$db' failed; see $log"
    done
fi
