-- test/data/models-0.1.0/score_models.sql
-- Loads models.csv and prints every scoring and introspection result for
-- the first 40 breast-cancer rows, one line each, in full float precision.
-- outputs.csv holds what 0.1.0 printed; test/scripts/upgrade.sh compares.
\set ON_ERROR_STOP 1
SET extra_float_digits = 3;
CREATE TEMP TABLE cells (id int, label int, features float8[]);
\copy cells FROM '../breast_cancer.csv' WITH (FORMAT csv, HEADER)
CREATE TEMP TABLE mh (name text, hex text);
\copy mh FROM 'models.csv' WITH (FORMAT csv)
CREATE TEMP TABLE m AS SELECT name, decode(hex, 'hex') AS model FROM mh;
CREATE TEMP TABLE x AS
SELECT id, CASE WHEN name = 'ae_bce_sigmoid' THEN (SELECT array_agg(least(f / 3000, 1)) FROM unnest(features) f) ELSE features END AS features, name, model
FROM cells, m WHERE id <= 40;
\copy (SELECT name, id, 'score', ae_anomaly_score(model, features)::text FROM x UNION ALL SELECT name, id, 'score_real', ae_anomaly_score(model, features::real[])::text FROM x UNION ALL SELECT name, id, 'encode', ae_encode(model, features)::text FROM x UNION ALL SELECT name, id, 'reconstruct', ae_reconstruct(model, features)::text FROM x UNION ALL SELECT name, id, 'reconstruct_real', ae_reconstruct(model, features::real[])::text FROM x UNION ALL SELECT name, id, 'decode', ae_decode(model, ae_encode(model, features))::text FROM x ORDER BY 1, 2, 3) TO STDOUT WITH (FORMAT csv)
\copy (SELECT name, 0, 'components', (c.component, c.eigenvalue, c.variance_ratio, c.cumulative_variance_ratio, c.loadings)::text FROM m, pca_components(model) c WHERE name LIKE 'pca%' UNION ALL SELECT name, 0, 'history', (h.epoch, h.phase, h.loss, h.val_loss, h.seconds)::text FROM m, ae_training_history(model) h WHERE name LIKE 'ae%' UNION ALL SELECT name, 0, 'weights', (w.layer, w.unit, w.weights, w.bias)::text FROM m, ae_layer_weights(model) w WHERE name LIKE 'ae%' ORDER BY 1, 2, 3, 4) TO STDOUT WITH (FORMAT csv)
