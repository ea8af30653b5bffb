-- autoencoder_train keeps a uniform sample past max_rows: the rows with the
-- smallest seeded hashes (bottom-k) of one state, the merge of two partial
-- states (in both orders), and a parallel plan that really ran; and the
-- model depends only on the rows, not on the plan or their order.  The
-- sample is read back from the model:
-- with one feature, standard scaling and a learning rate so small that the
-- network keeps its initial weights (decoder bias 0, up to 1e-30), the
-- decoder maps code 0 to the sample mean and code 1 to the mean plus w times
-- the sample standard deviation, w being the decoder's weight.
CREATE SCHEMA test_ae_sampling;
SET search_path = test_ae_sampling, public;
SET extra_float_digits = 0;

CREATE FUNCTION sample_mean(m bytea) RETURNS float8 LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (ae_decode(m, '{0}'::float8[]))[1]
$$;
CREATE FUNCTION sample_sd(m bytea) RETURNS float8 LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT ((ae_decode(m, '{1}'::float8[]))[1] - (ae_decode(m, '{0}'::float8[]))[1]) / w.weights[1]
  FROM ae_layer_weights(m) w WHERE w.layer = 2
$$;
-- options: a sample of 500, weights left as initialised
CREATE FUNCTION opts() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT '{"hidden": [1], "activation": "linear", "optimizer": "sgd", "learning_rate": 1e-30,
           "epochs": 1, "max_rows": 500, "shuffle": false, "record_timings": false}'::jsonb
$$;

CREATE TABLE seq AS SELECT ARRAY[i::float8] AS x FROM generate_series(1, 10000) i;
ANALYZE seq;

-- Bounds: a uniform sample of n = 500 of the N = 10000 values 1..N has mean
-- (N+1)/2 = 5000.5 and, drawn without replacement, variance
-- sigma^2/n (N-n)/(N-1) with sigma^2 = (N^2-1)/12, i.e. a standard deviation
-- of 125.8; 5 of them give [4371, 5630].  Its standard deviation is within
-- 2% of sigma = 2886.8 (sd of s^2 / sigma^2 = sqrt(0.8/n) for uniform data),
-- so 10% is 5 of them.  Keeping the first 500 rows would give 250.5 and 144.
SET max_parallel_workers_per_gather = 0;
SELECT sample_mean(m) BETWEEN 5000.5 - 5 * 125.8 AND 5000.5 + 5 * 125.8 AS mean_ok,
       sample_sd(m) / 2886.8 BETWEEN 0.9 AND 1.1 AS sd_ok,
       (ae_model_info(m)->>'n_rows')::int AS rows_seen
FROM (SELECT autoencoder_train(x, opts()) AS m FROM seq) s;

-- Merging two partial states that saw 30000 distinct rows near 0 and 10000
-- near 1, each sampled down to 500: the merged sample of 500 is the
-- bottom-k of the union, a uniform sample of it, so it holds a
-- hypergeometric number of rows from the smaller side, mean 500/4 = 125 and
-- variance 500 (1/4)(3/4)(39500/39999) = 92.6: its share of ones (about the
-- sample mean) is 0.25 with a standard deviation of 0.0192; 5 of them give
-- [0.154, 0.346].  Choosing sides by a coin flip would give 0.5, taking
-- every row from the first state 0 or 1.  (The rows are distinct: copies of
-- one row share a hash and are kept or dropped together.)
CREATE AGGREGATE partial_state(float8[], jsonb) (SFUNC = autoencoder_train_accum, STYPE = bytea);
CREATE AGGREGATE merged(bytea) (SFUNC = autoencoder_train_combine, STYPE = bytea,
                                 FINALFUNC = autoencoder_train_final);
CREATE TABLE states AS
SELECT 'big' AS side, partial_state(ARRAY[i * 1e-9], opts()) AS s FROM generate_series(1, 30000) i
UNION ALL
SELECT 'small', partial_state(ARRAY[1 + i * 1e-6], opts()) FROM generate_series(1, 10000) i;

SELECT ord, sample_mean(m) BETWEEN 0.25 - 5 * 0.0192 AND 0.25 + 5 * 0.0192 AS quarter_from_small_side,
       (ae_model_info(m)->>'n_rows')::int AS rows_seen,
       m = first_value(m) OVER (ORDER BY ord) AS same_model
FROM (SELECT 'big first' AS ord, merged(s ORDER BY side) AS m FROM states
      UNION ALL
      SELECT 'small first', merged(s ORDER BY side DESC) FROM states) t
ORDER BY ord;

-- The same through a parallel plan: partial aggregates in two workers,
-- merged by the combine function.  The workers split the rows differently
-- from run to run; the bounds above hold, and the model is the serial one
-- (checked below).
-- plan_has_partial_agg(q), workers_launched(q)
\i test/sql/plan_helpers.sql

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET client_min_messages = warning;  -- the sample NOTICE, once per EXPLAIN too
SELECT plan_has_partial_agg('SELECT autoencoder_train(x, test_ae_sampling.opts()) FROM test_ae_sampling.seq')
       AS parallel_plan,
       workers_launched('SELECT autoencoder_train(x, test_ae_sampling.opts()) FROM test_ae_sampling.seq')
       AS workers_launched;
SELECT sample_mean(m) BETWEEN 5000.5 - 5 * 125.8 AND 5000.5 + 5 * 125.8 AS mean_ok,
       sample_sd(m) / 2886.8 BETWEEN 0.9 AND 1.1 AS sd_ok,
       (ae_model_info(m)->>'n_rows')::int AS rows_seen
FROM (SELECT autoencoder_train(x, opts()) AS m FROM seq) s;
RESET client_min_messages;
RESET max_parallel_workers_per_gather;

-- Same rows, same model, whatever the plan: serial, parallel (two workers,
-- whose share of the rows varies from run to run, merged in the order they
-- finish) and the rows stored in another order give byte-identical models,
-- with every row kept and with a sample (500 of 3000).  record_timings is
-- off (seconds differ); a different seed shows the comparison can fail.
CREATE TABLE pts AS
SELECT i AS id, ARRAY[sin(i), cos(i * 0.3) * 2, (i % 7)::float8, sqrt(i)]::float8[] AS x
FROM generate_series(1, 3000) i;
CREATE TABLE pts_shuffled AS SELECT * FROM pts ORDER BY md5(id::text);
ANALYZE pts;
ANALYZE pts_shuffled;
CREATE FUNCTION opts_all() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT '{"hidden": [3], "epochs": 2, "record_timings": false}'::jsonb
$$;
CREATE FUNCTION opts_sample() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT '{"hidden": [3], "epochs": 2, "record_timings": false, "max_rows": 500}'::jsonb
$$;
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial_all AS SELECT autoencoder_train(x, opts_all()) AS m FROM pts;
CREATE TABLE serial_sample AS SELECT autoencoder_train(x, opts_sample()) AS m FROM pts;
CREATE TABLE shuffled_all AS SELECT autoencoder_train(x, opts_all()) AS m FROM pts_shuffled;
CREATE TABLE shuffled_sample AS SELECT autoencoder_train(x, opts_sample()) AS m FROM pts_shuffled;
CREATE TABLE other_seed AS SELECT autoencoder_train(x, opts_all() || '{"seed": 7}') AS m FROM pts;
SET max_parallel_workers_per_gather = 2;
SELECT workers_launched('SELECT autoencoder_train(x, test_ae_sampling.opts_all()) FROM test_ae_sampling.pts')
       AS workers_launched_all,
       workers_launched('SELECT autoencoder_train(x, test_ae_sampling.opts_sample()) FROM test_ae_sampling.pts')
       AS workers_launched_sample;
CREATE TABLE parallel_all AS SELECT autoencoder_train(x, opts_all()) AS m FROM pts;
CREATE TABLE parallel_sample AS SELECT autoencoder_train(x, opts_sample()) AS m FROM pts;
RESET max_parallel_workers_per_gather;
RESET client_min_messages;
SELECT (SELECT m FROM serial_all) = (SELECT m FROM parallel_all) AS parallel_same,
       (SELECT m FROM serial_all) = (SELECT m FROM shuffled_all) AS shuffled_same,
       (SELECT m FROM serial_sample) = (SELECT m FROM parallel_sample) AS parallel_sample_same,
       (SELECT m FROM serial_sample) = (SELECT m FROM shuffled_sample) AS shuffled_sample_same,
       (SELECT m FROM serial_all) <> (SELECT m FROM other_seed) AS seed_matters,
       (SELECT (ae_model_info(m)->>'n_rows_trained')::int FROM serial_sample) AS sample_rows;
