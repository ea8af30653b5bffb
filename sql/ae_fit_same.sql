-- ae_fit and autoencoder_train share one trainer: on the same rows in the
-- same order with the same options they must give the same network, bit for
-- bit: the same weights, history and scaling (so the same reconstruction of
-- every row), whether rows are shuffled or not, through the scaling modes,
-- ae_fit's streaming shuffle buffer, the validation split and layer-wise
-- pretraining.  (The models are not byte-identical: ae_fit, which never
-- holds its rows, stores no score quantiles.)
CREATE SCHEMA test_ae_fit_same;
SET search_path = test_ae_fit_same, public;
SET extra_float_digits = 0;

CREATE TABLE bc (id int PRIMARY KEY, label int, features float8[]);
\copy bc FROM 'test/data/breast_cancer.csv' WITH (FORMAT csv, HEADER)
-- more rows than ae_fit fetches at once (1000) and than one moments batch (256)
CREATE TABLE wide AS
SELECT i AS id, ARRAY[sin(i), cos(i * 0.7) * 3, (i % 11)::float8, sqrt(i), (i % 3) * 0.5]::float8[] AS features
FROM generate_series(1, 2600) i;

CREATE TABLE cases (name text, source text, options jsonb);
INSERT INTO cases VALUES
  ('defaults (shuffled)', 'bc', '{}'),
  ('no shuffle',          'bc', '{"shuffle": false}'),
  ('scale center',        'bc', '{"scale": "center"}'),
  ('scale none',          'bc', '{"scale": "none", "learning_rate": 0.0001}'),
  ('deep, tied',          'bc', '{"hidden": [8, 3], "tied_weights": true, "activation": "tanh"}'),
  ('validation split',    'bc', '{"validation_fraction": 0.2, "patience": 2}'),
  ('layer-wise',          'bc', '{"hidden": [8, 3], "pretrain": "layerwise", "pretrain_epochs": 2, "finetune_epochs": 2}'),
  ('2600 rows',           'wide', '{"batch_size": 32}'),
  ('2600 rows, no shuffle', 'wide', '{"shuffle": false, "scale": "center"}');

-- ae_fit streams with a shuffle buffer: a buffer holding every row shuffles
-- like the aggregate; without shuffling any buffer that is a multiple of
-- batch_size gives the same mini-batches
CREATE TABLE fit_options (name text, extra jsonb);
INSERT INTO fit_options VALUES ('default buffer', '{}'), ('buffer of 128 rows', '{"shuffle_buffer": 128}');

CREATE TABLE models AS
SELECT c.name, f.name AS fit, c.source, c.options,
       CASE c.source
         WHEN 'bc' THEN (SELECT autoencoder_train(features, o.opts ORDER BY id) FROM bc)
         ELSE (SELECT autoencoder_train(features, o.opts ORDER BY id) FROM wide) END AS agg,
       (SELECT model FROM ae_fit(format('SELECT features FROM test_ae_fit_same.%I ORDER BY id', c.source),
                                  o.opts || f.extra) WHERE model IS NOT NULL) AS fit_model
FROM cases c CROSS JOIN fit_options f,
     LATERAL (SELECT '{"hidden": [4], "epochs": 3, "record_timings": false}' || c.options AS opts) o
WHERE f.extra = '{}' OR (c.options->>'shuffle') = 'false';

SELECT m.name, m.fit,
       CASE m.source
         WHEN 'bc' THEN (SELECT bool_and(ae_reconstruct(m.agg, features) = ae_reconstruct(m.fit_model, features)) FROM bc)
         ELSE (SELECT bool_and(ae_reconstruct(m.agg, features) = ae_reconstruct(m.fit_model, features)) FROM wide) END
         AS same_reconstructions,
       (SELECT string_agg(weights::text || bias, ';' ORDER BY layer, unit) FROM ae_layer_weights(m.agg)) =
       (SELECT string_agg(weights::text || bias, ';' ORDER BY layer, unit) FROM ae_layer_weights(m.fit_model)) AS same_weights,
       (SELECT array_agg(row(phase, epoch, loss, val_loss)::text ORDER BY phase, epoch) FROM ae_training_history(m.agg)) =
       (SELECT array_agg(row(phase, epoch, loss, val_loss)::text ORDER BY phase, epoch) FROM ae_training_history(m.fit_model))
         AS same_history,
       (SELECT count(*) FROM ae_training_history(m.agg)) AS epochs
FROM models m ORDER BY m.name, m.fit;

-- the aggregate in a different row order is a different model (the test
-- above compares like with like)
SELECT (SELECT autoencoder_train(features, '{"hidden": [4], "epochs": 3, "record_timings": false}' ORDER BY id DESC) FROM bc) <>
       (SELECT agg FROM models WHERE name = 'defaults (shuffled)') AS order_matters;
