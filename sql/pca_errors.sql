-- Bad options, bad input and bad models are clear errors, never crashes.
CREATE SCHEMA test_pca_errors;
SET search_path = test_pca_errors, public;
\set VERBOSITY default
SET extra_float_digits = 0;

CREATE TABLE pts AS SELECT ARRAY[i, i % 7, i % 3]::float8[] AS x FROM generate_series(1, 20) i;

-- options: unknown key, wrong types, out of range, conflicting keys
SELECT pca_train(x, '{"component": 2}') FROM pts;
SELECT pca_train(x, '{"components": 0}') FROM pts;
SELECT pca_train(x, '{"components": 2.5}') FROM pts;
SELECT pca_train(x, '{"components": "2"}') FROM pts;
SELECT pca_train(x, '{"components": 4}') FROM pts;
SELECT pca_train(x, '{"variance": 0}') FROM pts;
SELECT pca_train(x, '{"variance": 1.5}') FROM pts;
SELECT pca_train(x, '{"scale": "minmax"}') FROM pts;
SELECT pca_train(x, '{"scale": 1}') FROM pts;
SELECT pca_train(x, '{"whiten": "yes"}') FROM pts;
SELECT pca_train(x, '{"components": 1, "variance": 0.5}') FROM pts;
SELECT pca_train(x, '[1, 2]') FROM pts;
SELECT pca_train(x, '3') FROM pts;
-- options must not change from row to row
SELECT pca_train(x, jsonb_build_object('components', 1 + (x[1] > 10)::int)) FROM pts;

-- input rows: dimensions, NULL elements, non-finite values, widths
SELECT pca_train(x) FROM (VALUES ('{{1,2},{3,4}}'::float8[])) v(x);
SELECT pca_train(x) FROM (VALUES ('{}'::float8[])) v(x);
SELECT pca_train(x) FROM (VALUES ('{1,NULL}'::float8[])) v(x);
SELECT pca_train(x) FROM (VALUES ('{1,2}'::float8[]), ('{1,NaN}')) v(x);
SELECT pca_train(x) FROM (VALUES ('{1,2}'::float8[]), ('{Infinity,1}')) v(x);
SELECT pca_train(x) FROM (VALUES ('{1,2}'::real[]), ('{-Infinity,1}')) v(x);
SELECT pca_train(x) FROM (VALUES ('{1,2}'::float8[]), ('{1,2,3}')) v(x);
SELECT pca_train(x) FROM (VALUES ('{1,2}'::float8[])) v(x);
SELECT pca_train(array_fill(1.0::float8, ARRAY[5000]));

-- scoring input: width must match the model; same checks as training
CREATE TABLE m AS SELECT pca_train(x, '{"components": 2}') AS model FROM pts;
SELECT ae_anomaly_score(model, '{1,2}'::float8[]) FROM m;
SELECT ae_encode(model, '{1,2,3,4}'::real[]) FROM m;
SELECT ae_decode(model, '{1,2,3}'::float8[]) FROM m;
SELECT ae_reconstruct(model, '{1,NULL,3}'::float8[]) FROM m;
SELECT ae_anomaly_score(model, '{1,NaN,3}'::float8[]) FROM m;
SELECT ae_encode(model, '{{1,2,3}}'::float8[]) FROM m;
SELECT ae_anomaly_score(model, NULL::float8[]) IS NULL AS strict FROM m;

-- models: anything that is not a valid model is refused with a reason
SELECT ae_model_info('\x'::bytea);
SELECT ae_model_info('hello world, this is not a model at all'::bytea);
SELECT ae_anomaly_score(substr(model, 1, 40), '{1,2,3}'::float8[]) FROM m;
SELECT ae_anomaly_score(substr(model, 1, octet_length(model) - 1), '{1,2,3}'::float8[]) FROM m;
SELECT ae_anomaly_score(model || '\x00'::bytea, '{1,2,3}'::float8[]) FROM m;
-- a flipped payload bit: checksum mismatch
SELECT ae_model_info(set_byte(model, 100, get_byte(model, 100) # 1)) FROM m;
-- a changed version byte (byte 4) without a matching checksum is damage,
-- not a newer model (a newer one, with its checksum, is below; unknown
-- flags and sections behind a valid checksum: see test/unit/test_model.c)
SELECT ae_model_info(set_byte(model, 4, 9)) FROM m;
SELECT pca_components('\x00'::bytea);

-- aggregate support functions refuse broken states and direct calls
SELECT pca_train_accum(NULL::bytea, '{1,2}'::float8[]);
SELECT pca_train_combine('\x00'::bytea, '\x00'::bytea);
SELECT pca_train_final('\x0102030405'::bytea);
SELECT pca_train_final(decode(repeat('00', 200), 'hex'));
-- an aggregate of the user's that feeds arbitrary bytes to the final function
CREATE AGGREGATE evil_pca(bytea) (SFUNC = byteacat, STYPE = bytea, FINALFUNC = pca_train_final, INITCOND = '');
SELECT evil_pca(b) FROM (VALUES ('\x0102'::bytea), (decode(repeat('ff', 500), 'hex'))) v(b);

-- models edited behind a valid checksum: recompute the CRC-32 in SQL
CREATE FUNCTION with_crc(b bytea) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE crc bigint := 4294967295; z bytea := overlay(b placing '\x00000000' from 29);
BEGIN
  FOR i IN 0..length(z) - 1 LOOP
    crc := crc # get_byte(z, i);
    FOR j IN 1..8 LOOP
      crc := CASE WHEN crc & 1 = 1 THEN (crc >> 1) # 3988292384 ELSE crc >> 1 END;
    END LOOP;
  END LOOP;
  crc := crc # 4294967295;
  RETURN overlay(z placing set_byte(set_byte(set_byte(set_byte('\x00000000'::bytea,
         0, (crc & 255)::int), 1, ((crc >> 8) & 255)::int), 2, ((crc >> 16) & 255)::int),
         3, ((crc >> 24) & 255)::int) from 29);
END $$;
SELECT with_crc(model) = model AS crc_recomputed FROM m;
-- a newer format version is refused before anything else is read
SELECT ae_model_info(with_crc(set_byte(model, 4, 9))) FROM m;
-- unknown flags, an unknown kind, absurd sizes
SELECT ae_model_info(with_crc(set_byte(model, 8, 1))) FROM m;
SELECT ae_model_info(with_crc(set_byte(model, 6, 9))) FROM m;
SELECT ae_model_info(with_crc(set_byte(model, 15, 127))) FROM m;
SELECT ae_anomaly_score(with_crc(set_byte(model, 16, 4)), '{1,2,3}'::float8[]) FROM m;
-- options that are not a JSON object (broken, or a string)
SELECT ae_model_info(with_crc(overlay(model placing '[' from position('{"comp' in model)))) FROM m;
SELECT ae_model_info(with_crc(overlay(overlay(model placing '"' from position('{"comp' in model))
                                      placing '"' from position('"robust"}' in model) + 8))) FROM m;
-- options that parse as JSON but that jsonb or a double cannot hold are
-- damage too (22P03), not a jsonb or numeric error: a \u0000 escape, a
-- number beyond double precision
SELECT ae_model_info(with_crc(overlay(model placing convert_to('"\u0000"', 'UTF8') from position('"robust"' in model)))) FROM m;
SELECT ae_anomaly_score(with_crc(overlay(model placing '1e999' from position('false' in model))), '{1,2,3}'::float8[]) FROM m;
-- history phase names ("train" followed by NUL padding) are printable ASCII,
-- as they reach SQL as text; one with a quote is valid and comes out escaped
-- in ae_model_info
CREATE TABLE am AS SELECT autoencoder_train(x, '{"hidden": [2], "epochs": 1}') AS model FROM pts;
SELECT ae_model_info(with_crc(overlay(model placing '\x01'::bytea from position('\x747261696e00'::bytea in model)))) FROM am;
SELECT ae_model_info(with_crc(overlay(model placing '\xc3'::bytea from position('\x747261696e00'::bytea in model)))) FROM am;
SELECT ae_model_info(with_crc(overlay(model placing 't"ain' from position('\x747261696e00'::bytea in model))))->>'kept_phase' FROM am;
SELECT phase FROM ae_training_history((SELECT with_crc(overlay(model placing 't"ain' from position('\x747261696e00'::bytea in model))) FROM am));

-- a hand-made state with a full batch buffer (once written past its end);
-- bytes of the SQL value on 64-bit little-endian hosts: d at 8, cap at 12, batch_n at 16
CREATE AGGREGATE grab_pca(float8[]) (SFUNC = pca_train_accum, STYPE = bytea);
CREATE TABLE st AS SELECT grab_pca(x) AS s FROM pts;
SELECT get_byte(s, 8) = 3 AND get_byte(s, 12) = 0 AND get_byte(s, 13) = 1 AS layout_as_expected FROM st;
CREATE FUNCTION make_evil_pca(s bytea) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE 'DROP AGGREGATE IF EXISTS pg_temp.evil_accum(float8[])';
  EXECUTE format('CREATE AGGREGATE pg_temp.evil_accum(float8[]) (SFUNC = pca_train_accum, STYPE = bytea, '
                 'FINALFUNC = pca_train_final, INITCOND = %L)', s::text);
END $$;
-- the real state is accepted: the edit below is what is refused
SELECT make_evil_pca(s) FROM st;
SELECT (ae_model_info(pg_temp.evil_accum(ARRAY[1, 2, 3]::float8[]))->>'n_rows')::int AS n;
SELECT make_evil_pca(set_byte(set_byte(s, 16, 0), 17, 1)) FROM st;
SELECT pg_temp.evil_accum(ARRAY[1, 2, 3]::float8[]);
