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
SELECT ae_anomaly_score(pca, ARRAY[1, 2, 3], 'reconstruction') = ae_anomaly_score(pca, ARRAY[1, 2, 3]::float8[], 'reconstruction') AS int_method,
       ae_feature_errors(pca, '{1, 2, 3}') = ae_feature_errors(pca, ARRAY[1, 2, 3]::float8[]) AS literal_errors,
       ae_is_anomaly(pca, ARRAY[1, 2, 3]::bigint[], 0.1) = ae_is_anomaly(pca, ARRAY[1, 2, 3]::float8[], 0.1) AS bigint_flag,
       ae_anomaly_percentile(ae, ARRAY[1.5, 2, 3]) = ae_anomaly_percentile(ae, ARRAY[1.5, 2, 3]::float8[]) AS numeric_percentile
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

------------------------------------------------------------------------
-- bounded resources
------------------------------------------------------------------------

-- scaling is O(d): 12,000 features once failed with XX000 (a d x d matrix of 1.15 GB)
SELECT (ae_model_info(autoencoder_train(x, '{"hidden": [8], "epochs": 1}'))->>'n_features')::int AS d
FROM (SELECT array_fill(i::float8, ARRAY[12000]) x FROM generate_series(1, 3) i) s;
SELECT (ae_model_info(model)->>'n_features')::int AS d
FROM ae_fit('SELECT array_fill(i::float8, ARRAY[12000]) FROM generate_series(1, 3) i', '{"hidden": [8], "epochs": 1}')
WHERE model IS NOT NULL;
-- the whole trainer is estimated before anything is allocated: the batch is
-- capped at the rows there are, and what remains (weights, gradients, Adam's
-- state: 2 GB) is refused with 54000 and the figure
SELECT sqlstate_of($$SELECT count(*) FROM ae_fit('SELECT array_fill(i::float8, ARRAY[8000]) FROM generate_series(1, 3) i',
                                                  '{"hidden": [8000], "batch_size": 65536, "epochs": 1}')$$);
SELECT sqlstate_of($$SELECT autoencoder_train(array_fill(i::float8, ARRAY[8000]), '{"hidden": [8000], "epochs": 1}')
                     FROM generate_series(1, 3) i$$);
-- the settings that bound a session's memory and threads are the superuser's
SET client_min_messages = warning;
DROP ROLE IF EXISTS ae_reliability_user;
RESET client_min_messages;
CREATE ROLE ae_reliability_user;
GRANT USAGE ON SCHEMA test_reliability TO ae_reliability_user;
SET ROLE ae_reliability_user;
SELECT sqlstate_of('SET autoencoder.max_trainer_memory = ''100GB''');
SELECT sqlstate_of('SET autoencoder.max_train_memory = ''1000MB''');
SELECT sqlstate_of('SET autoencoder.threads = 64');
RESET ROLE;
DROP OWNED BY ae_reliability_user;
DROP ROLE ae_reliability_user;
SHOW autoencoder.max_trainer_memory;

------------------------------------------------------------------------
-- binary cross-entropy and minmax scaling
------------------------------------------------------------------------

CREATE TABLE pos AS SELECT ARRAY[(i % 6)::float8, (i % 4) * 1.25, 5 - (i % 6)] AS x FROM generate_series(1, 60) i;
-- bce on data in [0, 5] with standard scaling once trained to a loss of -32: refused
SELECT sqlstate_of($$SELECT autoencoder_train(x, '{"loss": "bce", "scale": "standard"}') FROM test_reliability.pos$$);
SELECT sqlstate_of($$SELECT autoencoder_train(x, '{"loss": "bce", "scale": "none"}') FROM test_reliability.pos$$);
-- with bce the default scaling is minmax: every loss is a true cross-entropy (>= 0)
CREATE TABLE bce AS SELECT autoencoder_train(x, '{"loss": "bce", "hidden": [2], "epochs": 20}') AS m FROM pos;
SELECT ae_model_info(m)->>'scale' AS scale, ae_model_info(m)->'options'->>'scale' AS option,
       (SELECT min(loss) >= 0 FROM ae_training_history(m)) AS losses_non_negative
FROM bce;
-- minmax maps each feature's training range onto [0, 1]
SELECT ae_model_info(m)->>'scale' AS scale,
       ae_reconstruct(m, ARRAY[0, 0, 0]::float8[]) IS NOT NULL AS scores
FROM (SELECT autoencoder_train(x, '{"scale": "minmax", "hidden": [2], "epochs": 1}') AS m FROM pos) s;
SELECT sqlstate_of($$SELECT count(*) FROM ae_fit('SELECT x FROM test_reliability.pos', '{"loss": "bce", "scale": "center"}')$$);

------------------------------------------------------------------------
-- ae_fit: read-only queries, a validation split that ignores row order
------------------------------------------------------------------------

SELECT sqlstate_of($$SELECT count(*) FROM ae_fit('DELETE FROM test_reliability.pos RETURNING x')$$);
SELECT sqlstate_of($$SELECT count(*) FROM ae_fit('WITH d AS (DELETE FROM test_reliability.pos RETURNING x) SELECT x FROM d')$$);
SELECT sqlstate_of($$SELECT count(*) FROM ae_fit('SELECT x FROM test_reliability.pos FOR UPDATE')$$);
SELECT count(*) AS rows_kept FROM pos;
-- each pass starts the table at another row, as a synchronised scan does;
-- with (almost) no learning the validation loss must not move: the same
-- rows are held out every epoch (by position, they were not)
CREATE TABLE ring AS SELECT i AS id, ARRAY[sin(i), cos(i), (i % 7)::float8, sqrt(i)] AS x FROM generate_series(1, 400) i;
CREATE SEQUENCE start_at;
SELECT max(val_loss) / min(val_loss) - 1 < 1e-6 AS same_validation_rows, count(*) AS epochs
FROM ae_fit('SELECT x FROM test_reliability.ring, (SELECT nextval(''test_reliability.start_at'') * 97 AS k) o
             ORDER BY (id + k) % 400',
            '{"hidden": [2], "epochs": 5, "optimizer": "sgd", "learning_rate": 1e-9, "validation_fraction": 0.3}');

------------------------------------------------------------------------
-- scoring in single precision; crafted aggregate states
------------------------------------------------------------------------

-- an autoencoder computes in real: 1e39 once gave codes of NaN
SELECT sqlstate_of('SELECT ae_encode(ae, ARRAY[1e39, 0, 0]::float8[]) FROM test_reliability.m');
SELECT sqlstate_of('SELECT ae_anomaly_score(ae, ARRAY[-1e39, 0, 0]::float8[]) FROM test_reliability.m');
SELECT sqlstate_of('SELECT ae_decode(ae, ARRAY[1e300, 0]::float8[]) FROM test_reliability.m');
-- PCA computes in double precision: a score that overflows is an error, not Infinity
SELECT sqlstate_of('SELECT ae_anomaly_score(pca, ARRAY[1e300, -1e300, 1e300]::float8[]) FROM test_reliability.m');
-- a hand-made pca_train state counting Infinity rows once gave a model its own reader refused
-- (bytes of the SQL value on 64-bit little-endian hosts: batch_n at 16, n at 52)
CREATE AGGREGATE grab_pca(float8[]) (SFUNC = pca_train_accum, STYPE = bytea);
CREATE AGGREGATE final_pca(bytea) (SFUNC = pca_train_combine, STYPE = bytea, FINALFUNC = pca_train_final);
CREATE TABLE st AS SELECT grab_pca(ARRAY[i, i % 7, i % 3]::float8[]) AS s FROM generate_series(1, 300) i;
-- (256 rows folded, 44 waiting in the batch)
SELECT get_byte(s, 16) = 44 AND substr(s, 53, 8) = '\x0000000000007040'::bytea AS layout_as_expected FROM st;
SELECT ae_model_info(final_pca(s))->'n_rows' AS n FROM st;
SELECT sqlstate_of($$SELECT final_pca(overlay(s placing '\x000000000000f07f'::bytea from 53)) FROM test_reliability.st$$);
SELECT sqlstate_of($$SELECT final_pca(overlay(s placing '\x0000000000005043'::bytea from 53)) FROM test_reliability.st$$);

------------------------------------------------------------------------
-- honest metadata
------------------------------------------------------------------------

-- with patience the model keeps the best epoch's weights: the reported
-- losses are that epoch's, and it says which epoch it kept
CREATE TABLE es AS SELECT autoencoder_train(x, '{"hidden": [2], "epochs": 500, "validation_fraction": 0.3,
                                               "patience": 3, "learning_rate": 0.05}') AS m FROM pts;
SELECT (i->>'kept_epoch')::int + 3 = (i->>'epochs_run')::int AS stopped_3_after_kept,
       (i->>'final_val_loss')::float8 = (SELECT min(val_loss) FROM ae_training_history(m)) AS final_is_best,
       (i->>'final_val_loss')::float8 = (SELECT val_loss FROM ae_training_history(m) h
                                         WHERE h.epoch = (i->>'kept_epoch')::int) AS final_is_kept,
       i->>'kept_phase' AS phase
FROM es, ae_model_info(m) i;
-- a sample: rows seen and rows trained on
SELECT i->'n_rows' AS seen, i->'n_rows_trained' AS trained
FROM (SELECT ae_model_info(autoencoder_train(x, '{"hidden": [1], "epochs": 1, "max_rows": 10}')) i FROM pts) s;
SELECT i->'n_rows' AS seen, i->'n_rows_trained' AS trained FROM m, ae_model_info(ae) i;
-- the options a model reports are valid options again, and give the same model
CREATE FUNCTION same_pca(opts jsonb) RETURNS text LANGUAGE sql AS $$
  SELECT ((SELECT ae_model_info(pca_train(x, (SELECT ae_model_info(pca_train(x, opts))->'options'
                                               FROM test_reliability.pts))) - 'training_seconds'
           FROM test_reliability.pts) =
          (SELECT ae_model_info(pca_train(x, opts)) - 'training_seconds' FROM test_reliability.pts))::text
$$;
SELECT same_pca('{}') AS default_variance, same_pca('{"components": 2, "whiten": true}') AS components,
       same_pca('{"variance": 0.5, "scale": "none"}') AS variance;
CREATE FUNCTION same_ae(opts jsonb) RETURNS boolean LANGUAGE sql AS $$
  SELECT (SELECT autoencoder_train(x, (SELECT ae_model_info(autoencoder_train(x, opts))->'options'
                                       FROM test_reliability.pts)) FROM test_reliability.pts) =
         (SELECT autoencoder_train(x, opts) FROM test_reliability.pts)
$$;
SELECT same_ae('{"epochs": 2, "record_timings": false}') AS basic,
       same_ae('{"hidden": [3, 2], "pretrain": "layerwise", "pretrain_epochs": 1, "finetune_epochs": 2,
                 "optimizer": "momentum", "nesterov": true, "record_timings": false}') AS layerwise,
       same_ae('{"loss": "bce", "epochs": 2, "optimizer": "rmsprop", "validation_fraction": 0.2,
                 "patience": 1, "record_timings": false}') AS bce;
-- introspection of the wrong kind of model is an error for every function
SELECT sqlstate_of('SELECT count(*) FROM test_reliability.m, ae_training_history(pca)');
SELECT sqlstate_of('SELECT count(*) FROM test_reliability.m, ae_layer_weights(pca)');
SELECT sqlstate_of('SELECT count(*) FROM test_reliability.m, pca_components(ae)');
SELECT (ae_model_info(pca)->'format_version')::int AS pca_format, (ae_model_info(ae)->'format_version')::int AS ae_format FROM m;
