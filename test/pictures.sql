-- test/pictures.sql: run by test/pictures.sh from the repository root, with
-- the psql variable out (the directory for the plot data it then draws).
-- Trains a dense and two convolutional autoencoders on the bundled 8x8
-- digits (every fifth row held out), reconstructs one held-out digit of
-- each class with 30% of its pixels zeroed, and writes the pixel grids and
-- the first layers' weights as gnuplot matrices.
\set ON_ERROR_STOP on
CREATE EXTENSION IF NOT EXISTS autoencoder;
\i test/scripts/lib/digits.sql

\echo 'Training a dense and two convolutional autoencoders on 1438 digits (30 epochs each):'
CREATE TEMP TABLE arch (name text, label text, opts jsonb);
INSERT INTO arch VALUES
 ('dense', 'dense [16]', '{"hidden": [16]}'),
 ('conv', 'conv 3x3x16, pool 2, 3x3x1', '{"activation": "elu", "input_shape": [8, 8, 1], "conv": [{"filters": 16}, {"filters": 1, "pool": 1}]}'),
 ('dconv', 'denoising conv (the same)', '{"activation": "elu", "input_shape": [8, 8, 1], "conv": [{"filters": 16}, {"filters": 1, "pool": 1}], "variant": "denoising", "noise": {"type": "masking", "rate": 0.3}}');
CREATE TEMP TABLE models AS
SELECT name, label, autoencoder_train(px, opts || '{"epochs": 30, "learning_rate": 0.003, "output_activation": "sigmoid", "scale": "none"}' ORDER BY id) AS model
FROM digits, arch WHERE id % 5 <> 0 GROUP BY name, label, opts;
CREATE TEMP TABLE test AS
SELECT id, digit, px, (SELECT array_agg(CASE WHEN abs(hashint8(id * 64 + o)) % 10 < 3 THEN 0 ELSE v END ORDER BY o)
                       FROM unnest(px) WITH ORDINALITY u(v, o)) AS noisy
FROM digits WHERE id % 5 = 0;
SELECT label AS model, (ae_model_info(model)->>'n_parameters')::int AS parameters,
       round(avg(ae_anomaly_score(model, px))::numeric, 4) AS "held-out error",
       round(avg((SELECT avg((a - b) ^ 2) FROM unnest(ae_reconstruct(model, noisy), px) u(a, b)))::numeric, 4) AS "noisy → clean error"
FROM models, test GROUP BY name, label, model ORDER BY array_position(ARRAY['dense', 'conv', 'dconv'], name);

-- one held-out digit of each class: rows original, noisy, then each model's
-- reconstruction of the noisy digit; 8x8 pixels and a 2-pixel gap
CREATE TEMP TABLE shown AS SELECT DISTINCT ON (digit) * FROM test ORDER BY digit, id;
CREATE TEMP TABLE tiles AS
SELECT 0 AS r, digit AS c, px AS img FROM shown UNION ALL
SELECT 1, digit, noisy FROM shown UNION ALL
SELECT CASE name WHEN 'dense' THEN 2 WHEN 'conv' THEN 3 ELSE 4 END, digit, ae_reconstruct(model, noisy)
FROM shown, models;

\pset format unaligned
\pset tuples_only on
\pset fieldsep ' '
\o :out/digits.dat
SELECT string_agg(CASE WHEN gy % 10 < 8 AND gx % 10 < 8
                       THEN round(greatest(0, least(1, t.img[(gy % 10) * 8 + gx % 10 + 1]))::numeric, 4)::text
                       ELSE '0' END, ' ' ORDER BY gx)
FROM generate_series(0, 5 * 10 - 3) gy CROSS JOIN generate_series(0, 10 * 10 - 3) gx
JOIN tiles t ON t.r = gy / 10 AND t.c = gx / 10
GROUP BY gy ORDER BY gy;
-- first-layer weights, each unit scaled by its largest magnitude: the dense
-- network's 16 units as 8x8 images, the convolution's 16 filters as 3x3
\o :out/dense_weights.dat
SELECT string_agg(CASE WHEN gy % 10 < 8 AND gx % 10 < 8
                       THEN round((w.weights[(gy % 10) * 8 + gx % 10 + 1] / w.m)::numeric, 4)::text
                       ELSE '0' END, ' ' ORDER BY gx)
FROM generate_series(0, 2 * 10 - 3) gy CROSS JOIN generate_series(0, 8 * 10 - 3) gx
JOIN (SELECT unit, weights, (SELECT max(abs(v)) FROM unnest(weights) v) AS m
      FROM models, ae_layer_weights(model) WHERE name = 'dense' AND layer = 1) w
  ON w.unit - 1 = (gy / 10) * 8 + gx / 10
GROUP BY gy ORDER BY gy;
\o :out/conv_filters.dat
SELECT string_agg(CASE WHEN gy % 4 < 3 AND gx % 4 < 3
                       THEN round((w.weights[gy % 4 + 1][gx % 4 + 1][1] / w.m)::numeric, 4)::text
                       ELSE '0' END, ' ' ORDER BY gx)
FROM generate_series(0, 2 * 4 - 2) gy CROSS JOIN generate_series(0, 8 * 4 - 2) gx
JOIN (SELECT unit, weights, (SELECT max(abs(v)) FROM unnest(weights) v) AS m
      FROM models, ae_layer_weights(model) WHERE name = 'conv' AND layer = 1) w
  ON w.unit - 1 = (gy / 4) * 8 + gx / 4
GROUP BY gy ORDER BY gy;
\o
