-- Outlier detection: score methods and per-feature errors.
CREATE SCHEMA test_detection;
SET search_path = test_detection, public;
SET extra_float_digits = 0;

CREATE TABLE bc (id int PRIMARY KEY, label int, features float8[]);
\copy bc FROM 'test/data/breast_cancer.csv' WITH (FORMAT csv, HEADER)

CREATE TABLE models (name text PRIMARY KEY, model bytea);
INSERT INTO models
SELECT 'k5', pca_train(features, '{"components": 5}') FROM bc WHERE label = 0 UNION ALL
SELECT 'k30', pca_train(features, '{"components": 30}') FROM bc WHERE label = 0 UNION ALL
SELECT 'white5', pca_train(features, '{"components": 5, "whiten": true}') FROM bc WHERE label = 0 UNION ALL
SELECT 'raw5', pca_train(features, '{"components": 5, "scale": "none"}') FROM bc WHERE label = 0 UNION ALL
SELECT 'ae', autoencoder_train(features, '{"hidden": [8], "epochs": 5, "record_timings": false}')
FROM bc WHERE label = 0;

-- without a method, a model scores by its default method: "robust" for new
-- PCA models, "reconstruction" for autoencoders (and every 0.1.0 model)
SELECT name, info->'detection'->>'score' AS default_score,
       max(abs(ae_anomaly_score(model, features) -
               ae_anomaly_score(model, features, info->'detection'->>'score'))) AS diff
FROM models, bc, ae_model_info(model) info GROUP BY name, info ORDER BY name;

-- mahalanobis is Hotelling's T^2: the sum of squared codes over eigenvalues
-- (whitening changes the codes, not the score)
SELECT name, max(abs(ae_anomaly_score(model, features, 'mahalanobis') - t2) /
                 greatest(1, t2)) < 1e-9 AS matches_codes
FROM models m, bc,
     LATERAL (SELECT sum(c * c / e) AS t2
              FROM unnest(ae_encode((SELECT model FROM models WHERE name = 'k5'), features),
                          ARRAY(SELECT eigenvalue FROM pca_components(
                                (SELECT model FROM models WHERE name = 'k5')) ORDER BY component))
                   AS u(c, e)) t
WHERE name IN ('k5', 'white5') GROUP BY name ORDER BY name;

-- full: T^2 over every component, so the 5-component model's "full" equals
-- the 30-component model's "mahalanobis"; with every component kept, the
-- reconstruction error is 0 and T^2 is the full score
SELECT max(abs(ae_anomaly_score(a.model, features, 'full') -
               ae_anomaly_score(b.model, features, 'mahalanobis')) /
           ae_anomaly_score(b.model, features, 'mahalanobis')) < 1e-9 AS full_is_t2_of_all,
       max(abs(ae_anomaly_score(b.model, features, 'full') -
               ae_anomaly_score(b.model, features, 'mahalanobis'))) < 1e-9 AS same_when_all_kept,
       max(ae_anomaly_score(b.model, features, 'reconstruction')) < 1e-20 AS zero_error
FROM bc, models a, models b WHERE a.name = 'k5' AND b.name = 'k30';

-- every method gives malignant rows (never trained on) more than twice the
-- mean score of benign ones
SELECT method, avg(s) FILTER (WHERE label = 1) > 2 * avg(s) FILTER (WHERE label = 0) AS higher
FROM bc, models m, unnest(ARRAY['reconstruction', 'mahalanobis', 'full']) AS method,
     LATERAL (SELECT ae_anomaly_score(m.model, features, method) AS s) t
WHERE m.name = 'k5' GROUP BY method ORDER BY method;

-- feature errors: one per feature, mean = reconstruction score; unscaled
-- models give (x - reconstruction)^2 elementwise
SELECT name, bool_and(cardinality(fe) = 30) AS d_values,
       max(abs((SELECT avg(v) FROM unnest(fe) v) - ae_anomaly_score(model, features, 'reconstruction')) /
           greatest(1e-12, ae_anomaly_score(model, features, 'reconstruction'))) < 1e-9 AS mean_is_score
FROM models, bc, LATERAL (SELECT ae_feature_errors(model, features) AS fe) f
GROUP BY name ORDER BY name;
SELECT max(abs(e - (x - r) ^ 2) / greatest(1, (x - r) ^ 2)) < 1e-9 AS elementwise
FROM bc, models m,
     unnest(ae_feature_errors(m.model, features), features, ae_reconstruct(m.model, features))
       AS u(e, x, r)
WHERE m.name = 'raw5';
-- real[] input gives the same answers
SELECT max(abs(ae_anomaly_score(model, features::real[], 'full') -
               ae_anomaly_score(model, features::real[]::float8[], 'full'))) = 0 AS same,
       pg_typeof(ae_feature_errors(model, features::real[])) AS type
FROM models, bc WHERE name = 'k5' GROUP BY 2;

-- robust: the Mahalanobis distance under the minimum covariance determinant
-- estimate (75% of the rows).  Trained on every row, malignant ones
-- included (37%), it ranks them above benign rows better than the classical
-- "full" distance, whose covariance they inflate (ROC-AUC, deterministic)
CREATE TABLE all_rows AS SELECT pca_train(features) AS model FROM bc;
CREATE FUNCTION auc(s float8[], l int[]) RETURNS float8 LANGUAGE sql AS $$
  SELECT (sum(r) FILTER (WHERE y = 1) - n1 * (n1 + 1) / 2.0) / (n1 * (n - n1))
  FROM (SELECT y, rank() OVER (ORDER BY v) AS r, count(*) FILTER (WHERE y = 1) OVER () AS n1,
               count(*) OVER () AS n FROM unnest(s, l) u(v, y)) t GROUP BY n1, n $$;
SELECT info->'options'->>'score' AS score, method,
       round(auc(array_agg(ae_anomaly_score(model, features, method)), array_agg(label))::numeric, 2) AS auc
FROM all_rows, bc, ae_model_info(model) info, unnest(ARRAY['full', 'robust']) method
GROUP BY 1, 2 ORDER BY 2;
-- wider than 256 features: no robust estimate (its cost grows with d^2), the
-- default is "full"; the option "robust" is refused
CREATE TABLE wide AS SELECT i, array_agg(sin(i * j) + (i % 7) * cos(j)) AS x
FROM generate_series(1, 400) i, generate_series(1, 300) j GROUP BY i;
SELECT info->'detection'->>'score' AS score,
       (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(info->'detection'->'quantiles') k) AS methods
FROM (SELECT ae_model_info(pca_train(x, '{"components": 3}')) AS info FROM wide) t;
SELECT pca_train(x, '{"components": 3, "score": "robust"}') FROM wide;

-- errors: unknown method, method not for this kind of model
SELECT ae_anomaly_score(model, features, 'nonsense') FROM models, bc WHERE name = 'k5' LIMIT 1;
SELECT ae_anomaly_score(model, features, 'Full') FROM models, bc WHERE name = 'k5' LIMIT 1;
SELECT ae_anomaly_score(model, features, 'mahalanobis') FROM models, bc WHERE name = 'ae' LIMIT 1;
SELECT ae_anomaly_score(model, features, 'full') FROM models, bc WHERE name = 'ae' LIMIT 1;
SELECT ae_feature_errors(model, features[1:29]) FROM models, bc WHERE name = 'k5' LIMIT 1;
-- NULL method or row: NULL (strict)
SELECT ae_anomaly_score(model, features, NULL) IS NULL AS null_method,
       ae_feature_errors(model, NULL::float8[]) IS NULL AS null_row
FROM models, bc WHERE name = 'k5' LIMIT 1;

-- thresholds: every model trained by 0.2.0 keeps quantiles of its training
-- rows' scores for every method it offers
SELECT name, info->'detection'->>'score' AS score, info->'detection'->'contamination' AS c,
       info->'detection'->'rows_scored' AS rows_scored,
       (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(info->'detection'->'quantiles') k) AS methods,
       (SELECT array_agg(DISTINCT (v->'stored')::int) FROM jsonb_each(info->'detection'->'quantiles') e(k, v)) AS stored
FROM models, ae_model_info(model) info ORDER BY name;

-- with fewer rows than quantiles every training score is kept, so the
-- training rows' percentiles are exactly their ranks / (n - 1), ties aside
-- (an autoencoder keeps its rows as real, so its scores of the double
-- rows differ in the last digits)
SELECT name, method,
       max(abs(ae_anomaly_percentile(model, features, method) - (r - 1) / 356.0)) <
         CASE WHEN name = 'ae' THEN 1e-3 ELSE 1e-9 END AS exact_ranks
FROM (SELECT name, model, features, method,
             rank() OVER (PARTITION BY name, method ORDER BY ae_anomaly_score(model, features, method)) AS r
      FROM models, bc, unnest(ARRAY['reconstruction', 'mahalanobis', 'full']) method
      WHERE label = 0 AND (name <> 'ae' OR method = 'reconstruction') AND name <> 'k30') t
GROUP BY name, method ORDER BY name, method;

-- ae_is_anomaly flags the training rows above the 0.9 quantile: the
-- quantile interpolates between ranks 321 and 322 of 357, so 36 rows score
-- higher; a stricter contamination flags fewer rows, and the flag agrees with
-- the percentile
SELECT name, count(*) FILTER (WHERE ae_is_anomaly(model, features)) AS flagged,
       count(*) FILTER (WHERE ae_is_anomaly(model, features, 0.02)) AS flagged_2pct,
       count(*) FILTER (WHERE ae_is_anomaly(model, features, 0.5,
                                            CASE name WHEN 'ae' THEN 'reconstruction' ELSE 'full' END)) AS flagged_half,
       bool_and(ae_is_anomaly(model, features) = (ae_anomaly_percentile(model, features) > 0.9)) AS agrees
FROM models, bc WHERE label = 0 AND name IN ('k5', 'ae') GROUP BY name ORDER BY name;
-- rows never trained on: most malignant rows are flagged
SELECT name, round(avg(ae_is_anomaly(model, features)::int), 1) >= 0.7 AS most_flagged
FROM models, bc WHERE label = 1 AND name IN ('k5', 'ae') GROUP BY name ORDER BY name;

-- option contamination sets the default share; option score the default method
CREATE TABLE m2 AS
SELECT pca_train(features, '{"components": 5, "contamination": 0.05, "score": "full"}') AS model
FROM bc WHERE label = 0;
SELECT info->'options'->'contamination' AS c, info->'options'->>'score' AS score,
       info->'detection'->>'score' AS default_score
FROM m2, ae_model_info(model) info;
SELECT count(*) FILTER (WHERE ae_is_anomaly(model, features)) AS flagged,
       bool_and(ae_anomaly_score(model, features) = ae_anomaly_score(model, features, 'full')) AS default_full
FROM m2, bc WHERE label = 0;

-- a larger table: a uniform sample of 4096 training rows is scored; the
-- share of all rows flagged stays near the contamination (the standard error
-- of the 0.9 quantile's share from 4096 rows is 0.005, the margin 4 times that)
CREATE TABLE big AS
SELECT i AS id, ARRAY[sin(i), cos(i * 0.5), (i % 17)::float8, sqrt(i), sin(i * 0.1) * 3]::float8[] AS x
FROM generate_series(1, 20000) i;
CREATE TABLE bigm AS SELECT pca_train(x, '{"components": 2}') AS model FROM big;
SELECT info->'detection'->'rows_scored' AS rows_scored,
       (info->'detection'->'quantiles'->'full'->'stored')::int AS stored
FROM bigm, ae_model_info(model) info;
SELECT method, abs(avg(ae_is_anomaly(model, x, 0.1, method)::int) - 0.1) < 0.02 AS near_10pct
FROM bigm, big, unnest(ARRAY['reconstruction', 'mahalanobis', 'full']) method
GROUP BY method ORDER BY method;

-- errors: contamination out of range, in the option and the argument
SELECT pca_train(features, '{"contamination": 0}') FROM bc;
SELECT pca_train(features, '{"contamination": 0.6}') FROM bc;
SELECT autoencoder_train(features, '{"contamination": -1}') FROM bc;
SELECT pca_train(features, '{"score": "elbo"}') FROM bc;
SELECT autoencoder_train(features, '{"score": "full"}') FROM bc;
SELECT ae_is_anomaly(model, features, 0) FROM models, bc WHERE name = 'k5' LIMIT 1;
SELECT ae_is_anomaly(model, features, 0.51) FROM models, bc WHERE name = 'k5' LIMIT 1;
SELECT ae_is_anomaly(model, features, 'NaN') FROM models, bc WHERE name = 'k5' LIMIT 1;
SELECT ae_anomaly_percentile(model, features, 'mahalanobis') FROM models, bc WHERE name = 'ae' LIMIT 1;
-- a model without quantiles (ae_fit) cannot give percentiles
SELECT ae_anomaly_percentile(model, (SELECT features FROM bc LIMIT 1))
FROM ae_fit('SELECT features FROM test_detection.bc', '{"epochs": 1, "record_timings": false}')
WHERE model IS NOT NULL;

-- a score that overflows (a constant feature has eigenvalue 0, and 1e200
-- squared is infinite, times a zero weight NaN) is an error in every
-- function, never a "normal" row: NaN would rank below every training score
CREATE TABLE flat AS SELECT ARRAY[g::float8, (g % 7)::float8, 5.0] AS x FROM generate_series(1, 500) g;
CREATE TABLE flat_model AS SELECT pca_train(x) AS model FROM flat;
\set VERBOSITY terse
SELECT ae_anomaly_score(model, ARRAY[1, 1, 1e200]::float8[]) FROM flat_model;
SELECT ae_is_anomaly(model, ARRAY[1, 1, 1e200]::float8[]) FROM flat_model;
SELECT ae_anomaly_percentile(model, ARRAY[1, 1, 1e200]::float8[]) FROM flat_model;
\set VERBOSITY default
SELECT ae_is_anomaly(model, ARRAY[250, 3, 5]::float8[]) AS central_row_flagged FROM flat_model;

DROP SCHEMA test_detection CASCADE;
