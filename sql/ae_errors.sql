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

-- hand-made states that once overflowed buffers or ran uninterruptibly;
-- field offsets follow the state structs on 64-bit little-endian hosts
-- (bytes of the SQL value: d at 8, width at 12, seen at 28, stored at 36, max_rows at 44;
-- the rows, 3 floats each, end the value)
CREATE FUNCTION set_le(b bytea, off int, v bigint, n int) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT overlay(b placing (SELECT string_agg(set_byte('\x00'::bytea, 0, ((v >> (8 * i)) & 255)::int), ''
                                              ORDER BY i) FROM generate_series(0, n - 1) i) from off + 1)
$$;
CREATE AGGREGATE grab_ae(float8[], jsonb) (SFUNC = autoencoder_train_accum, STYPE = bytea);
CREATE TABLE st AS SELECT grab_ae(x, '{"hidden": [2]}') AS s FROM pts;
SELECT get_byte(s, 0) = 65 AND get_byte(s, 8) = 3 AS layout_as_expected FROM st;
CREATE FUNCTION try_ae_state(s bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE AGGREGATE pg_temp.evil_accum(float8[], jsonb) (SFUNC = autoencoder_train_accum, '
                 'STYPE = bytea, FINALFUNC = autoencoder_train_final, INITCOND = %L)', s::text);
  PERFORM pg_temp.evil_accum(ARRAY[1, 2, 3]::float8[], '{"hidden": [2]}') FROM generate_series(1, 3);
  DROP AGGREGATE pg_temp.evil_accum(float8[], jsonb);
  RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
-- the real state is accepted: the edits below are what is refused
SELECT try_ae_state(s) FROM st;
-- no rows (stored 0)
SELECT try_ae_state(set_le(set_le(substr(s, 1, octet_length(s) - 12 * (SELECT count(*)::int FROM pts)), 28, 0, 8), 36, 0, 8))
FROM st;
-- a sample (seen > stored) smaller than its limit
SELECT try_ae_state(set_le(s, 28, 1000, 8)) FROM st;
-- rows narrower than the input
SELECT try_ae_state(set_le(s, 12, 2, 4)) FROM st;
-- absurd counts: 2^61 rows seen and allowed
SELECT try_ae_state(set_le(set_le(s, 28, 2305843009213693952, 8), 44, 2305843009213693952, 8)) FROM st;

-- rows are held out for validation by a hash of their values, so identical
-- rows go together: with one distinct row, about validation_fraction of the
-- seeds hold out everything, and the error says why (not "no rows")
DO $$
DECLARE
	s int;
	held_out int := 0;
	other int := 0;
BEGIN
	FOR s IN 1..40 LOOP
		BEGIN
			PERFORM autoencoder_train(ARRAY[1, 2, 3, 4]::float8[],
				format('{"hidden": [2], "epochs": 1, "validation_fraction": 0.2, "seed": %s}', s)::jsonb)
			FROM generate_series(1, 200);
		EXCEPTION WHEN OTHERS THEN
			IF SQLSTATE = '22000' AND SQLERRM LIKE 'autoencoder_train: all 200 rows fell into the validation share%' THEN
				held_out := held_out + 1;
			ELSE
				other := other + 1;
			END IF;
		END;
	END LOOP;
	RAISE NOTICE 'seeds holding out every row: %, other errors: %', held_out, other;
END $$;
