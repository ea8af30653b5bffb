-- Autoencoder variants: denoising, sparse, contractive, and l1_activity.
-- Their properties are tested in the engine (test/unit/test_variants.c);
-- here: options, errors, what the model records, and that every scoring
-- and introspection function works with them.
CREATE SCHEMA test_variants;
SET search_path = test_variants, public;
SET extra_float_digits = 0;

CREATE TABLE bc (id int PRIMARY KEY, label int, features float8[]);
\copy bc FROM 'test/data/breast_cancer.csv' WITH (FORMAT csv, HEADER)

-- SQLSTATE and message of a statement's error
CREATE FUNCTION err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN others THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE vm (name text PRIMARY KEY, model bytea);
INSERT INTO vm
SELECT 'basic', autoencoder_train(features, '{"hidden": [6], "epochs": 5, "record_timings": false}') FROM bc UNION ALL
SELECT 'masking', autoencoder_train(features, '{"hidden": [6], "epochs": 5, "variant": "denoising", "record_timings": false}') FROM bc UNION ALL
SELECT 'gaussian', autoencoder_train(features, '{"hidden": [6], "epochs": 5, "variant": "denoising", "noise": {"type": "gaussian", "stddev": 0.2}}') FROM bc UNION ALL
SELECT 'sparse', autoencoder_train(features, '{"hidden": [6], "epochs": 5, "variant": "sparse", "activation": "sigmoid", "sparsity_target": 0.1}') FROM bc UNION ALL
SELECT 'contractive', autoencoder_train(features, '{"hidden": [6], "epochs": 5, "variant": "contractive", "activation": "tanh", "contractive_weight": 0.05}') FROM bc UNION ALL
SELECT 'l1', autoencoder_train(features, '{"hidden": [8, 4], "epochs": 5, "l1_activity": 0.01}') FROM bc UNION ALL
SELECT 'tied_sparse_layerwise', autoencoder_train(features, '{"hidden": [8, 4], "activation": "sigmoid", "variant": "sparse", "tied_weights": true, "pretrain": "layerwise", "pretrain_epochs": 2, "finetune_epochs": 3}') FROM bc UNION ALL
SELECT 'denoising_early_stop', autoencoder_train(features, '{"hidden": [6], "epochs": 50, "variant": "denoising", "validation_fraction": 0.2, "patience": 2, "min_delta": 1}') FROM bc;

-- the variant is recorded in the model and reported by ae_model_info
SELECT name, info->>'variant' AS variant, info->>'noise' AS noise,
       info->'options'->'noise' AS noise_options,
       info->'options'->'sparsity_target' AS rho, info->'options'->'sparsity_weight' AS beta,
       info->'options'->'contractive_weight' AS lambda, info->'options'->'l1_activity' AS l1
FROM vm, ae_model_info(model) info ORDER BY name;

-- every scoring and introspection function works with every variant
SELECT name,
       cardinality(ae_encode(model, features)) AS k,
       cardinality(ae_decode(model, ae_encode(model, features))) AS d,
       ae_reconstruct(model, features) = ae_decode(model, ae_encode(model, features)) AS clean_path,
       ae_anomaly_score(model, features) > 0 AS scored,
       (SELECT count(*) FROM ae_training_history(model)) AS epochs,
       (SELECT count(DISTINCT layer) FROM ae_layer_weights(model)) AS layers
FROM vm, bc WHERE bc.id = 1 ORDER BY name;
SELECT phase, count(*) AS epochs FROM vm, ae_training_history(model)
WHERE name = 'tied_sparse_layerwise' GROUP BY phase ORDER BY phase;
SELECT count(*) < 50 AS stopped_early FROM vm, ae_training_history(model) WHERE name = 'denoising_early_stop';

-- scoring is deterministic (the clean path: no noise when scoring)
SELECT ae_encode(model, features) = ae_encode(model, features) AS same
FROM vm, bc WHERE vm.name = 'masking' AND bc.id = 2;

-- noise is reproducible from the seed: equal options give equal models;
-- a basic model without l1_activity has no variant section (0.1.0 layout)
SELECT a.model = b.model AS byte_identical
FROM vm a, (SELECT autoencoder_train(features, '{"hidden": [6], "epochs": 5, "variant": "denoising", "record_timings": false}') AS model FROM bc) b
WHERE a.name = 'masking';
SELECT position('VARI'::bytea IN model) > 0 AS has_variant_section FROM vm WHERE name IN ('basic', 'masking') ORDER BY name;

-- ae_fit takes the same options
SELECT (ae_model_info(model)->>'variant') AS variant, ae_model_info(model)->'options'->'noise' AS noise
FROM ae_fit('SELECT features FROM test_variants.bc',
            '{"hidden": [4], "epochs": 3, "variant": "denoising", "noise": {"type": "gaussian", "stddev": 0.3}}')
WHERE model IS NOT NULL;

-- options of another variant, and combinations that make no sense, are
-- errors (SQLSTATE 22023) that say why
SELECT err($$SELECT autoencoder_train(features, '{"variant": "dropout"}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"noise": {"type": "masking"}}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "sparse", "noise": {"type": "masking"}}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"sparsity_target": 0.1, "activation": "sigmoid"}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "denoising", "sparsity_weight": 2}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "sparse", "contractive_weight": 1}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "denoising", "noise": {"type": "salt"}}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "denoising", "noise": {"rate": 0.2}}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "denoising", "noise": {"type": "masking", "stddev": 0.2}}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "denoising", "noise": {"type": "gaussian", "rate": 0.2}}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "denoising", "noise": {"type": "masking", "rate": 1}}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "denoising", "noise": {"type": "gaussian", "stddev": 0}}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "denoising", "noise": 0.3}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "denoising", "noise": {"type": "masking", "level": 2}}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "sparse", "sparsity_target": 0}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"l1_activity": -0.1}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "contractive", "contractive_weight": -1}') FROM test_variants.bc$$);
SELECT err($$SELECT * FROM ae_fit('SELECT features FROM test_variants.bc', '{"noise": {"type": "masking"}}')$$);
-- with detail and hint
\set VERBOSITY default
SELECT autoencoder_train(features, '{"variant": "sparse"}') FROM bc;
-- deep contractive encoders train (Hutchinson estimate), also pretrained
SELECT ae_model_info(autoencoder_train(features, '{"variant": "contractive", "activation": "tanh", "hidden": [8, 3], "epochs": 2}'))->>'variant' AS variant FROM bc;
SELECT count(*) AS epochs FROM ae_training_history((SELECT autoencoder_train(features,
  '{"variant": "contractive", "hidden": [8, 3], "pretrain": "layerwise", "pretrain_epochs": 1, "finetune_epochs": 2}') FROM bc));
SELECT autoencoder_train(features, '{"noise": {"type": "masking"}}') FROM bc;


-- Variational autoencoder
\set VERBOSITY terse
CREATE TABLE vae AS
SELECT autoencoder_train(features, '{"hidden": [12, 3], "activation": "tanh", "variant": "variational", "epochs": 30, "learning_rate": 0.005, "record_timings": false}') AS model FROM bc;
SELECT info->>'variant' AS variant, info->'options'->'beta' AS beta, info->'n_components' AS k,
       (info->'final_reconstruction')::float8 > 0 AS has_reconstruction, (info->'final_kl')::float8 > 0 AS has_kl
FROM vae, ae_model_info(model) info;
-- the history records both terms (ae_training_terms, long form); loss is
-- their sum (beta 1), and falls; ae_training_history has the same loss
WITH t AS (SELECT epoch, phase, max(value) FILTER (WHERE term = 'loss') AS loss,
                  max(value) FILTER (WHERE term = 'reconstruction') AS recon,
                  max(value) FILTER (WHERE term = 'kl') AS kl
           FROM vae, ae_training_terms(model) GROUP BY epoch, phase)
SELECT count(*) AS epochs,
       bool_and(abs(t.loss - (recon + kl)) < 1e-9 * t.loss) AS loss_is_sum,
       (array_agg(t.loss ORDER BY epoch))[30] < (array_agg(t.loss ORDER BY epoch))[1] AS loss_fell,
       bool_and(t.loss = h.loss) AS same_loss_as_history
FROM t JOIN (SELECT h.* FROM vae, ae_training_history(model) h) h USING (epoch, phase);
SELECT term, count(*) FROM vae, ae_training_terms(model) GROUP BY term ORDER BY term;
-- other models record loss (and val_loss when rows were held out) only
SELECT term, count(*) FROM vm, ae_training_terms(model) GROUP BY term ORDER BY term;
-- encode returns mu (deterministic), decode the decoder's mean, and
-- reconstruct is decode(encode(x))
SELECT ae_encode(model, features) = ae_encode(model, features) AS mu_is_deterministic,
       ae_reconstruct(model, features) = ae_decode(model, ae_encode(model, features)) AS reconstruct_of_mu,
       ae_anomaly_score(model, features) = ae_anomaly_score(model, features, 'reconstruction') AS default_is_reconstruction,
       ae_anomaly_score(model, features, 'elbo') = ae_anomaly_score(model, features, 'elbo') AS elbo_is_deterministic
FROM vae, bc WHERE id = 3;
-- the ELBO score ranks rows like the reconstruction error (correlation
-- measured 0.9987 .. 0.9991 over seeds 1..5; asserted > 0.9), and is
-- larger for a row far from the data
SELECT corr(elbo, rec) > 0.9 AS agree,
       max(elbo) < (SELECT ae_anomaly_score(model, (SELECT array_agg(f * 10) FROM unnest((SELECT features FROM bc WHERE id = 1)) f), 'elbo')
                    FROM vae) AS far_row_scores_higher
FROM (SELECT ae_anomaly_score(model, features, 'elbo') AS elbo, ae_anomaly_score(model, features) AS rec FROM vae, bc) s;
-- ae_sample: n rows of d features, reproducible from the seed, row i
-- independent of n; the mean of many samples is near the data's mean
SELECT count(*) AS n, min(cardinality(s)) AS d, max(cardinality(s)) AS d_max FROM vae, ae_sample(model, 7) s;
-- (prefix: the same codes decoded in batches of 3 and of 6 rows; sgemm may
-- round rows differently for a different batch height, so compare within
-- 1e-4 relative, far below the gap between samples of different codes)
SELECT (SELECT max(abs(a.v - b.v) / (1 + abs(b.v))) < 1e-4
        FROM (SELECT r, i, v FROM vae, ae_sample(model, 3, 5) WITH ORDINALITY s(x, r), unnest(x) WITH ORDINALITY u(v, i)) a
        JOIN (SELECT r, i, v FROM vae, ae_sample(model, 6, 5) WITH ORDINALITY s(x, r), unnest(x) WITH ORDINALITY u(v, i) WHERE r <= 3) b
        USING (r, i)) AS prefix_stable,
       (SELECT array_agg(s::text) FROM vae, ae_sample(model, 3, 5) s) =
       (SELECT array_agg(s::text) FROM vae, ae_sample(model, 3, 6) s) AS other_seed_same,
       (SELECT array_agg(s::text) FROM vae, ae_sample(model, 3) s) =
       (SELECT array_agg(s::text) FROM vae, ae_sample(model, 3, 42) s) AS default_seed_42;
SELECT count(*) AS zero_rows FROM vae, ae_sample(model, 0);
-- per feature, |mean of 2000 samples - data mean| / data sd: worst feature
-- measured 0.147 .. 0.183 over seeds 1..5; asserted < 0.35
WITH s AS (SELECT s.x, g.i FROM vae, ae_sample(model, 2000) WITH ORDINALITY s(x, r), generate_series(1, 30) g(i)),
     sm AS (SELECT i, avg(x[i]) AS m FROM s GROUP BY i),
     dm AS (SELECT g.i, avg(features[g.i]) AS m, stddev(features[g.i]) AS sd FROM bc, generate_series(1, 30) g(i) GROUP BY g.i)
SELECT max(abs(sm.m - dm.m) / dm.sd) < 0.35 AS sample_means_near_data_means FROM sm JOIN dm USING (i);
-- ae_layer_weights lists the log-variance head as layer 0: as many units as
-- the code (3), fed by the last hidden layer (12 inputs), its own weights;
-- layers 1..4 are the encoder and decoder as for any model
SELECT layer, count(*) AS units, min(cardinality(weights)) AS inputs
FROM vae, ae_layer_weights(model) GROUP BY layer ORDER BY layer;
SELECT (SELECT array_agg(weights::text ORDER BY unit) FROM vae, ae_layer_weights(model) WHERE layer = 0) <>
       (SELECT array_agg(weights::text ORDER BY unit) FROM vae, ae_layer_weights(model) WHERE layer = 2) AS head_is_not_mu_layer;
SELECT count(*) FILTER (WHERE layer = 0) AS head_rows_of_basic FROM vm, ae_layer_weights(model) WHERE name = 'basic';
-- bce decoder on data in [0, 1]; tied weights; ae_fit
SELECT ae_model_info(autoencoder_train(ARRAY[(id % 2)::float8, ((id / 2) % 2)::float8, ((id / 4) % 2)::float8],
         '{"hidden": [2], "variant": "variational", "loss": "bce", "scale": "none", "tied_weights": true, "epochs": 3}'))->'options'->>'loss' AS loss
FROM bc;
SELECT h.phase, count(*) AS terms
FROM ae_fit('SELECT features FROM test_variants.bc', '{"hidden": [4], "epochs": 2, "variant": "variational", "beta": 0.5}') f,
     ae_training_terms(f.model) h WHERE f.model IS NOT NULL GROUP BY h.phase;
-- errors
SELECT err($$SELECT * FROM ae_training_terms((SELECT pca_train(features) FROM test_variants.bc))$$);
SELECT err($$SELECT autoencoder_train(features, '{"beta": 2}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "variational", "beta": -1}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "variational", "pretrain": "layerwise"}') FROM test_variants.bc$$);
SELECT err($$SELECT autoencoder_train(features, '{"variant": "variational", "noise": {"type": "masking"}}') FROM test_variants.bc$$);
SELECT err($$SELECT * FROM test_variants.vm, ae_sample(model, 3) WHERE name = 'basic'$$);
SELECT err($$SELECT * FROM test_variants.vae, ae_sample(model, -1)$$);
-- 4,000,000 rows of 30 features exceed the 10^8 values one call may
-- materialise (54000), before any row is generated
SELECT err($$SELECT count(*) FROM test_variants.vae, ae_sample(model, 4000000)$$);
SELECT err($$SELECT ae_anomaly_score(model, features, 'elbo') FROM test_variants.vm, test_variants.bc WHERE name = 'basic' AND id = 1$$);

DROP SCHEMA test_variants CASCADE;
