-- Convolutional autoencoders: rows read as images by "input_shape", the
-- encoder's blocks in "conv", the decoder mirroring them.
CREATE SCHEMA test_conv;
SET search_path = test_conv, public;
SET extra_float_digits = 0;
CREATE TABLE raw (line text);
\copy raw FROM 'test/data/digits.csv' WITH (FORMAT text)
-- the first 400 digits, pixels / 16 in [0, 1]
CREATE TABLE digits AS
SELECT n AS id, (SELECT array_agg(v::float8 / 16 ORDER BY o) FROM unnest(p[1:64]) WITH ORDINALITY u(v, o)) AS px
FROM (SELECT row_number() OVER () AS n, string_to_array(line, ',') AS p FROM raw WHERE line NOT LIKE 'p0,%') s
WHERE n <= 400;

CREATE TABLE models (name text PRIMARY KEY, model bytea);
INSERT INTO models
SELECT 'conv', autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 4}, {"filters": 2}],
  "epochs": 3, "scale": "none", "output_activation": "sigmoid", "record_timings": false}' ORDER BY id) FROM digits UNION ALL
SELECT 'conv_again', autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 4}, {"filters": 2}],
  "epochs": 3, "scale": "none", "output_activation": "sigmoid", "record_timings": false}' ORDER BY id) FROM digits UNION ALL
SELECT 'dense_code', autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 3, "kernel": 5, "pool": 4}],
  "hidden": [6], "epochs": 2, "variant": "denoising", "optimizer": "rmsprop", "patience": 1, "validation_fraction": 0.2}' ORDER BY id) FROM digits;

-- Parameters by hand for [{"filters": 4}, {"filters": 2}] (3x3 kernels,
-- pool 2): encoder 4*9*1 + 4 = 40 and 2*9*4 + 2 = 74; decoder 2*9*2 + 2 = 38,
-- 4*9*2 + 4 = 76 and the output convolution 1*9*4 + 1 = 37: 265.  The code
-- is the 2x2x2 output of the second pooling: 8 values.  dense_code: 3*25 + 3
-- = 78, the 2x2x3 stack (12) to 6 and back (78 + 84), the mirrored 5x5
-- convolution 3*25*3 + 3 = 228 and the output's 1*25*3 + 1 = 76: 544, code 6.
SELECT name, info->'n_components' AS k, info->'n_parameters' AS params, info->'code_layer' AS code_layer,
       info->'input_shape' AS input_shape, info->'conv' AS conv, info->'hidden' AS hidden
FROM models, ae_model_info(model) info ORDER BY name;
SELECT l->'layer' AS layer, l->>'kind' AS kind, l->'input' AS input, l->'output' AS output,
       coalesce(l->'kernel', l->'size') AS size, l->>'activation' AS act, l->'parameters' AS params
FROM models, jsonb_array_elements(ae_model_info(model)->'layers') l WHERE name = 'conv';
SELECT sum((l->>'parameters')::int) = (ae_model_info(model)->>'n_parameters')::int AS layers_add_up
FROM models, jsonb_array_elements(ae_model_info(model)->'layers') l GROUP BY name, model ORDER BY name;
SELECT ae_model_info(model)->'options'->'conv' AS conv_options,
       ae_model_info(model)->'options'->'input_shape' AS shape_option
FROM models WHERE name = 'conv';

-- the same options and seed give the same model, byte for byte
SELECT a.model = b.model AS deterministic FROM models a, models b WHERE a.name = 'conv' AND b.name = 'conv_again';

-- ae_layer_weights: one row per filter, kernel x kernel x channels
SELECT layer, count(*) AS filters, array_dims(min(weights)) AS dims
FROM models, ae_layer_weights(model) WHERE name = 'conv' GROUP BY layer ORDER BY layer;
-- the filters and biases are all the parameters
SELECT name, sum(cardinality(weights) + 1) AS stored, min((ae_model_info(model)->>'n_parameters')::int) AS params
FROM models, ae_layer_weights(model) GROUP BY name ORDER BY name;

-- scoring: codes of the code layer's width, reconstructions of the row's,
-- and the score is their mean squared error (scale none: the same space)
SELECT name, min(cardinality(ae_encode(model, px))) AS k, min(cardinality(ae_reconstruct(model, px))) AS d,
       max(abs(ae_anomaly_score(model, px) -
               (SELECT avg((a - b) ^ 2) FROM unnest(ae_reconstruct(model, px), px) u(a, b)))) < 1e-9 AS score_is_mse
FROM models, digits WHERE name <> 'dense_code' GROUP BY name ORDER BY name;
-- decode(encode(x)) = reconstruct(x)
SELECT max(abs(a - b)) < 1e-6 AS decode_of_encode
FROM models, digits, unnest(ae_decode(model, ae_encode(model, px)), ae_reconstruct(model, px)) u(a, b)
WHERE name = 'conv';
-- training went somewhere: the last epoch's loss below the first's
SELECT name, (array_agg(loss ORDER BY epoch DESC))[1] < (array_agg(loss ORDER BY epoch))[1] AS learned
FROM models, ae_training_history(model) WHERE name = 'conv' GROUP BY name;

-- ae_fit takes the same options
SELECT epoch, (ae_model_info(model)->'n_parameters')::int AS params
FROM ae_fit('SELECT px FROM test_conv.digits ORDER BY id',
            '{"input_shape": [8, 8, 1], "conv": [{"filters": 4}, {"filters": 2}], "epochs": 2, "record_timings": false}')
WHERE model IS NOT NULL;

-- errors name the option
\set VERBOSITY default
SELECT autoencoder_train(px, '{"conv": [{"filters": 8}]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8], "conv": [{"filters": 8}]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 2], "conv": [{"filters": 8}]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": []}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": {"filters": 8}}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [3]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"kernel": 3}]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 8, "stride": 2}]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 8, "kernel": 2}]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 8, "kernel": 17}]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 8, "pool": 3}]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 8}, {"filters": 8}, {"filters": 8}, {"filters": 8}]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 1}, {"filters": 1}, {"filters": 1}, {"filters": 1}, {"filters": 1}]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 8}], "tied_weights": true}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 8}], "variant": "variational"}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 8}], "pretrain": "layerwise"}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 8}], "l1_activity": 0.1}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 8}], "hidden": [4, 4, 4, 4, 4]}') FROM digits;
-- limits: 54000 before anything is allocated
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 1024, "pool": 1}]}') FROM digits;
\set VERBOSITY sqlstate
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 1], "conv": [{"filters": 1024, "pool": 1}]}') FROM digits;
SELECT autoencoder_train(px, '{"input_shape": [8, 8, 2], "conv": [{"filters": 8}]}') FROM digits;
\set VERBOSITY default

DROP SCHEMA test_conv CASCADE;
