#!/usr/bin/env bash
# Scripted checks that pg_regress cannot express: thousands of damaged
# models, damaged aggregate states and bad arguments through every SQL
# entry point (the server must answer each with a specific error, never
# crash or raise an internal error), and cancelled training releasing its
# memory.  Runs inside the
# cluster of run-tests.sh (libpq environment set by pg_virtualenv).
# Prints "script: N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
passed=0
failed=0
check() {   # name, command...: passes when it succeeds and prints no "verdict false"
  local name=$1; shift
  if out=$("$@" 2>&1) && ! grep -q "verdict false" <<<"$out"; then
    passed=$((passed + 1)); echo "ok     script/$name"; grep -E "^[0-9A-Za-z]+=|growth|errors" <<<"$out" | tr '\n' ' '; echo
  else
    failed=$((failed + 1)); echo "FAIL   script/$name"; echo "$out" | tail -20
  fi
}
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -d "${PGDATABASE:-postgres}" "$@"; }

createdb ae_scripts 2>/dev/null
export PGDATABASE=ae_scripts
psql_q -c "CREATE EXTENSION IF NOT EXISTS autoencoder" >/dev/null
# one row per attempt of the fuzz loops: which SQLSTATE it ended with
psql_q -c "CREATE TABLE outcome (test text, sqlstate text)" >/dev/null
start_time=$(psql_q -Atc "SELECT pg_postmaster_start_time()")

# counts of each outcome of a test, and its verdict: every outcome is one
# of the expected ones (space-separated SQLSTATEs, or "accepted"), and
# there are as many as the test made attempts.  Never class XX: XX000
# would mean a "cannot happen" path was reached, XX001 is server storage
# corruption, which monitoring alerts on; damaged bytes a user passes are
# 22P03 (invalid_binary_representation)
report() {   # test, expected outcomes, number of attempts
  psql_q -At -c "SELECT sqlstate || '=' || count(*) FROM outcome WHERE test = '$1' GROUP BY sqlstate ORDER BY 1" \
    -c "SELECT 'verdict ' || (count(*) = $3 AND bool_and(sqlstate = ANY (string_to_array('$2', ' '))))
        FROM outcome WHERE test = '$1'"
}

# 1. damaged models: random bit flips, byte overwrites and truncations of
#    valid PCA and autoencoder models, through every function taking a model.
#    A model whose bytes changed no longer matches its checksum (CRC-32
#    detects every change of up to 32 consecutive bits, and longer ones but
#    for a chance of 2^-32), so it must be refused with 22P03, whatever its
#    length: "accepted" is only right for bytes left as they were (an
#    overwrite with the same byte), and such bytes must be accepted.
fuzz_models() {
  psql_q -At <<'SQL'
CREATE TEMP TABLE pts AS SELECT ARRAY[sin(i), cos(i), (i % 5)::float8, sqrt(i)] AS x FROM generate_series(1, 200) i;
CREATE TEMP TABLE good AS
  SELECT pca_train(x, '{"components": 2}') AS m FROM pts
  UNION ALL SELECT autoencoder_train(x, '{"hidden": [3, 2], "epochs": 2, "tied_weights": true}') FROM pts
  UNION ALL SELECT autoencoder_train(x, '{"hidden": [2], "epochs": 2, "validation_fraction": 0.2}') FROM pts;
DO $$
DECLARE
  g bytea; b bytea; i int; pos int; st text;
BEGIN
  PERFORM setseed(0.42);
  FOR i IN 1..3000 LOOP
    SELECT m INTO g FROM good ORDER BY random() LIMIT 1;
    pos := floor(random() * octet_length(g))::int;
    b := CASE i % 4
      WHEN 0 THEN set_byte(g, pos, (get_byte(g, pos) # (1 << floor(random() * 8)::int)))
      WHEN 1 THEN set_byte(g, pos, floor(random() * 256)::int)
      WHEN 2 THEN substr(g, 1, pos)
      ELSE overlay(g placing decode(md5(random()::text), 'hex') from pos + 1) END;
    BEGIN
      PERFORM ae_model_info(b);
      PERFORM ae_anomaly_score(b, ARRAY[1, 2, 3, 4]::float8[]);
      PERFORM ae_anomaly_score(b, ARRAY[1, 2, 3, 4]::float8[], 'reconstruction');
      PERFORM ae_feature_errors(b, ARRAY[1, 2, 3, 4]::float8[]);
      PERFORM ae_anomaly_percentile(b, ARRAY[1, 2, 3, 4]::float8[]);
      PERFORM ae_is_anomaly(b, ARRAY[1, 2, 3, 4]::float8[]);
      PERFORM ae_encode(b, ARRAY[1, 2, 3, 4]::real[]);
      PERFORM count(*) FROM ae_training_history(b);
      st := CASE WHEN b = g THEN 'accepted' ELSE 'accepted-damaged' END;
    EXCEPTION WHEN OTHERS THEN
      st := CASE WHEN b = g THEN 'refused-intact-' ELSE '' END || SQLSTATE;
    END;
    INSERT INTO outcome VALUES ('models', st);
  END LOOP;
END $$;
SQL
  report models "22P03 accepted" 3000
}
check damaged_models fuzz_models

# 2. damaged aggregate states: a user can build aggregates that hand any
#    bytes to the support functions; feed them mutated real states
fuzz_states() {
  psql_q -At <<'SQL'
CREATE AGGREGATE grab_pca(float8[], jsonb) (SFUNC = pca_train_accum, STYPE = bytea);
CREATE AGGREGATE grab_ae(float8[], jsonb) (SFUNC = autoencoder_train_accum, STYPE = bytea);
CREATE AGGREGATE final_pca(bytea) (SFUNC = pca_train_combine, STYPE = bytea, FINALFUNC = pca_train_final);
CREATE AGGREGATE final_ae(bytea) (SFUNC = autoencoder_train_combine, STYPE = bytea, FINALFUNC = autoencoder_train_final);
CREATE TEMP TABLE pts AS SELECT ARRAY[sin(i), cos(i), (i % 5)::float8] AS x FROM generate_series(1, 300) i;
CREATE TEMP TABLE states AS
  SELECT 'pca' AS kind, grab_pca(x, '{"components": 2}') AS s FROM pts
  UNION ALL SELECT 'ae', grab_ae(x, '{"hidden": [2], "epochs": 2, "max_rows": 100}') FROM pts
  UNION ALL SELECT 'pca', grab_pca(x, '{"components": 2}') FROM pts WHERE x[3] < 2
  UNION ALL SELECT 'ae', grab_ae(x, '{"hidden": [2], "epochs": 2, "max_rows": 100}') FROM pts WHERE x[3] < 2;
DO $$
DECLARE
  k text; g bytea; h bytea; b bytea; i int; pos int; st text;
BEGIN
  PERFORM setseed(0.13);
  FOR i IN 1..600 LOOP
    SELECT kind, s INTO k, g FROM states ORDER BY random() LIMIT 1;
    SELECT s INTO h FROM states WHERE kind = k ORDER BY random() LIMIT 1;
    -- the header (first 80 bytes) is where sizes live: hit it half the time
    pos := CASE WHEN i % 2 = 0 THEN floor(random() * 80)::int
                ELSE floor(random() * octet_length(g))::int END;
    b := CASE i % 3
      WHEN 0 THEN set_byte(g, pos, (get_byte(g, pos) # (1 << floor(random() * 8)::int)))
      WHEN 1 THEN set_byte(g, pos, floor(random() * 256)::int)
      ELSE substr(g, 1, pos) END;
    BEGIN
      IF k = 'pca' THEN
        PERFORM ae_model_info(final_pca(v)) FROM (VALUES (h), (b)) t(v);
      ELSE
        PERFORM ae_model_info(final_ae(v)) FROM (VALUES (h), (b)) t(v);
      END IF;
      st := 'accepted';
    EXCEPTION WHEN OTHERS THEN
      st := SQLSTATE;
    END;
    INSERT INTO outcome VALUES ('states', st);
  END LOOP;
END $$;
SQL
  report states "22P03 22023 22000 2202E accepted" 600
}
check damaged_states fuzz_states

# 3. bad arguments: random shapes and values into scoring and training;
#    every one of them is wrong (a wrong length, NaN, a 2-D array, a NULL
#    element, an infinity), so every attempt must end in a data error
bad_arguments() {
  psql_q -At <<'SQL'
CREATE TEMP TABLE m AS SELECT pca_train(ARRAY[i, i * i, i % 3]::float8[], '{"components": 2}') AS pca FROM generate_series(1, 50) i;
DO $$
DECLARE a float8[]; i int; st text;
BEGIN
  PERFORM setseed(0.7);
  FOR i IN 1..2000 LOOP
    a := CASE i % 5
      WHEN 0 THEN array_fill(random(), ARRAY[floor(random() * 6)::int])
      WHEN 1 THEN ARRAY[random(), 'NaN', random()]
      WHEN 2 THEN ARRAY[[random(), random(), random()]]
      WHEN 3 THEN ARRAY[random(), NULL, random()]
      ELSE ARRAY[random() * 1e308, -random() * 1e308, 'Infinity'] END;
    BEGIN
      PERFORM ae_anomaly_score(pca, a) FROM m;
      PERFORM ae_anomaly_score(pca, a, 'full') FROM m;
      PERFORM ae_feature_errors(pca, a) FROM m;
      PERFORM ae_is_anomaly(pca, a, 0.1, 'full') FROM m;
      PERFORM ae_decode(pca, a) FROM m;
      PERFORM pca_train(x) FROM (VALUES (a), (a)) v(x);
      st := 'accepted';
    EXCEPTION WHEN OTHERS THEN
      st := SQLSTATE;
    END;
    INSERT INTO outcome VALUES ('arguments', st);
  END LOOP;
END $$;
SQL
  report arguments "22000 22004 2202E" 2000
}
check bad_arguments bad_arguments

# 4. a cancelled training releases its memory and leaves the session usable
cancel_releases_memory() {
  psql_q -At <<'SQL'
CREATE TEMP TABLE big AS SELECT array_fill(i::float8 / 1000, ARRAY[200]) AS x FROM generate_series(1, 20000) i;
CREATE TEMP TABLE mem (phase text, bytes bigint);
INSERT INTO mem SELECT 'before', sum(total_bytes) FROM pg_backend_memory_contexts;
SET statement_timeout = '1s';
-- each training must end by the cancel (57014), not by finishing
DO $$ BEGIN
  PERFORM autoencoder_train(x, '{"hidden": [128, 32], "epochs": 100000}') FROM big;
  INSERT INTO outcome VALUES ('cancel', 'finished');
EXCEPTION WHEN query_canceled THEN INSERT INTO outcome VALUES ('cancel', SQLSTATE);
END $$;
DO $$ BEGIN
  PERFORM count(*) FROM ae_fit('SELECT x FROM big', '{"hidden": [128, 32], "epochs": 100000}');
  INSERT INTO outcome VALUES ('cancel', 'finished');
EXCEPTION WHEN query_canceled THEN INSERT INTO outcome VALUES ('cancel', SQLSTATE);
END $$;
RESET statement_timeout;
INSERT INTO mem SELECT 'after', sum(total_bytes) FROM pg_backend_memory_contexts;
SELECT 'growth ' || ((SELECT bytes FROM mem WHERE phase = 'after') - (SELECT bytes FROM mem WHERE phase = 'before'));
SELECT sqlstate || '=' || count(*) FROM outcome WHERE test = 'cancel' GROUP BY sqlstate;
-- the 20000 x 200 rows alone are 16 MB: far less than that may remain
SELECT 'verdict ' || ((SELECT bytes FROM mem WHERE phase = 'after') -
                      (SELECT bytes FROM mem WHERE phase = 'before') < 2 * 1024 * 1024
                      AND (SELECT count(*) FROM big) = 20000
                      AND (SELECT count(*) FILTER (WHERE sqlstate = '57014') = 2 AND count(*) = 2
                           FROM outcome WHERE test = 'cancel'));
SQL
}
check cancel_releases_memory cancel_releases_memory

# 5. the server never restarted
server_alive() {
  [ "$(psql_q -Atc "SELECT pg_postmaster_start_time()")" = "$start_time" ]
}
check server_never_crashed server_alive

dropdb ae_scripts
echo "script: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
