-- ae_fit streams a query through a cursor on every epoch and returns one
-- row per epoch, with the model on the last row.
CREATE SCHEMA test_ae_fit;
SET search_path = test_ae_fit, public;
SET extra_float_digits = 0;

CREATE TABLE bc (id int PRIMARY KEY, label int, features float8[]);
\copy bc FROM 'test/data/breast_cancer.csv' WITH (FORMAT csv, HEADER)

-- one row per epoch; only the last carries the model
SELECT epoch, phase, loss > 0 AS has_loss, val_loss IS NULL AS no_val, seconds >= 0 AS timed,
       model IS NOT NULL AS has_model
FROM ae_fit('SELECT features FROM bc', '{"hidden": [8], "epochs": 3}');

-- the model is an ordinary autoencoder model
CREATE TABLE fitted AS
SELECT model FROM ae_fit('SELECT features FROM bc', '{"hidden": [8, 3], "epochs": 5, "seed": 3}')
WHERE model IS NOT NULL;
SELECT info->>'kind' AS kind, info->'n_rows' AS n, info->'n_components' AS k, info->'epochs_run' AS epochs
FROM fitted, ae_model_info(model) info;
SELECT count(*) AS epochs FROM fitted, ae_training_history(model);
SELECT count(*) AS scored FROM bc, fitted WHERE ae_anomaly_score(model, features) > 0;

-- streaming: a shuffle buffer much smaller than the table still sees every row
SELECT epoch, model IS NOT NULL AS has_model, (ae_model_info(model)->>'n_rows')::int AS n
FROM ae_fit('SELECT features FROM bc', '{"hidden": [4], "epochs": 2, "shuffle_buffer": 50, "batch_size": 16}');

-- the same data order, options and seed give the same model, byte for byte
-- once timings are left out
SELECT (SELECT model FROM ae_fit('SELECT features FROM bc ORDER BY id',
                                 '{"hidden": [4], "epochs": 3, "record_timings": false}') WHERE model IS NOT NULL) =
       (SELECT model FROM ae_fit('SELECT features FROM bc ORDER BY id',
                                 '{"hidden": [4], "epochs": 3, "record_timings": false}') WHERE model IS NOT NULL)
       AS deterministic;

-- validation split, early stopping and layer-wise phases
SELECT count(*) < 300 AS stopped_early, bool_and(val_loss IS NOT NULL) AS validated,
       count(*) FILTER (WHERE model IS NOT NULL) AS models
FROM ae_fit('SELECT features FROM bc',
            '{"hidden": [4], "epochs": 300, "validation_fraction": 0.25, "patience": 3, "min_delta": 0.001}');
SELECT phase, count(*) FROM ae_fit('SELECT features FROM bc',
  '{"hidden": [8, 2], "pretrain": "layerwise", "pretrain_epochs": 2, "finetune_epochs": 3}')
GROUP BY phase ORDER BY phase;

-- a LIMIT stops training early, and NULL rows are skipped
SELECT count(*) FROM (SELECT * FROM ae_fit('SELECT features FROM bc', '{"epochs": 1000}') LIMIT 2) s;
SELECT (ae_model_info(model)->>'n_rows')::int AS n
FROM ae_fit('SELECT x FROM (VALUES (''{1,2}''::float8[]), (NULL), (''{2,1}''), (''{3,3}'')) v(x)',
            '{"hidden": [1], "epochs": 1}') WHERE model IS NOT NULL;

-- the query runs with the caller's privileges
SET client_min_messages = warning;
DROP ROLE IF EXISTS ae_fit_user;
RESET client_min_messages;
CREATE ROLE ae_fit_user;
GRANT USAGE ON SCHEMA test_ae_fit TO ae_fit_user;
SET ROLE ae_fit_user;
SELECT count(*) FROM ae_fit('SELECT features FROM bc', '{"epochs": 1}');
RESET ROLE;
GRANT SELECT ON bc TO ae_fit_user;
SET ROLE ae_fit_user;
SELECT count(*) FROM ae_fit('SELECT features FROM bc', '{"epochs": 1}');
RESET ROLE;
DROP OWNED BY ae_fit_user;
DROP ROLE ae_fit_user;

-- bad queries and options
SELECT * FROM ae_fit('SELECT id FROM bc', '{}');
SELECT * FROM ae_fit('SELECT features, id FROM bc', '{}');
SELECT * FROM ae_fit('SELECT features FROM bc WHERE false', '{}');
SELECT * FROM ae_fit('SELECT features FROM bc LIMIT 1', '{}');
SELECT * FROM ae_fit('DELETE FROM bc', '{}');
SELECT * FROM ae_fit('SELECT ''{1,NaN}''::float8[]', '{}');
SELECT * FROM ae_fit('SELECT features FROM bc', '{"max_rows": 10}');
SELECT * FROM ae_fit('SELECT features FROM bc', '{"shuffle_buffer": 0}');
SELECT * FROM ae_fit('SELECT x FROM (VALUES (''{1,2}''::float8[]), (''{1,2,3}'')) v(x)', '{}');
SELECT * FROM ae_fit(NULL, '{}');
SELECT count(*) FROM ae_fit('SELECT features FROM bc', NULL);
