-- Safe to hand to every user: conventional SQLSTATEs for a user's
-- mistakes, aggregates that are NULL below 2 rows, and arguments of any
-- numeric array type.
CREATE SCHEMA test_reliability;
SET search_path = test_reliability, public;
SET extra_float_digits = 0;

-- the SQLSTATE and message a statement ends with ('ok' if none)
CREATE FUNCTION sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE pts AS SELECT ARRAY[i, i % 7, i % 3]::float8[] AS x FROM generate_series(1, 20) i;
CREATE TABLE m AS
SELECT pca_train(x, '{"components": 2}') AS pca,
       autoencoder_train(x, '{"hidden": [2], "epochs": 1, "record_timings": false}') AS ae
FROM pts;

------------------------------------------------------------------------
-- SQLSTATEs
------------------------------------------------------------------------

-- damaged model bytes are bad input (22P03), not server storage corruption (XX001)
SELECT sqlstate_of('SELECT ae_model_info(set_byte(pca, 100, get_byte(pca, 100) # 1)) FROM m');
SELECT sqlstate_of('SELECT ae_anomaly_score(substr(ae, 1, 40), ARRAY[1, 2, 3]::float8[]) FROM m');
SELECT sqlstate_of('SELECT ae_encode(''\x0102''::bytea, ARRAY[1, 2, 3]::float8[])');
SELECT sqlstate_of('SELECT pca_components(ae || ''\x00''::bytea) FROM m');
-- a damaged version byte fails the checksum: it must not ask for an upgrade
SELECT sqlstate_of('SELECT ae_model_info(set_byte(pca, 4, 2)) FROM m');
SELECT sqlstate_of('SELECT ae_model_info(set_byte(ae, 5, 1)) FROM m');
-- so do damaged aggregate states
CREATE AGGREGATE evil_final(bytea) (SFUNC = byteacat, STYPE = bytea, FINALFUNC = pca_train_final, INITCOND = '');
SELECT sqlstate_of('SELECT evil_final(''\x0102''::bytea)');
-- a network over the parameter limit is a limit (54000), not a bad option
SELECT sqlstate_of('SELECT autoencoder_train(x, ''{"hidden": [16000, 16000]}'') FROM pts');
SELECT sqlstate_of('SELECT count(*) FROM ae_fit(''SELECT x FROM test_reliability.pts'', ''{"hidden": [16000, 16000]}'')');
-- rows that vanish after the first pass: bad data (22000), naming the function
CREATE SEQUENCE once;
SELECT sqlstate_of($$SELECT count(*) FROM ae_fit('SELECT ARRAY[i, i % 3]::float8[] FROM generate_series(1, 10) i
                                                  WHERE nextval(''test_reliability.once'') <= 10', '{"epochs": 2}')$$);

------------------------------------------------------------------------
-- fewer than 2 rows
------------------------------------------------------------------------

-- aggregates are finalised before HAVING: a group of one row gives NULL,
-- as var_samp does, so HAVING can leave it out
CREATE TABLE groups AS SELECT g, x FROM pts, generate_series(1, 3) g WHERE g < 3 OR x[1] = 1;
SELECT g, count(*), pca_train(x) IS NULL AS pca_null, var_samp(x[1]) IS NULL AS var_null
FROM groups GROUP BY g ORDER BY g;
SELECT g, ae_model_info(pca_train(x))->'n_rows' AS n FROM groups GROUP BY g HAVING count(*) >= 2 ORDER BY g;
SELECT g, autoencoder_train(x, '{"hidden": [1], "epochs": 1}') IS NULL AS ae_null
FROM groups GROUP BY g ORDER BY g;
SELECT g, ae_model_info(autoencoder_train(x, '{"hidden": [1], "epochs": 1}'))->'n_rows' AS n
FROM groups GROUP BY g HAVING count(*) >= 2 ORDER BY g;
-- no rows, and only NULL rows
SELECT pca_train(x) IS NULL AS pca_null, autoencoder_train(x) IS NULL AS ae_null FROM pts WHERE false;
SELECT pca_train(NULL::float8[]) IS NULL AS pca_null, autoencoder_train(NULL::real[]) IS NULL AS ae_null;
-- ae_fit trains on one query, not on groups: fewer than 2 rows is an error naming it
SELECT sqlstate_of('SELECT count(*) FROM ae_fit(''SELECT x FROM test_reliability.pts WHERE false'')');
SELECT sqlstate_of('SELECT count(*) FROM ae_fit(''SELECT x FROM test_reliability.pts LIMIT 1'')');

------------------------------------------------------------------------
-- integer[], bigint[], numeric[] and untyped literals
------------------------------------------------------------------------

-- each gives the double precision[] answer
SELECT ae_anomaly_score(pca, ARRAY[1, 2, 3]) = ae_anomaly_score(pca, ARRAY[1, 2, 3]::float8[]) AS int_score,
       ae_anomaly_score(pca, ARRAY[1, 2, 3]::bigint[]) = ae_anomaly_score(pca, ARRAY[1, 2, 3]::float8[]) AS bigint_score,
       ae_anomaly_score(pca, ARRAY[1.5, 2, 3]) = ae_anomaly_score(pca, ARRAY[1.5, 2, 3]::float8[]) AS numeric_score,
       ae_anomaly_score(pca, '{1, 2, 3}') = ae_anomaly_score(pca, ARRAY[1, 2, 3]::float8[]) AS literal_score
FROM m;
SELECT ae_decode(pca, ARRAY[0, 0]) = ae_decode(pca, ARRAY[0, 0]::float8[]) AS int_decode,
       ae_decode(ae, '{0, 0}') = ae_decode(ae, ARRAY[0, 0]::float8[]) AS literal_decode,
       ae_encode(ae, ARRAY[1, 2, 3]) = ae_encode(ae, ARRAY[1, 2, 3]::float8[]) AS int_encode,
       ae_reconstruct(pca, ARRAY[1.5, 2, 3]) = ae_reconstruct(pca, ARRAY[1.5, 2, 3]::float8[]) AS numeric_reconstruct
FROM m;
SELECT pg_typeof(ae_encode(pca, ARRAY[1, 2, 3])) AS encode_type, pg_typeof(ae_decode(pca, '{0, 0}')) AS decode_type
FROM m;
-- the scoring overloads are inlined: the plan calls the double precision[] function
EXPLAIN (VERBOSE, COSTS OFF) SELECT ae_anomaly_score(pca, ARRAY[1, 2, 3]) FROM m;
-- bad elements are reported as usual
SELECT sqlstate_of('SELECT ae_anomaly_score(pca, ARRAY[1, NULL, 3]) FROM test_reliability.m');
SELECT sqlstate_of('SELECT ae_anomaly_score(pca, ARRAY[1, ''NaN'', 3]::numeric[]) FROM test_reliability.m');
SELECT sqlstate_of('SELECT ae_anomaly_score(pca, ''{1, two, 3}'') FROM test_reliability.m');
-- the aggregates and ae_fit take integer and numeric rows too, with the same result
CREATE TABLE ipts AS SELECT ARRAY[i, i % 7, i % 3] AS x FROM generate_series(1, 20) i;
SELECT (SELECT array_agg(eigenvalue ORDER BY component) FROM pca_components(pca_train(x))) =
       (SELECT array_agg(eigenvalue ORDER BY component) FROM pca_components((SELECT pca_train(x::float8[]) FROM ipts)))
       AS int_pca
FROM ipts;
SELECT autoencoder_train(x::bigint[], '{"hidden": [2], "epochs": 1, "record_timings": false}') = ae AS bigint_ae,
       autoencoder_train(x::numeric[], '{"hidden": [2], "epochs": 1, "record_timings": false}') = ae AS numeric_ae
FROM ipts, m GROUP BY ae;
SELECT (SELECT model FROM ae_fit('SELECT x FROM test_reliability.ipts',
                                 '{"hidden": [2], "epochs": 1, "record_timings": false}') WHERE model IS NOT NULL) =
       (SELECT model FROM ae_fit('SELECT x FROM test_reliability.pts',
                                 '{"hidden": [2], "epochs": 1, "record_timings": false}') WHERE model IS NOT NULL)
       AS int_ae_fit;
