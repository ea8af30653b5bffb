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

-- without a method, every model scores reconstruction error (as in 0.1.0)
SELECT name, max(abs(ae_anomaly_score(model, features) -
                     ae_anomaly_score(model, features, 'reconstruction'))) AS diff
FROM models, bc GROUP BY name ORDER BY name;

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
       max(abs((SELECT avg(v) FROM unnest(fe) v) - ae_anomaly_score(model, features)) /
           greatest(1e-12, ae_anomaly_score(model, features))) < 1e-9 AS mean_is_score
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

DROP SCHEMA test_detection CASCADE;
