-- Bad autoencoder options and inputs are clear errors.
CREATE SCHEMA test_ae_errors;
SET search_path = test_ae_errors, public;
\set VERBOSITY default
CREATE TABLE pts AS SELECT ARRAY[i, i % 7, i % 3]::float8[] AS x FROM generate_series(1, 20) i;

SELECT autoencoder_train(x, '{"hiden": [2]}') FROM pts;
SELECT autoencoder_train(x, '{"hidden": []}') FROM pts;
SELECT autoencoder_train(x, '{"hidden": 4}') FROM pts;
SELECT autoencoder_train(x, '{"hidden": [2, 0]}') FROM pts;
SELECT autoencoder_train(x, '{"hidden": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}') FROM pts;
SELECT autoencoder_train(x, '{"activation": "softmax"}') FROM pts;
SELECT autoencoder_train(x, '{"optimizer": "lbfgs"}') FROM pts;
SELECT autoencoder_train(x, '{"loss": "mae"}') FROM pts;
SELECT autoencoder_train(x, '{"loss": "bce", "output_activation": "linear"}') FROM pts;
SELECT autoencoder_train(x, '{"nesterov": true}') FROM pts;
SELECT autoencoder_train(x, '{"pretrain_epochs": 3}') FROM pts;
SELECT autoencoder_train(x, '{"learning_rate": 0}') FROM pts;
SELECT autoencoder_train(x, '{"batch_size": 0}') FROM pts;
SELECT autoencoder_train(x, '{"epochs": 1.5}') FROM pts;
SELECT autoencoder_train(x, '{"validation_fraction": 0.95}') FROM pts;
SELECT autoencoder_train(x, '{"l2": -1}') FROM pts;
SELECT autoencoder_train(x, '{"seed": -1}') FROM pts;
SELECT autoencoder_train(x, '{"max_rows": 1}') FROM pts;
SELECT autoencoder_train(x, '{"shuffle_buffer": 100}') FROM pts;
SELECT autoencoder_train(x, '{"tied_weights": "yes"}') FROM pts;
SELECT autoencoder_train(x) FROM (VALUES ('{1,2}'::float8[]), ('{1,2,3}')) v(x);
SELECT autoencoder_train(x) FROM (VALUES ('{1,2}'::float8[])) v(x);
SELECT autoencoder_train(x) FROM (VALUES ('{1,2}'::float8[]), ('{1,Infinity}')) v(x);
SELECT autoencoder_train(x, jsonb_build_object('epochs', 1 + (x[1] > 10)::int)) FROM pts;

-- pca-only and autoencoder-only functions say which kind they need
CREATE TABLE m AS SELECT autoencoder_train(x, '{"hidden": [2], "epochs": 1}') AS ae,
                         pca_train(x, '{"components": 2}') AS pca FROM pts;
SELECT pca_components(ae) FROM m;
SELECT ae_layer_weights(pca) FROM m;
SELECT count(*) AS pca_history_rows FROM m, ae_training_history(pca);
SELECT ae_encode(ae, '{1,2}'::float8[]) FROM m;

-- a damaged autoencoder model is refused (network validation itself: test/unit/test_nn.c)
SELECT ae_model_info(set_byte(ae, octet_length(ae) - 200, 255)) FROM m;

-- aggregate support functions refuse broken states and direct calls
SELECT autoencoder_train_accum(NULL::bytea, '{1,2}'::float8[]);
SELECT autoencoder_train_combine('\x00'::bytea, '\x00'::bytea);
SELECT autoencoder_train_final('\x0102030405'::bytea);
SELECT autoencoder_train_final(decode(repeat('00', 300), 'hex'));
-- an aggregate of the user's that feeds arbitrary bytes to the final function
CREATE AGGREGATE evil_ae(bytea) (SFUNC = byteacat, STYPE = bytea, FINALFUNC = autoencoder_train_final, INITCOND = '');
SELECT evil_ae(b) FROM (VALUES ('\x0102'::bytea), (decode(repeat('ff', 500), 'hex'))) v(b);
