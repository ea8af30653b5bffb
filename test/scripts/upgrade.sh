#!/usr/bin/env bash
# The upgrade path and old models: installs the released 0.1.0, scores the
# models 0.1.0 wrote (test/data/models-0.1.0/models.csv) and compares every
# output with what 0.1.0 printed for them (outputs.csv), then runs
# ALTER EXTENSION autoencoder UPDATE and compares again; finally checks
# that a fresh CREATE EXTENSION gives the same objects as the upgrade.
# Runs inside the cluster of run-tests.sh.  Prints "script: N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/scripts/lib/common.sh
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
dir=test/data/models-0.1.0
tmp=$(mktemp -d)

dropdb --if-exists ae_upgrade >/dev/null 2>&1
createdb ae_upgrade
export PGDATABASE=ae_upgrade

# every output of the 0.1.0 models, compared as text (full float precision)
compare_outputs() {   # name of the check
  if ! (cd "$dir" && psql_q -f score_models.sql > "$tmp/out.csv" 2> "$tmp/err"); then
    fail "$1" "$(cat "$tmp/err")"
  elif diff -q "$dir/outputs.csv" "$tmp/out.csv" >/dev/null; then
    ok "$1"
  else
    fail "$1" "$(diff "$dir/outputs.csv" "$tmp/out.csv" | head -10)"
  fi
}

if psql_q -c "CREATE EXTENSION autoencoder VERSION '0.1.0'" 2> "$tmp/err"; then
  ok "install_0.1.0"
else
  fail "install_0.1.0" "$(cat "$tmp/err")"
fi
compare_outputs "old_models_under_0.1.0_sql"

if psql_q -c "ALTER EXTENSION autoencoder UPDATE" 2> "$tmp/err" &&
   [ "$(psql_q -Atc "SELECT extversion FROM pg_extension WHERE extname = 'autoencoder'")" = \
     "$(sed -n "s/^default_version = '\(.*\)'/\1/p" autoencoder.control)" ]; then
  ok "alter_extension_update"
else
  fail "alter_extension_update" "$(cat "$tmp/err")"
fi
compare_outputs "old_models_after_update"

# the objects of an upgraded install and of a fresh one are the same
objects() {
  psql_q -Atc "SELECT pg_describe_object(classid, objid, objsubid) FROM pg_depend
               WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
                 AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'autoencoder')
               ORDER BY 1"
}
objects > "$tmp/upgraded"
psql_q -c "DROP EXTENSION autoencoder" -c "CREATE EXTENSION autoencoder"
objects > "$tmp/fresh"
if diff -q "$tmp/upgraded" "$tmp/fresh" >/dev/null && [ -s "$tmp/fresh" ]; then
  ok "upgrade_equals_fresh_install"
else
  fail "upgrade_equals_fresh_install" "$(diff "$tmp/upgraded" "$tmp/fresh")"
fi
compare_outputs "old_models_fresh_install"

psql -X -q -d postgres -c "DROP DATABASE ae_upgrade" >/dev/null 2>&1
rm -rf "$tmp"
echo "script: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
