-- test/data/models-0.1.0/make_models.sql
-- Writes models.csv (name, model as hex) with the extension at version 0.1.0
-- installed; outputs.csv is then written by score_models.sql.  Kept so that
-- every later version is tested to read and score these models identically.
\set ON_ERROR_STOP 1
CREATE TEMP TABLE cells (id int, label int, features float8[]);
\copy cells FROM '../breast_cancer.csv' WITH (FORMAT csv, HEADER)
-- features divided by their column maximum: data in [0, 1] for bce
CREATE TEMP TABLE unit AS
SELECT id, label, (SELECT array_agg(f / mx ORDER BY i)
                   FROM unnest(features) WITH ORDINALITY u(f, i)
                   JOIN (SELECT i2, max(f2) mx FROM cells, unnest(features) WITH ORDINALITY v(f2, i2) GROUP BY i2) m ON m.i2 = u.i) AS features
FROM cells;
CREATE TEMP TABLE m (name text, model bytea);
INSERT INTO m SELECT 'pca_default', pca_train(features) FROM cells WHERE label = 0;
INSERT INTO m SELECT 'pca_center_whiten', pca_train(features, '{"components": 4, "scale": "center", "whiten": true}') FROM cells;
INSERT INTO m SELECT 'pca_none_real', pca_train(features::real[], '{"components": 3, "scale": "none"}') FROM cells;
INSERT INTO m SELECT 'ae_default', autoencoder_train(features, '{"epochs": 20, "record_timings": false}') FROM cells WHERE label = 0;
INSERT INTO m SELECT 'ae_deep_tied_tanh', autoencoder_train(features, '{"hidden": [16, 4], "tied_weights": true, "activation": "tanh", "epochs": 20, "optimizer": "rmsprop", "record_timings": false}') FROM cells;
INSERT INTO m SELECT 'ae_layerwise_elu', autoencoder_train(features, '{"hidden": [12, 6, 3], "activation": "elu", "pretrain": "layerwise", "pretrain_epochs": 3, "finetune_epochs": 5, "scale": "center", "record_timings": false}') FROM cells;
INSERT INTO m SELECT 'ae_bce_sigmoid', autoencoder_train(features, '{"hidden": [8], "loss": "bce", "scale": "none", "activation": "sigmoid", "optimizer": "momentum", "nesterov": true, "epochs": 10, "record_timings": false}') FROM unit;
INSERT INTO m SELECT 'ae_patience_leaky', autoencoder_train(features::real[], '{"hidden": [10, 5], "activation": "leaky_relu", "validation_fraction": 0.2, "patience": 3, "epochs": 200, "l2": 0.001, "record_timings": false}') FROM cells;
INSERT INTO m SELECT 'ae_sgd_linear', autoencoder_train(features, '{"hidden": [5], "activation": "linear", "optimizer": "adadelta", "batch_size": 16, "epochs": 5, "shuffle": false, "record_timings": false}') FROM cells;
\copy (SELECT name, encode(model, 'hex') FROM m ORDER BY name) TO 'models.csv' WITH (FORMAT csv)
