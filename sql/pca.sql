-- PCA training and scoring, checked against scikit-learn references
-- computed outside the extension by test/reference/pca_reference.py.
CREATE SCHEMA test_pca;
SET search_path = test_pca, public;
SET extra_float_digits = 0;

CREATE TABLE bc (id int PRIMARY KEY, label int, features float8[]);
\copy bc FROM 'test/data/breast_cancer.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE bc_comp_ref (component int, eigenvalue float8, variance_ratio float8,
                          cumulative float8, loadings float8[]);
\copy bc_comp_ref FROM 'test/data/breast_cancer_pca_ref.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE bc_rows_ref (id int, score_k5 float8, code_k5 float8[], white_k5 float8[],
                          score_center_k3 float8);
\copy bc_rows_ref FROM 'test/data/breast_cancer_rows_ref.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE bc_cutoff_ref (variance float8, components int);
\copy bc_cutoff_ref FROM 'test/data/breast_cancer_cutoff_ref.csv' WITH (FORMAT csv, HEADER)

-- largest relative difference between two arrays
CREATE FUNCTION max_rel_diff(a float8[], b float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE WHEN cardinality(a) <> cardinality(b) THEN 'Infinity'::float8 ELSE
    (SELECT max(abs(x - y) / greatest(1.0, abs(y))) FROM unnest(a, b) AS t(x, y)) END
$$;

CREATE TABLE models (name text PRIMARY KEY, model bytea);
INSERT INTO models
SELECT 'full', pca_train(features, '{"components": 30}') FROM bc UNION ALL
SELECT 'k5', pca_train(features, '{"components": 5}') FROM bc UNION ALL
SELECT 'default', pca_train(features) FROM bc UNION ALL
SELECT 'white5', pca_train(features, '{"components": 5, "whiten": true}') FROM bc UNION ALL
SELECT 'center3', pca_train(features, '{"components": 3, "scale": "center"}') FROM bc;

-- model_info: kind, sizes, options with defaults filled in
SELECT name, info->>'kind' AS kind, info->'n_features' AS d, info->'n_components' AS k,
       info->'n_rows' AS n, info->>'scale' AS scale, info->'whiten' AS whiten,
       info->'options' AS options, info->'format_version' AS fmt,
       info->>'extension_version' AS version,
       (info->>'training_seconds')::float8 >= 0 AS timed
FROM models, ae_model_info(model) AS info ORDER BY name;

-- every eigenvalue, ratio and loading matches scikit-learn
SELECT count(*) AS components,
       max(abs(c.eigenvalue - r.eigenvalue) / r.eigenvalue) < 1e-9 AS eigenvalues_match,
       max(abs(c.variance_ratio - r.variance_ratio)) < 1e-12 AS ratios_match,
       max(abs(c.cumulative_variance_ratio - r.cumulative)) < 1e-12 AS cumulative_match,
       max(max_rel_diff(c.loadings, r.loadings)) < 1e-7 AS loadings_match
FROM models m, pca_components(m.model) c JOIN bc_comp_ref r USING (component)
WHERE m.name = 'full';

-- pca_components returns the kept components only
SELECT name, count(*), max(component), min(cardinality(loadings))
FROM models, pca_components(model) GROUP BY name ORDER BY name;

-- codes, whitened codes and reconstruction errors match per row
SELECT count(*) AS rows_checked,
       max(max_rel_diff(ae_encode(k5.model, bc.features), r.code_k5)) < 1e-8 AS codes_match,
       max(max_rel_diff(ae_encode(w5.model, bc.features), r.white_k5)) < 1e-8 AS white_match,
       max(abs(ae_anomaly_score(k5.model, bc.features, 'reconstruction') - r.score_k5) / r.score_k5) < 1e-7 AS scores_match,
       max(abs(ae_anomaly_score(c3.model, bc.features, 'reconstruction') - r.score_center_k3) / r.score_center_k3) < 1e-7 AS center_scores_match
FROM bc JOIN bc_rows_ref r USING (id),
     (SELECT model FROM models WHERE name = 'k5') k5,
     (SELECT model FROM models WHERE name = 'white5') w5,
     (SELECT model FROM models WHERE name = 'center3') c3;

-- the variance cut-off keeps the fewest components reaching the share
SELECT r.variance, r.components AS sklearn,
       (ae_model_info(pca_train(bc.features, jsonb_build_object('variance', r.variance)))->>'n_components')::int AS ours
FROM bc_cutoff_ref r, bc GROUP BY r.variance, r.components ORDER BY r.variance;

-- the default keeps 90% of the variance
SELECT (ae_model_info(model)->'cumulative_variance_ratio')::float8 >= 0.9 AS reaches_90,
       (ae_model_info(model)->'n_components')::int AS k
FROM models WHERE name = 'default';

-- full rank: reconstruction returns the input, and the error is ~0
SELECT max(max_rel_diff(ae_reconstruct(m.model, bc.features), bc.features)) < 1e-9 AS identity,
       max(ae_anomaly_score(m.model, bc.features, 'reconstruction')) < 1e-20 AS zero_error
FROM bc, models m WHERE m.name = 'full';

-- decode(encode(x)) = reconstruct(x), also with whitening
SELECT m.name,
       max(max_rel_diff(ae_decode(m.model, ae_encode(m.model, bc.features)),
                        ae_reconstruct(m.model, bc.features))) < 1e-9 AS roundtrip
FROM bc, models m GROUP BY m.name ORDER BY m.name;

-- reconstruction error equals the mean squared difference in the scaled space
-- (with scale "center" the scaled space is the original one)
SELECT max(abs(ae_anomaly_score(m.model, bc.features, 'reconstruction') -
           (SELECT avg((x - y) ^ 2) FROM unnest(bc.features, ae_reconstruct(m.model, bc.features)) t(x, y))))
       < 1e-9 AS consistent
FROM bc, models m WHERE m.name = 'center3';

-- real[] input gives real[] output and float4-level agreement
SELECT pg_typeof(ae_encode(m.model, bc.features::real[])) AS code_type,
       pg_typeof(ae_reconstruct(m.model, bc.features::real[])) AS recon_type,
       pg_typeof(ae_decode(m.model, '{1,2,3,4,5}'::real[])) AS decode_type,
       max_rel_diff(ae_encode(m.model, bc.features::real[])::float8[],
                    ae_encode(m.model, bc.features)) < 1e-4 AS close
FROM bc, models m WHERE m.name = 'k5' AND bc.id = 1;

-- training on real[] matches training on double precision[] to float precision
SELECT max(abs(a.eigenvalue - b.eigenvalue) / b.eigenvalue) < 1e-5 AS real_input_ok
FROM pca_components((SELECT pca_train(features::real[], '{"components": 5}') FROM bc)) a
JOIN pca_components((SELECT model FROM models WHERE name = 'k5')) b USING (component);

-- scale "none": no centring; a rank-1 data set is reconstructed exactly.
-- off_axis by hand: the component is v = (1, 2, 3)/sqrt(14); the residual of
-- x = (1, 0, 0) is x - (x.v) v = (13, -2, -3)/14, whose squared norm 182/196
-- averaged over 3 features is 0.309524.
SELECT ae_model_info(m)->>'scale' AS scale,
       (SELECT array_agg(round(v::numeric, 10)::float8) FROM unnest(ae_reconstruct(m, ARRAY[3, 6, 9]::float8[])) v) AS recon,
       ae_anomaly_score(m, ARRAY[3, 6, 9]::float8[], 'reconstruction') < 1e-20 AS exact,
       round(ae_anomaly_score(m, ARRAY[1, 0, 0]::float8[], 'reconstruction')::numeric, 6) AS off_axis
FROM (SELECT pca_train(ARRAY[i, 2 * i, 3 * i]::float8[], '{"scale": "none", "components": 1}') AS m
      FROM generate_series(1, 10) i) s;

-- a constant column keeps scale 1 and does not break training.
-- score_at_mean by hand: column 1 is i (mean 5), column 2 cycles 6, 5, 7
-- (mean 6, sample variance 6/8), column 3 is constant.  Scaled, the row is
-- (0, -5/sqrt(0.75), 0), squared norm 100/3.  The correlation matrix of the two
-- non-constant columns is 2 x 2 with unit diagonal, so its eigenvectors are
-- (1, +-1)/sqrt(2) whatever the correlation: one component keeps half the
-- norm, and the residual 50/3 averaged over 3 features is 5.555556.
SELECT (ae_model_info(m)->'n_components')::int AS k,
       round(ae_anomaly_score(m, ARRAY[5, 1, 7]::float8[], 'reconstruction')::numeric, 6) AS score_at_mean
FROM (SELECT pca_train(ARRAY[i, 7 - i % 3, 7]::float8[], '{"components": 1}') AS m
      FROM generate_series(1, 9) i) s;

-- NULL rows are skipped; zero rows gives NULL
SELECT ae_model_info(pca_train(x, '{"components": 1}'))->'n_rows' AS n
FROM (VALUES (ARRAY[1, 2]::float8[]), (NULL), (ARRAY[2, 1]), (ARRAY[3, 5])) v(x);
SELECT pca_train(features) IS NULL AS no_rows FROM bc WHERE false;
SELECT pca_train(NULL::float8[]) IS NULL AS only_null_rows FROM generate_series(1, 3);

-- GROUP BY gives one model per group, equal to training each group alone
WITH g AS (
  SELECT label, pca_train(features, '{"components": 4}') AS model FROM bc GROUP BY label
)
SELECT g.label, (ae_model_info(g.model)->'n_rows')::int AS n,
       max_rel_diff((SELECT array_agg(eigenvalue ORDER BY component) FROM pca_components(g.model)),
                    (SELECT array_agg(eigenvalue ORDER BY component)
                     FROM pca_components((SELECT pca_train(features, '{"components": 4}')
                                          FROM bc WHERE bc.label = g.label)))) < 1e-12 AS same
FROM g ORDER BY g.label;

-- a model trained on benign rows scores malignant ones higher (ROC-AUC)
WITH m AS (SELECT pca_train(features, '{"components": 5}') AS model FROM bc WHERE label = 0),
s AS (SELECT label, ae_anomaly_score(m.model, features, 'reconstruction') AS score FROM bc, m)
SELECT round((SELECT count(*) FILTER (WHERE p.score > q.score)
              + 0.5 * count(*) FILTER (WHERE p.score = q.score)
       FROM s p, s q WHERE p.label = 1 AND q.label = 0)::numeric
       / ((SELECT count(*) FROM s WHERE label = 1) * (SELECT count(*) FROM s WHERE label = 0)), 3) > 0.9
       AS auc_above_0_9;

-- the model keeps every eigenvalue and eigenvector, not only the 5 kept:
-- 30 x 30 + 30 doubles are 7440 bytes (the 5 kept vectors alone would be 1200)
SELECT octet_length(model) >= 8 * (30 * 30 + 30) AS stored_all_eigenvectors,
       (SELECT count(*) FROM pca_components(model)) AS kept
FROM models WHERE name = 'k5';

-- scores over a join with a stored (TOASTed) model match a literal model
SELECT count(*) FILTER (WHERE ae_anomaly_score(m.model, bc.features, 'reconstruction') <>
                              ae_anomaly_score((SELECT model FROM models WHERE name = 'k5'), bc.features, 'reconstruction')) AS mismatches
FROM bc, models m WHERE m.name = 'k5';

-- several models in one query, one call site: the cache switches correctly.
-- The means come from the scikit-learn reference: 3.328051 and 0.152389 are
-- the averages of score_center_k3 and score_k5 in breast_cancer_rows_ref.csv
-- (checked per row above); a full-rank model scores 0.
SELECT m.name, round(avg(ae_anomaly_score(m.model, bc.features, 'reconstruction'))::numeric, 6) AS mean_score
FROM models m, bc WHERE m.name IN ('k5', 'center3', 'full')
GROUP BY m.name ORDER BY m.name;

-- one call site fed a different model on every row gives each model's scores
WITH k5 AS (SELECT model FROM models WHERE name = 'k5'), c3 AS (SELECT model FROM models WHERE name = 'center3'),
     f AS (SELECT model FROM models WHERE name = 'full'), w5 AS (SELECT model FROM models WHERE name = 'white5'),
     d AS (SELECT model FROM models WHERE name = 'default')
SELECT count(*) FILTER (WHERE ae_anomaly_score(CASE id % 5 WHEN 0 THEN k5.model WHEN 1 THEN c3.model
                                                WHEN 2 THEN f.model WHEN 3 THEN w5.model ELSE d.model END,
                                           features, 'reconstruction') <>
                        CASE id % 5 WHEN 0 THEN ae_anomaly_score(k5.model, features, 'reconstruction')
                                    WHEN 1 THEN ae_anomaly_score(c3.model, features, 'reconstruction')
                                    WHEN 2 THEN ae_anomaly_score(f.model, features, 'reconstruction')
                                    WHEN 3 THEN ae_anomaly_score(w5.model, features, 'reconstruction')
                                    ELSE ae_anomaly_score(d.model, features, 'reconstruction') END) AS mismatches
FROM bc, k5, c3, f, w5, d;
