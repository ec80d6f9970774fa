#!/usr/bin/env bash
# The project's one test command (make test): lint, the addon's Odoo tests on a
# fresh database, the translation check, then pytest. Exits non-zero on any failure.
#   TEST_DB       database for the Odoo tests (default helpdesk_tiers_test), recreated
#   ODOO_TEST_TAGS  --test-tags for Odoo (default: every addon in addons/)
#   PYTEST_ARGS   extra pytest arguments
set -euo pipefail
source "$(dirname "$0")/env.sh"
require_setup
require_postgres
cd "$ROOT"

TEST_DB=${TEST_DB:-helpdesk_tiers_test}
# Every addon of the repository (bridges too: their dependencies are installed).
ADDONS=$(find addons -mindepth 2 -maxdepth 2 -name __manifest__.py -printf '%h\n' | xargs -n1 basename | sort | paste -sd,)
ODOO_TEST_TAGS=${ODOO_TEST_TAGS:-$(echo "$ADDONS" | sed 's/^/\//; s/,/,\//g')}
LOGS="$STATE/logs"
mkdir -p "$LOGS"
started=$SECONDS

command -v chromium >/dev/null ||
    die "Chromium is missing: the Odoo tours need it (Debian: apt-get install chromium; 'make setup' does it)."

info "lint: ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
info "lint: pylint-odoo"
"$VENV/bin/pylint" --rcfile=.pylintrc addons/*/

info "Odoo tests on a fresh database '$TEST_DB'"
"$PY" tools/pg.py drop "$TEST_DB"
http_port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log="$LOGS/odoo-tests.log"
set +e
"$VENV/bin/odoo" -c "$ODOO_CONF" -d "$TEST_DB" -i "$ADDONS" \
    --test-enable --test-tags "$ODOO_TEST_TAGS" --stop-after-init \
    --http-port "$http_port" --log-level=test --logfile= >"$log" 2>&1
odoo_rc=$?
set -e
grep -E 'odoo\.tests\.(stats|result)|tests when loading database|Ran [0-9]+ test' "$log" >&2 || true
# A failed test, and any ERROR or CRITICAL log line, fails the run.
errors=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log" || true)
if [ "$odoo_rc" -ne 0 ] || [ "$errors" -ne 0 ]; then
    grep -E -A 30 '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log" | head -300 >&2
    die "Odoo tests failed (exit $odoo_rc, $errors ERROR/CRITICAL lines); full log: $log"
fi
if ! grep -qE 'of [1-9][0-9]* tests when loading database' "$log"; then
    die "no Odoo test ran; full log: $log"
fi

info "translations: i18n/fr.po complete"
"$PY" tools/i18n.py check "$TEST_DB"

info "access matrix: the readme shows tests/access_matrix.py"
"$PY" tools/access_matrix.py check

info "pytest"
# The end-to-end sync tests start their Odoo from a copy of the database just
# tested (seconds, where installing takes a minute or more).
# shellcheck disable=SC2086
TEST_DB="$TEST_DB" HDT_SYNC_TEMPLATE_DB="$TEST_DB" "$VENV/bin/pytest" ${PYTEST_ARGS:-}

info "all tests passed in $((SECONDS - started)) s"
