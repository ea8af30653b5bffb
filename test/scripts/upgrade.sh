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

# user objects that depend on 0.1.0's functions and aggregates: the update
# must neither fail on them nor change what they return (snapshots taken now)
user_views="user_history user_scores user_info user_weights user_pca"
if psql_q > /dev/null 2> "$tmp/err" <<'SQL'
CREATE TEMP TABLE mh (name text, hex text);
\copy mh FROM 'test/data/models-0.1.0/models.csv' WITH (FORMAT csv)
CREATE TABLE user_models AS SELECT name, decode(hex, 'hex') AS model FROM mh;
CREATE TABLE user_rows (id int, label int, features float8[]);
\copy user_rows FROM 'test/data/breast_cancer.csv' WITH (FORMAT csv, HEADER)
DELETE FROM user_rows WHERE id > 40;
CREATE VIEW user_history AS
  SELECT name, h.* FROM user_models, ae_training_history(model) h WHERE name LIKE 'ae%';
CREATE VIEW user_scores AS
  SELECT name, id, ae_anomaly_score(model, features) AS score,
         ae_anomaly_score(model, features::real[]) AS score_real,
         ae_encode(model, features) AS code, ae_reconstruct(model, features) AS recon
  FROM user_models, user_rows WHERE name <> 'ae_bce_sigmoid';
CREATE VIEW user_info AS
  SELECT name, ae_model_info(model) AS info FROM user_models;
CREATE VIEW user_weights AS
  SELECT name, w.* FROM user_models, ae_layer_weights(model) w WHERE name LIKE 'ae%';
CREATE VIEW user_pca AS
  SELECT c.* FROM pca_components((SELECT pca_train(features, '{"components": 3}') FROM user_rows)) c;
CREATE TABLE user_scored AS
  SELECT id, model, features FROM user_models, user_rows WHERE name = 'pca_default';
CREATE INDEX user_scored_score ON user_scored (ae_anomaly_score(model, features));
CREATE TABLE user_history_before AS TABLE user_history;
CREATE TABLE user_scores_before AS TABLE user_scores;
CREATE TABLE user_info_before AS TABLE user_info;
CREATE TABLE user_weights_before AS TABLE user_weights;
CREATE TABLE user_pca_before AS TABLE user_pca;
SQL
then
  ok "user_views_under_0.1.0"
else
  fail "user_views_under_0.1.0" "$(cat "$tmp/err")"
fi

if psql_q -c "ALTER EXTENSION autoencoder UPDATE" 2> "$tmp/err" &&
   [ "$(psql_q -Atc "SELECT extversion FROM pg_extension WHERE extname = 'autoencoder'")" = \
     "$(sed -n "s/^default_version = '\(.*\)'/\1/p" autoencoder.control)" ]; then
  ok "alter_extension_update"
else
  fail "alter_extension_update" "$(cat "$tmp/err")"
fi
compare_outputs "old_models_after_update"

# the views over 0.1.0's objects return the same rows as before the update
# (ae_model_info may add keys in 0.2.0, but keeps every key and value 0.1.0
# returned), and the expression index still answers
for v in $user_views; do
  if [ $v = user_info ]; then
    q="SELECT count(*) = 9 AND bool_and(a.info @> b.info) FROM user_info a JOIN user_info_before b USING (name)"
  else
    q="SELECT count(*) > 0 AND count(*) = (SELECT count(*) FROM (SELECT * FROM $v INTERSECT ALL SELECT * FROM ${v}_before) s)
              AND count(*) = (SELECT count(*) FROM $v) FROM ${v}_before"
  fi
  if [ "$(psql_q -Atc "$q" 2> "$tmp/err")" = t ]; then
    ok "${v}_same_after_update"
  else
    fail "${v}_same_after_update" "$(cat "$tmp/err")"
  fi
done
if [ "$(psql_q -Atc "SET enable_seqscan = off" -c "SELECT count(*) FROM user_scored
      WHERE ae_anomaly_score(model, features) > 0" 2> "$tmp/err")" = 40 ]; then
  ok "user_index_after_update"
else
  fail "user_index_after_update" "$(cat "$tmp/err")"
fi
psql_q -c "DROP VIEW $(echo $user_views | tr ' ' ,)" \
  -c "DROP TABLE user_models, user_rows, user_scored, $(echo $user_views | sed 's/\([a-z_]*\)/\1_before/g' | tr ' ' ,)"

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
