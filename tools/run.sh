#!/usr/bin/env bash
# make run: create the demo database once (addon, demo data, French), then serve it.
#   DEMO_DB (default helpdesk_demo), HTTP_PORT (default 8069)
set -euo pipefail
source "$(dirname "$0")/env.sh"
require_setup
require_postgres
cd "$ROOT"

DEMO_DB=${DEMO_DB:-helpdesk_demo}
HTTP_PORT=${HTTP_PORT:-8069}
mkdir -p "$STATE/logs"

bash tools/demo_db.sh "$DEMO_DB"

# The vendor side: Request Tracker and the sync daemon, stopped with the demo.
RT_PORT=${RT_PORT:-8080}
export DEMO_DB HTTP_PORT RT_PORT
bash tools/sync_demo.sh start
trap 'bash tools/sync_demo.sh stop' EXIT

cat >&2 <<EOF

  helpdesk_tiers demo: http://127.0.0.1:$HTTP_PORT/odoo   (database $DEMO_DB)

  login        password     who
  admin        admin        administrator, helpdesk manager
  hotline      hotline      Lucie Martin, L1 agent (hotline)
  hotline2     hotline2     Karim Benali, L1 agent (hotline)
  backoffice   backoffice   Bruno Petit, L2 agent (back office)
  specialist   specialist   Sofia Laurent, L3 specialist (also the vendor desk)
  manager      manager      Marc Dubois, helpdesk manager
  customer     customer     Claire Dupont, portal customer (Boulangerie Dupont), in French
  customer-manager  customer-manager  Julien Dupont, Boulangerie Dupont's support manager
  customer-garage   customer-garage   Paul Moreau, portal customer (Garage Moreau)

  Vendor (L4): Request Tracker at http://127.0.0.1:$RT_PORT (root / rootpass123),
  queue "Vendor"; tickets escalated to L4 reach it within a minute, replies
  written there come back as internal notes. Sync daemon log:
  .state/logs/sync-daemon.log; its backlog: Helpdesk > Configuration > Vendor systems.

  Stop with Ctrl-C.

EOF
# Not exec: the trap above stops the vendor side when Odoo stops.
"$VENV/bin/odoo" -c "$ODOO_CONF" -d "$DEMO_DB" --db-filter "^${DEMO_DB}\$" \
    --http-port "$HTTP_PORT"
