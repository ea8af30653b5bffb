#!/usr/bin/env bash
# Several sessions score with one PCA and one autoencoder model while
# others train (pca_train, autoencoder_train, ae_fit), for a bounded time:
# every scoring pass of every session must give the sums that one session
# computed alone beforehand (full precision, compared as text), no session
# may raise an error, and all must finish within the bound.  Runs inside
# the cluster of run-tests.sh.  Prints "script: N passed, N failed".
#   CONCURRENCY_SECONDS (default 8), CONCURRENCY_SCORERS (4), CONCURRENCY_TRAINERS (2)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/scripts/lib/common.sh
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
seconds=${CONCURRENCY_SECONDS:-8}
scorers=${CONCURRENCY_SCORERS:-4}
trainers=${CONCURRENCY_TRAINERS:-2}
tmp=$(mktemp -d)

dropdb --if-exists ae_concurrency >/dev/null 2>&1
createdb ae_concurrency
export PGDATABASE=ae_concurrency
psql_q <<'SQL'
CREATE EXTENSION autoencoder;
CREATE TABLE pts AS
  SELECT i AS id, ARRAY[sin(i), cos(i), (i % 7)::float8, sqrt(i), ln(i), (i % 11) / 3.0, sin(i / 3.0), cos(i / 5.0)] AS x
  FROM generate_series(1, 20000) i;
CREATE TABLE models AS
  SELECT 'pca' AS name, pca_train(x, '{"components": 3}') AS m FROM pts
  UNION ALL SELECT 'ae', autoencoder_train(x, '{"hidden": [6, 3], "epochs": 3}') FROM pts;
-- the sums one session computes alone: what every concurrent pass must give
CREATE TABLE expected AS
  SELECT (SELECT sum(ae_anomaly_score((SELECT m FROM models WHERE name = 'pca'), x)) FROM pts)::text AS pca,
         (SELECT sum(ae_anomaly_score((SELECT m FROM models WHERE name = 'ae'), x)) FROM pts)::text AS ae,
         (SELECT sum(s) FROM pts, unnest(ae_encode((SELECT m FROM models WHERE name = 'ae'), x)) s)::text AS codes;
CREATE UNLOGGED TABLE passes (session int, kind text, ok boolean);
SQL

# one scoring session: passes until the deadline, each checked against expected
scorer() {
  psql_q -c "SET extra_float_digits = 3" -c "
DO \$\$
DECLARE e record; deadline timestamptz := clock_timestamp() + interval '$seconds seconds';
        p text; a text; c text;
BEGIN
  SELECT * INTO e FROM expected;
  WHILE clock_timestamp() < deadline LOOP
    SELECT sum(ae_anomaly_score((SELECT m FROM models WHERE name = 'pca'), x))::text INTO p FROM pts;
    SELECT sum(ae_anomaly_score((SELECT m FROM models WHERE name = 'ae'), x))::text INTO a FROM pts;
    SELECT sum(s)::text INTO c FROM pts, unnest(ae_encode((SELECT m FROM models WHERE name = 'ae'), x)) s;
    INSERT INTO passes VALUES ($1, 'score', p = e.pca AND a = e.ae AND c = e.codes);
  END LOOP;
END \$\$;"
}

# one training session: every trainer in turn until the deadline
trainer() {
  psql_q -c "
DO \$\$
DECLARE deadline timestamptz := clock_timestamp() + interval '$seconds seconds'; m bytea;
BEGIN
  WHILE clock_timestamp() < deadline LOOP
    SELECT pca_train(x) INTO m FROM pts;
    SELECT autoencoder_train(x, '{\"hidden\": [4], \"epochs\": 2}') INTO m FROM pts WHERE id % 4 = 0;
    SELECT model INTO m FROM ae_fit('SELECT x FROM pts WHERE id % 8 = 0', '{\"hidden\": [4], \"epochs\": 2}')
      WHERE model IS NOT NULL;
    INSERT INTO passes VALUES ($1, 'train', m IS NOT NULL);
  END LOOP;
END \$\$;"
}

start=$(date +%s)
pids=()
for i in $(seq 1 "$scorers"); do scorer "$i" > "$tmp/s$i.out" 2>&1 & pids+=($!); done
for i in $(seq 1 "$trainers"); do trainer "$((100 + i))" > "$tmp/t$i.out" 2>&1 & pids+=($!); done
# bounded: every session must be done well within twice the time plus a minute
limit=$((2 * seconds + 60))
( sleep "$limit"; kill "${pids[@]}" 2>/dev/null ) & watchdog=$!
errors=0
for p in "${pids[@]}"; do wait "$p" || errors=$((errors + 1)); done
kill "$watchdog" 2>/dev/null; wait "$watchdog" 2>/dev/null
elapsed=$(( $(date +%s) - start ))

if [ "$errors" -eq 0 ] && ! grep -q . "$tmp"/*.out; then
  ok "sessions_without_errors"
else
  fail "sessions_without_errors" "$(cat "$tmp"/*.out)"
fi
if [ "$elapsed" -lt "$limit" ]; then
  ok "sessions_finish_in_bounded_time"
else
  fail "sessions_finish_in_bounded_time" "took ${elapsed}s, bound ${limit}s"
fi
read -r score_passes score_ok train_passes train_ok <<<"$(psql_q -F ' ' -c "
  SELECT count(*) FILTER (WHERE kind = 'score'), count(*) FILTER (WHERE kind = 'score' AND ok),
         count(*) FILTER (WHERE kind = 'train'), count(*) FILTER (WHERE kind = 'train' AND ok) FROM passes")"
if [ "$score_passes" -ge "$scorers" ] && [ "$score_passes" = "$score_ok" ]; then
  ok "identical_sums_under_concurrent_training"
else
  fail "identical_sums_under_concurrent_training" "$score_ok of $score_passes scoring passes matched"
fi
if [ "$train_passes" -ge 1 ] && [ "$train_passes" = "$train_ok" ]; then
  ok "training_alongside_scoring"
else
  fail "training_alongside_scoring" "$train_ok of $train_passes training passes gave a model"
fi
echo "concurrency: $scorers scoring and $trainers training sessions for ${seconds}s (${elapsed}s in all):" \
     "$score_passes scoring passes of 3 x 20000 rows, all identical; $train_passes training passes"

psql -X -q -d postgres -c "DROP DATABASE ae_concurrency" >/dev/null 2>&1
rm -rf "$tmp"
echo "script: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
