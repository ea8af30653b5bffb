-- Held-out reconstruction error of dense and convolutional autoencoders on
-- the bundled 8x8 digits (every fifth row held out), by architecture, over
-- seeds: what README "Convolutional autoencoders" quotes.  Not a test.  Run
-- from the repository root in a database with the extension:
--   psql -v epochs=60 -v seeds=3 -v lr=0.003 -f test/bench/conv_digits_sweep.sql
-- (measured 2026-11-23: dense [16] 0.0115, dense [64, 16] 0.0111, the
-- convolutional ones 0.0182 to 0.0261; about 2 minutes on one core).
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/data/digits.csv' WITH (FORMAT text)
CREATE TEMP TABLE digits AS
SELECT n AS id, (SELECT array_agg(v::float8 / 16 ORDER BY o) FROM unnest(p[1:64]) WITH ORDINALITY u(v, o)) AS px
FROM (SELECT row_number() OVER () AS n, string_to_array(line, ',') AS p FROM raw WHERE line NOT LIKE 'p0,%') s;
CREATE TEMP TABLE test AS SELECT id, px FROM digits WHERE id % 5 = 0;
CREATE TEMP TABLE arch (kind text, opts jsonb);
INSERT INTO arch VALUES
 ('dense16', '{"hidden": [16]}'),
 ('dense64-16', '{"hidden": [64, 16]}'),
 ('c8-4', '{"input_shape": [8, 8, 1], "conv": [{"filters": 8}, {"filters": 4}]}'),
 ('c16-4x4x1', '{"input_shape": [8, 8, 1], "conv": [{"filters": 16}, {"filters": 1, "pool": 1}]}'),
 ('c16-8+d16', '{"input_shape": [8, 8, 1], "conv": [{"filters": 16}, {"filters": 8}], "hidden": [16]}'),
 ('c32-16-4', '{"input_shape": [8, 8, 1], "conv": [{"filters": 32}, {"filters": 16}, {"filters": 4, "pool": 1}]}');
CREATE TEMP TABLE m AS
SELECT s AS seed, kind, autoencoder_train(px, jsonb_build_object('seed', s, 'epochs', :epochs, 'learning_rate', :lr, 'output_activation', 'sigmoid', 'scale', 'none') || opts ORDER BY id) AS model
FROM digits, generate_series(1, :seeds) s, arch WHERE id % 5 <> 0 GROUP BY s, kind, opts;
SELECT kind, min((ae_model_info(model)->'n_parameters')::int) AS params, min(ae_model_info(model)->>'n_components') k,
  round(avg(e)::numeric, 5) AS mean_mse, round(min(e)::numeric, 5) lo, round(max(e)::numeric, 5) hi
FROM (SELECT kind, seed, model, avg(ae_anomaly_score(model, px)) e FROM m, test GROUP BY kind, seed, model) s GROUP BY kind ORDER BY mean_mse;
