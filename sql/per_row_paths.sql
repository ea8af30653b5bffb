-- The per-row fast paths of training and scoring (issue 8): options checked
-- once when they are a constant, the input conversion's single finiteness
-- test per row, models passed inline matched by address and header, and
-- result arrays built in one allocation.  Each check compares the fast path
-- with an answer that does not take it.
CREATE SCHEMA test_per_row;
SET search_path = test_per_row, public;
SET extra_float_digits = 0;

CREATE TABLE bc (id int PRIMARY KEY, label int, features float8[]);
\copy bc FROM 'test/data/breast_cancer.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE models (name text PRIMARY KEY, model bytea);
INSERT INTO models SELECT 'k5', pca_train(features, '{"components": 5}') FROM bc;
INSERT INTO models SELECT 'k4', pca_train(features, '{"components": 4}') FROM bc;

-- options as a constant are checked once; options that change between rows
-- are still refused (a column, not a constant)
CREATE FUNCTION eigenvalues(m bytea) RETURNS float8[] LANGUAGE sql AS
$$ SELECT array_agg(eigenvalue ORDER BY component) FROM pca_components(m) $$;
WITH t AS (SELECT pca_train(features, '{"components": 5}') AS m FROM bc)
SELECT eigenvalues(m) = eigenvalues((SELECT model FROM models WHERE name = 'k5')) AS same_model FROM t;
-- (the same on the first rows of the scan, different later: a check that
-- looked only at the second row would miss it)
SELECT pca_train(features, ('{"components": ' || CASE WHEN id <= 3 THEN 4 ELSE 5 END || '}')::jsonb) FROM bc;
-- a constant the same on every row but written per row is accepted
WITH t AS (SELECT pca_train(features, ('{"components": ' || 5 || '}')::jsonb) AS m FROM bc)
SELECT eigenvalues(m) = eigenvalues((SELECT model FROM models WHERE name = 'k5')) AS same_model FROM t;

-- the two models have the same length and differ in their bytes (and checksum)
SELECT octet_length(a.model) = octet_length(b.model) AS same_length, a.model <> b.model AS different
FROM models a, models b WHERE a.name = 'k5' AND b.name = 'k4';

-- a model built per row (|| ''::bytea) in memory that is reset from row to
-- row arrives at the same address with different bytes when nothing else
-- allocates between calls (one call site alone in the query): each row
-- still gets its own model
CREATE TABLE fast AS
SELECT id, ae_anomaly_score(CASE WHEN id % 2 = 0 THEN k5.model ELSE k4.model END || ''::bytea, features) AS score
FROM bc, (SELECT model FROM models WHERE name = 'k5') k5, (SELECT model FROM models WHERE name = 'k4') k4;
SELECT count(*) FILTER (WHERE f.score <> CASE WHEN id % 2 = 0 THEN ae_anomaly_score(k5.model, features)
                                              ELSE ae_anomaly_score(k4.model, features) END) AS mismatches,
       count(*) AS rows
FROM fast f JOIN bc USING (id), (SELECT model FROM models WHERE name = 'k5') k5,
     (SELECT model FROM models WHERE name = 'k4') k4;

-- the same for codes and reconstructions, as real[] and double precision[]
SELECT count(*) FILTER (WHERE ae_encode(CASE WHEN id % 3 = 0 THEN k5.model ELSE k4.model END || ''::bytea,
                                        features::real[]) <>
                              CASE WHEN id % 3 = 0 THEN ae_encode(k5.model, features::real[])
                                   ELSE ae_encode(k4.model, features::real[]) END) AS code_mismatches,
       count(*) FILTER (WHERE ae_reconstruct(CASE WHEN id % 3 = 0 THEN k5.model ELSE k4.model END || ''::bytea,
                                             features) <>
                              CASE WHEN id % 3 = 0 THEN ae_reconstruct(k5.model, features)
                                   ELSE ae_reconstruct(k4.model, features) END) AS reconstruction_mismatches
FROM bc, (SELECT model FROM models WHERE name = 'k5') k5, (SELECT model FROM models WHERE name = 'k4') k4;

-- result arrays: the input's element type, one dimension from 1, no NULLs
SELECT pg_typeof(ae_encode(model, features::real[])) AS real_in, pg_typeof(ae_encode(model, features)) AS double_in,
       array_dims(ae_encode(model, features)) AS code_dims, array_dims(ae_reconstruct(model, features::real[])) AS rec_dims,
       array_position(ae_encode(model, features), NULL) IS NULL AS no_nulls
FROM models, bc WHERE name = 'k5' AND id = 1;

-- a non-finite element is reported by position wherever it is in the row
-- (first, middle, last) and whatever the element type
SELECT ae_anomaly_score(model, array_cat(ARRAY['NaN']::float8[], features[2:30])) FROM models, bc WHERE name = 'k5' AND id = 1;
SELECT ae_anomaly_score(model, array_cat(array_append(features[1:16], 'Infinity'), features[18:30])) FROM models, bc WHERE name = 'k5' AND id = 1;
SELECT ae_anomaly_score(model, array_append(features[1:29]::real[], '-Infinity')) FROM models, bc WHERE name = 'k5' AND id = 1;
SELECT pca_train(CASE WHEN id = 7 THEN array_append(features[1:29], 'NaN') ELSE features END) FROM bc;
SELECT autoencoder_train(CASE WHEN id = 7 THEN array_cat(ARRAY['NaN']::real[], features[2:30]::real[]) ELSE features::real[] END,
                         '{"hidden": [4], "epochs": 1}') FROM bc;
-- double precision beyond real's range: just above FLT_MAX (3.4028234664e38),
-- which a conversion to real would round to FLT_MAX, is refused too
SELECT autoencoder_train(CASE WHEN id = 7 THEN array_append(features[1:29], 3.40282350e38) ELSE features END,
                         '{"hidden": [4], "epochs": 1}') FROM bc;
SELECT autoencoder_train(CASE WHEN id = 7 THEN array_append(features[1:29], -1e300) ELSE features END,
                         '{"hidden": [4], "epochs": 1}') FROM bc;

DROP SCHEMA test_per_row CASCADE;
