# shellcheck shell=bash
# Common environment for the project's scripts: where the repo, the virtualenv,
# Odoo and PostgreSQL are. Sourced, never executed.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STATE="$ROOT/.state"            # generated config, logs, throwaway servers (git-ignored)
ODOO_CONF="$STATE/odoo.conf"

export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-root}"
export PGPASSWORD="${PGPASSWORD:-}"

die() {
    printf '\nerror: %s\n\n' "$*" >&2
    exit 1
}

info() {
    printf '==> %s\n' "$*" >&2
}

# An Odoo 18 source tree: ODOO_SRC, else the conventional places.
ODOO_SRC_DEFAULTS=${ODOO_SRC_DEFAULTS:-"/opt/odoo $HOME/.cache/helpdesk-tiers/odoo-18.0"}
find_odoo_src() {
    local candidate
    # shellcheck disable=SC2086  # a space-separated list of directories
    for candidate in "${ODOO_SRC:-}" $ODOO_SRC_DEFAULTS; do
        [ -n "$candidate" ] || continue
        if [ -f "$candidate/odoo/release.py" ] && [ -f "$candidate/requirements.txt" ]; then
            if grep -qE '^version_info = \(18, 0,' "$candidate/odoo/release.py"; then
                (cd "$candidate" && pwd)
                return 0
            fi
            [ -n "${ODOO_SRC:-}" ] && [ "$candidate" = "$ODOO_SRC" ] &&
                die "ODOO_SRC=$ODOO_SRC is an Odoo source tree, but not Odoo 18.0."
        elif [ -n "${ODOO_SRC:-}" ] && [ "$candidate" = "$ODOO_SRC" ]; then
            die "ODOO_SRC=$ODOO_SRC is not an Odoo source tree (no odoo/release.py or requirements.txt)."
        fi
    done
    cat >&2 <<'EOF'

error: no Odoo 18.0 source tree found.

helpdesk_tiers runs on Odoo 18.0 Community, which is not on PyPI. Get its source, then
point ODOO_SRC at it (default: /opt/odoo), for example:

    git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git /opt/odoo
  or
    curl -L https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz | tar xz
    export ODOO_SRC=$PWD/odoo-18.0.post*

and run the command again.

EOF
    exit 1
}

require_postgres() {
    if ! "$PY" - <<'EOF' 2>/dev/null; then
import psycopg2
psycopg2.connect(dbname="postgres", connect_timeout=5).close()
EOF
        die "cannot connect to PostgreSQL at $PGHOST:$PGPORT as role '$PGUSER'.
Start PostgreSQL (Debian: apt-get install postgresql; pg_ctlcluster 15 main start) and
create the role (createuser -s $PGUSER), or set PGHOST/PGPORT/PGUSER/PGPASSWORD.
Odoo refuses to run as 'postgres': use another role."
    fi
}

require_setup() {
    [ -x "$PY" ] && [ -f "$ODOO_CONF" ] || die "the project is not set up: run 'make setup'."
}
