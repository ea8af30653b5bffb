-- Autoencoders trained by the autoencoder_train aggregate, scored by the
-- same functions as PCA.
CREATE SCHEMA test_autoencoder;
SET search_path = test_autoencoder, public;
SET extra_float_digits = 0;

CREATE TABLE bc (id int PRIMARY KEY, label int, features float8[]);
\copy bc FROM 'test/data/breast_cancer.csv' WITH (FORMAT csv, HEADER)

CREATE TABLE ae_models (name text PRIMARY KEY, model bytea);
INSERT INTO ae_models
SELECT 'deep', autoencoder_train(features, '{"hidden": [16, 4], "epochs": 30}') FROM bc UNION ALL
SELECT 'deep_again', autoencoder_train(features, '{"hidden": [16, 4], "epochs": 30}') FROM bc UNION ALL
SELECT 'other_seed', autoencoder_train(features, '{"hidden": [16, 4], "epochs": 30, "seed": 7}') FROM bc UNION ALL
SELECT 'tied', autoencoder_train(features, '{"hidden": [16, 4], "epochs": 30, "tied_weights": true}') FROM bc UNION ALL
SELECT 'default', autoencoder_train(features) FROM bc UNION ALL
SELECT 'linear5', autoencoder_train(features, '{"hidden": [5], "activation": "linear", "epochs": 300, "learning_rate": 0.01}') FROM bc;

-- model_info: kind, sizes, architecture, parameters, options with defaults.
-- Parameter counts by hand, for 30 features: [16, 4] has 30*16 + 16*4 = 544
-- encoder weights, as many decoder weights (1088), and 16 + 4 + 16 + 30 = 66
-- biases: 1154; tied, 544 + 66 = 610; [8]: 2*240 + 8 + 30 = 518; [5]:
-- 2*150 + 5 + 30 = 335.  The default code size is ceil(30/4) = 8.
SELECT name, info->>'kind' AS kind, info->'n_features' AS d, info->'n_components' AS k,
       info->'n_rows' AS n, info->'hidden' AS hidden, info->>'activation' AS act,
       info->'tied_weights' AS tied, info->'n_parameters' AS params, info->'epochs_run' AS epochs
FROM ae_models, ae_model_info(model) AS info ORDER BY name;
SELECT jsonb_pretty(ae_model_info(model)->'options') FROM ae_models WHERE name = 'default';

-- tied weights: the decoder reuses the encoder's weights, so the model
-- stores half the weights (biases are not tied)
SELECT (SELECT (ae_model_info(model)->>'n_parameters')::int FROM ae_models WHERE name = 'deep') - 66 AS untied_weights,
       (SELECT (ae_model_info(model)->>'n_parameters')::int FROM ae_models WHERE name = 'tied') - 66 AS tied_weights,
       (SELECT octet_length(model) FROM ae_models WHERE name = 'deep') -
       (SELECT octet_length(model) FROM ae_models WHERE name = 'tied') >= 544 * 4 AS smaller_model;

-- the same seed, options and data order give the same network; another seed does not
SELECT a.name, b.name,
       (SELECT string_agg(weights::text, ';' ORDER BY layer, unit) FROM ae_layer_weights(a.model)) =
       (SELECT string_agg(weights::text, ';' ORDER BY layer, unit) FROM ae_layer_weights(b.model)) AS same_weights,
       (SELECT array_agg(bias ORDER BY layer, unit) FROM ae_layer_weights(a.model)) =
       (SELECT array_agg(bias ORDER BY layer, unit) FROM ae_layer_weights(b.model)) AS same_biases
FROM ae_models a, ae_models b
WHERE a.name = 'deep' AND b.name IN ('deep_again', 'other_seed') ORDER BY b.name;

-- without recorded timings, equal inputs give byte-identical models
WITH a AS (SELECT autoencoder_train(features, '{"hidden": [8, 3], "epochs": 5, "record_timings": false}') AS m FROM bc),
     b AS (SELECT autoencoder_train(features, '{"hidden": [8, 3], "epochs": 5, "record_timings": false}') AS m FROM bc)
SELECT a.m = b.m AS byte_identical,
       ae_model_info(a.m)->'training_seconds' AS training_seconds,
       (SELECT count(*) FILTER (WHERE seconds IS NULL) FROM ae_training_history(a.m)) AS epochs_without_time
FROM a, b;

-- ae_layer_weights: one row per unit with its incoming weights
SELECT layer, count(*) AS units, min(cardinality(weights)) AS inputs, max(cardinality(weights)) AS inputs_max
FROM ae_layer_weights((SELECT model FROM ae_models WHERE name = 'deep')) GROUP BY layer ORDER BY layer;
-- tied decoder weights are the transposed encoder weights
SELECT count(*) AS mismatches
FROM ae_layer_weights((SELECT model FROM ae_models WHERE name = 'tied')) e,
     ae_layer_weights((SELECT model FROM ae_models WHERE name = 'tied')) dd
WHERE e.layer = 1 AND dd.layer = 4 AND e.weights[dd.unit] <> dd.weights[e.unit];

-- training history: one row per epoch, loss going down
SELECT count(*) AS epochs, min(phase) AS phase, bool_and(val_loss IS NULL) AS no_validation,
       (array_agg(loss ORDER BY epoch))[30] < (array_agg(loss ORDER BY epoch))[1] AS loss_fell,
       bool_and(seconds >= 0) AS timed
FROM ae_training_history((SELECT model FROM ae_models WHERE name = 'deep'));

-- scoring: shapes and types follow the input, decode(encode(x)) = reconstruct(x)
SELECT cardinality(ae_encode(m.model, bc.features)) AS code_len,
       cardinality(ae_reconstruct(m.model, bc.features)) AS recon_len,
       pg_typeof(ae_encode(m.model, bc.features::real[])) AS real_code,
       ae_decode(m.model, ae_encode(m.model, bc.features)) = ae_reconstruct(m.model, bc.features) AS roundtrip,
       ae_anomaly_score(m.model, bc.features) > 0 AS positive
FROM ae_models m, bc WHERE m.name = 'deep' AND bc.id = 1;

-- the anomaly score is the mean squared error in the scaled space:
-- recompute it from ae_reconstruct and the model's scaling (scale "none")
WITH m AS (SELECT autoencoder_train(features, '{"hidden": [3], "scale": "none", "epochs": 5}') AS model
           FROM bc)
SELECT max(abs(ae_anomaly_score(m.model, bc.features) -
               (SELECT avg((x - y) ^ 2) FROM unnest(bc.features, ae_reconstruct(m.model, bc.features)) t(x, y)))
           / ae_anomaly_score(m.model, bc.features)) < 1e-5 AS consistent
FROM m, bc;

-- a linear autoencoder approaches PCA with as many components (in-sample error)
SELECT avg(ae_anomaly_score(a.model, bc.features, 'reconstruction')) / avg(ae_anomaly_score(p.model, bc.features, 'reconstruction'))
       BETWEEN 0.999 AND 1.05 AS linear_ae_within_5pct_of_pca
FROM bc, ae_models a, (SELECT pca_train(features, '{"components": 5}') AS model FROM bc) p
WHERE a.name = 'linear5';

-- GROUP BY: one model per group
SELECT label, (ae_model_info(autoencoder_train(features, '{"hidden": [4], "epochs": 2}'))->>'n_rows')::int AS n
FROM bc GROUP BY label ORDER BY label;

-- NULL rows are skipped; no rows gives NULL
SELECT (ae_model_info(autoencoder_train(x, '{"hidden": [1], "epochs": 1}'))->>'n_rows')::int AS n
FROM (VALUES ('{1,2}'::float8[]), (NULL), ('{2,1}'), ('{3,5}')) v(x);
SELECT autoencoder_train(features) IS NULL AS no_rows FROM bc WHERE false;

-- every option is accepted and recorded
SELECT autoencoder_train(features, '{"hidden": [8, 3], "activation": "tanh", "output_activation": "linear",
  "tied_weights": false, "loss": "mse", "optimizer": "momentum", "nesterov": true, "learning_rate": 0.01,
  "momentum": 0.8, "batch_size": 32, "epochs": 3, "l2": 0.001, "seed": 1, "shuffle": false, "scale": "center",
  "validation_fraction": 0.1, "patience": 5, "min_delta": 0.0001, "max_seconds": 60, "max_rows": 10000,
  "verbose": false}') IS NOT NULL AS momentum_ok FROM bc;
SELECT opt, (ae_model_info(autoencoder_train(features, (opt || ', "epochs": 2}')::jsonb))->'options') @>
       (opt || '}')::jsonb AS recorded
FROM bc, (VALUES ('{"optimizer": "sgd", "learning_rate": 0.05'),
                 ('{"optimizer": "rmsprop", "rho": 0.8, "epsilon": 0.0001'),
                 ('{"optimizer": "adadelta"'),
                 ('{"optimizer": "adam", "beta1": 0.8, "beta2": 0.99'),
                 ('{"activation": "sigmoid"'), ('{"activation": "elu"'), ('{"activation": "leaky_relu"'),
                 ('{"activation": "linear"'), ('{"scale": "none"')) o(opt)
GROUP BY opt ORDER BY opt;

-- bce with a sigmoid output on data in [0, 1]
SELECT (ae_model_info(autoencoder_train(x, '{"loss": "bce", "scale": "none", "hidden": [2], "epochs": 20}'))
        ->>'output_activation') AS output
FROM (SELECT ARRAY[(i % 2)::float8, ((i / 2) % 2)::float8, 0.5] AS x FROM generate_series(1, 64) i) s;

-- validation split and early stopping: stops before the epoch budget
SELECT count(*) < 500 AS stopped_early, bool_and(val_loss IS NOT NULL) AS validated
FROM ae_training_history((SELECT autoencoder_train(features,
       '{"hidden": [4], "epochs": 500, "validation_fraction": 0.25, "patience": 3, "min_delta": 0.001}') FROM bc));

-- max_seconds ends training after the epoch that passes it
SELECT count(*) < 100000 AS stopped_by_time
FROM ae_training_history((SELECT autoencoder_train(features,
       '{"hidden": [4], "epochs": 100000, "max_seconds": 0.2}') FROM bc));

-- layer-wise pretraining: pretrain-1, pretrain-2, then finetune
SELECT phase, count(*) AS epochs
FROM ae_training_history((SELECT autoencoder_train(features,
       '{"hidden": [12, 4], "pretrain": "layerwise", "pretrain_epochs": 3, "finetune_epochs": 5}') FROM bc))
GROUP BY phase ORDER BY phase;

-- verbose: one NOTICE per epoch (constant rows keep the loss at exactly 0);
-- the elapsed time is in the DETAIL, which terse verbosity leaves out
\set VERBOSITY terse
SELECT autoencoder_train(x, '{"hidden": [1], "epochs": 2, "verbose": true}') IS NOT NULL AS trained
FROM (VALUES ('{1,2}'::float8[]), ('{1,2}'), ('{1,2}')) v(x);
\set VERBOSITY default

-- the memory budget switches to a uniform sample, with a NOTICE
SELECT (ae_model_info(autoencoder_train(features, '{"hidden": [4], "epochs": 1, "max_rows": 100}'))->>'n_rows')::int AS n
FROM bc;
SET autoencoder.max_train_memory = '1MB';
SELECT (ae_model_info(autoencoder_train(x, '{"hidden": [4], "epochs": 1}'))->>'n_rows')::int AS n
FROM (SELECT array_fill(i::float8, ARRAY[100]) AS x FROM generate_series(1, 3000) i) s;
RESET autoencoder.max_train_memory;

-- statement_timeout cancels a long training promptly
SET statement_timeout = '300ms';
SELECT autoencoder_train(features, '{"hidden": [16], "epochs": 100000}') FROM bc;
RESET statement_timeout;

-- autoencoder.threads sets OpenBLAS threads per backend
SET autoencoder.threads = 0;
SET autoencoder.threads = 2;
SELECT (ae_model_info(autoencoder_train(features, '{"hidden": [8], "epochs": 2}'))->>'n_rows')::int AS n FROM bc;
RESET autoencoder.threads;
SHOW autoencoder.max_train_memory;

-- parallel aggregation merges the workers' samples
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
CREATE TABLE many AS SELECT ARRAY[sin(i), cos(i), (i % 7)::float8] AS x FROM generate_series(1, 20000) i;
SELECT (ae_model_info(autoencoder_train(x, '{"hidden": [2], "epochs": 1}'))->>'n_rows')::int AS n FROM many;
SELECT (ae_model_info(autoencoder_train(x, '{"hidden": [2], "epochs": 1, "max_rows": 500}'))->>'n_rows')::int AS n FROM many;
RESET max_parallel_workers_per_gather;
