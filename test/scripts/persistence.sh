#!/usr/bin/env bash
# Models survive what databases go through: pg_dump / pg_restore (custom
# format, into a new database) and a server restart, and score identically
# afterwards (every score, compared as text at full precision).  Also the
# pattern README "Security" recommends for indexes and generated columns (a
# model inside an IMMUTABLE SQL function returning a literal) restores
# cleanly, index and generated column included; and, as the extension is
# trusted, a database owner who is not a superuser can install it.
# Runs inside the cluster of run-tests.sh; restarts that cluster with
# pg_ctlcluster (pg_virtualenv's), so it runs after the scripts that watch
# the postmaster's start time.  Prints "script: N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/scripts/lib/common.sh
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
tmp=$(mktemp -d)

for db in ae_persist ae_restored ae_owned; do dropdb --if-exists "$db" >/dev/null 2>&1; done
createdb ae_persist
psql_q -d ae_persist <<'SQL' > "$tmp/setup.out" 2>&1
CREATE EXTENSION autoencoder;
CREATE TABLE cells (id int PRIMARY KEY, label int, features float8[]);
\copy cells FROM 'test/data/breast_cancer.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE models (name text PRIMARY KEY, model bytea);
INSERT INTO models
  SELECT 'pca', pca_train(features, '{"components": 5}') FROM cells WHERE label = 0
  UNION ALL SELECT 'ae', autoencoder_train(features, '{"hidden": [8, 3], "epochs": 5}') FROM cells WHERE label = 0;
-- the recommended pattern: the model as a literal inside an IMMUTABLE function
DO $$ BEGIN
  EXECUTE format('CREATE FUNCTION cells_model() RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
                 format('SELECT %L::bytea', (SELECT model FROM models WHERE name = 'pca')));
END $$;
ALTER TABLE cells ADD COLUMN score float8 GENERATED ALWAYS AS (ae_anomaly_score(cells_model(), features)) STORED;
CREATE INDEX cells_score ON cells (ae_anomaly_score(cells_model(), features));
SQL
[ -s "$tmp/setup.out" ] && fail "setup" "$(cat "$tmp/setup.out")"

# every output of both models for every row, the generated column and an
# index scan, at full precision
outputs() {   # database
  psql_q -d "$1" -c "SET extra_float_digits = 3" -c "
    SELECT m.name, c.id, ae_anomaly_score(m.model, c.features), ae_encode(m.model, c.features),
           ae_reconstruct(m.model, c.features)
    FROM cells c, models m ORDER BY 1, 2" -c "
    SELECT id, score, score = ae_anomaly_score(cells_model(), features) FROM cells ORDER BY id" -c "
    SET enable_seqscan = off" -c "SET enable_bitmapscan = off" -c "
    SELECT id FROM cells WHERE ae_anomaly_score(cells_model(), features) > 5
    ORDER BY ae_anomaly_score(cells_model(), features) DESC, id"
}
explain() {   # database
  psql_q -d "$1" -c "SET enable_seqscan = off" -c "SET enable_bitmapscan = off" -c "
    EXPLAIN (COSTS OFF) SELECT id FROM cells WHERE ae_anomaly_score(cells_model(), features) > 5" 2>&1
}
uses_index() {   # database
  # not "explain | grep -q": grep -q exits at the first match, psql then dies
  # of SIGPIPE on the rest of the plan (it holds the model literal), and
  # pipefail reports the match as a failure
  local plan
  plan=$(explain "$1")
  [[ $plan == *"Index Scan using cells_score"* ]]
}
# passes when database $2 prints exactly the outputs taken before dump and restart
same_outputs() {   # check name, database
  outputs "$2" > "$tmp/$2.txt" 2> "$tmp/err"
  if [ ! -s "$tmp/err" ] && diff -q "$tmp/before.txt" "$tmp/$2.txt" >/dev/null; then
    ok "$1"
  else
    fail "$1" "$(cat "$tmp/err"; diff "$tmp/before.txt" "$tmp/$2.txt" | head)"
  fi
}
outputs ae_persist > "$tmp/before.txt" 2> "$tmp/err"
if [ -s "$tmp/err" ] || [ "$(wc -l < "$tmp/before.txt")" -lt 1700 ]; then
  fail "outputs_before" "$(cat "$tmp/err")"
fi

# pg_dump / pg_restore into a new database
if pg_dump -Fc -d ae_persist -f "$tmp/dump" 2> "$tmp/err" && createdb ae_restored &&
   pg_restore --exit-on-error -d ae_restored "$tmp/dump" 2>> "$tmp/err"; then
  ok "pg_dump_pg_restore"
else
  fail "pg_dump_pg_restore" "$(cat "$tmp/err")"
fi
same_outputs restored_models_score_identically ae_restored
if uses_index ae_restored; then
  ok "restored_index_used"
else
  fail "restored_index_used" "$(explain ae_restored)"
fi

# a server restart (the models are read from disk again)
if pg_ctlcluster "$PGVERSION" regress restart 2> "$tmp/err" &&
   for i in $(seq 1 30); do pg_isready -q && break; sleep 1; done && pg_isready -q; then
  ok "server_restart"
else
  fail "server_restart" "$(cat "$tmp/err")"
fi
same_outputs models_score_identically_after_restart ae_persist

# trusted: a database owner who is not a superuser installs it and uses it
psql_q -d postgres -c "DROP ROLE IF EXISTS ae_owner" -c "CREATE ROLE ae_owner LOGIN NOSUPERUSER" \
  -c "CREATE DATABASE ae_owned OWNER ae_owner" >/dev/null 2>&1
if psql_q -d ae_owned -c "SET ROLE ae_owner" -c "CREATE EXTENSION autoencoder" -c "
     SELECT ae_anomaly_score(pca_train(x, '{\"components\": 1}'), ARRAY[1, 2]::float8[]) >= 0
     FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[2, 5]), (ARRAY[3, 7])) v(x)" > "$tmp/owned" 2>&1 &&
   [ "$(cat "$tmp/owned")" = "t" ] &&
   [ "$(psql_q -d ae_owned -c "SELECT extowner::regrole FROM pg_extension WHERE extname = 'autoencoder'")" = "ae_owner" ]; then
  ok "non_superuser_owner_creates_extension"
else
  fail "non_superuser_owner_creates_extension" "$(cat "$tmp/owned")"
fi
# ... but a role without CREATE on the database cannot
psql_q -d postgres -c "DROP ROLE IF EXISTS ae_guest" -c "CREATE ROLE ae_guest LOGIN NOSUPERUSER" >/dev/null 2>&1
if psql_q -d ae_owned -c "DROP EXTENSION autoencoder" >/dev/null 2>&1 &&
   ! psql_q -d ae_owned -c "SET ROLE ae_guest" -c "CREATE EXTENSION autoencoder" > "$tmp/guest" 2>&1 &&
   grep -q "permission denied" "$tmp/guest"; then
  ok "non_owner_cannot_create_extension"
else
  fail "non_owner_cannot_create_extension" "$(cat "$tmp/guest")"
fi

for db in ae_persist ae_restored ae_owned; do dropdb --if-exists "$db" >/dev/null 2>&1; done
psql_q -d postgres -c "DROP ROLE IF EXISTS ae_owner" -c "DROP ROLE IF EXISTS ae_guest" >/dev/null 2>&1
rm -rf "$tmp"
echo "script: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
