#!/usr/bin/env bash
# make bench: run the benchmarks in bench/ (all, or those named in BENCH, e.g.
# BENCH="intake sla_sweep"). Each prints its figures and a ratio against a baseline
# measured in the same run; record them in docs/benchmarks.md with the date.
set -euo pipefail
source "$(dirname "$0")/env.sh"
require_setup
require_postgres
cd "$ROOT"

names=${BENCH:-$(find bench -maxdepth 1 -name '[a-z]*.py' ! -name 'common.py' -printf '%f\n' | sed 's/\.py$//' | sort)}
[ -n "$names" ] || die "no benchmark in bench/"
for name in $names; do
    [ -f "bench/$name.py" ] || die "no benchmark bench/$name.py"
    info "bench/$name.py"
    "$PY" "bench/$name.py"
done
