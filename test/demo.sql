-- Demo: anomaly detection on the Wisconsin breast-cancer data
-- (test/data/README.md), all inside PostgreSQL: PCA, then an autoencoder.
-- psql variable out: the directory for the plot data (demo.sh draws them).
\pset footer off
CREATE EXTENSION IF NOT EXISTS autoencoder;
CREATE TEMP TABLE cells (id int PRIMARY KEY, label int, features float8[]);
\copy cells FROM 'test/data/breast_cancer.csv' WITH (FORMAT csv, HEADER)
-- the 30 measurements, in the data's order
CREATE TEMP TABLE feature_names AS
SELECT n AS feature, name FROM unnest(ARRAY[
  'mean radius', 'mean texture', 'mean perimeter', 'mean area', 'mean smoothness',
  'mean compactness', 'mean concavity', 'mean concave points', 'mean symmetry',
  'mean fractal dimension', 'radius error', 'texture error', 'perimeter error', 'area error',
  'smoothness error', 'compactness error', 'concavity error', 'concave points error',
  'symmetry error', 'fractal dimension error', 'worst radius', 'worst texture',
  'worst perimeter', 'worst area', 'worst smoothness', 'worst compactness', 'worst concavity',
  'worst concave points', 'worst symmetry', 'worst fractal dimension']) WITH ORDINALITY AS t(name, n);

\echo
\echo 'Train PCA on the benign samples (label 0), keeping 90% of the variance:'
CREATE TEMP TABLE models AS
SELECT 'pca' AS name, pca_train(features, '{"variance": 0.9}') AS model FROM cells WHERE label = 0;
SELECT info->'n_rows' AS rows, info->'n_features' AS features,
       info->'n_components' AS components, info->>'scale' AS scale
FROM models, ae_model_info(model) info;

\echo 'Explained variance per component:'
SELECT component, round(eigenvalue::numeric, 3) AS eigenvalue,
       round(100 * variance_ratio::numeric, 1) AS "variance %",
       round(100 * cumulative_variance_ratio::numeric, 1) AS "cumulative %"
FROM models, pca_components(model);

\echo 'Top 10 anomalies among all samples by its default score (robust Mahalanobis distance),'
\echo 'with their percentile among the training rows and the reconstruction error:'
SELECT id, CASE label WHEN 1 THEN 'malignant' ELSE 'benign' END AS diagnosis,
       round(ae_anomaly_score(m.model, features)::numeric, 1) AS score,
       round(ae_anomaly_percentile(m.model, features)::numeric, 3) AS percentile,
       round(ae_anomaly_score(m.model, features, 'reconstruction')::numeric, 3) AS reconstruction_error
FROM cells, models m WHERE m.name = 'pca' ORDER BY 3 DESC LIMIT 10;

\echo 'Train an autoencoder on the same benign samples (early stopping on a 20% hold-out):'
INSERT INTO models
SELECT 'ae', autoencoder_train(features,
  '{"hidden": [16, 8], "epochs": 200, "validation_fraction": 0.2, "patience": 10}')
FROM cells WHERE label = 0;
SELECT info->>'kind' AS kind, info->'hidden' AS hidden, info->'epochs_run' AS epochs,
       round((info->>'final_loss')::numeric, 4) AS train_loss,
       round((info->>'final_val_loss')::numeric, 4) AS validation_loss
FROM models, ae_model_info(model) info WHERE info->>'kind' = 'autoencoder';

\echo 'How well each score separates malignant from benign samples (ROC-AUC):'
WITH s AS (SELECT ae_model_info(model)->>'kind' AS kind, label,
                  ae_anomaly_score(model, features) AS score FROM cells, models),
ranked AS (SELECT kind, label, rank() OVER (PARTITION BY kind ORDER BY score) AS r FROM s)
SELECT kind AS model,
       count(*) FILTER (WHERE label = 1) AS malignant,
       count(*) FILTER (WHERE label = 0) AS benign,
       round(((sum(r) FILTER (WHERE label = 1) - count(*) FILTER (WHERE label = 1)
               * (count(*) FILTER (WHERE label = 1) + 1) / 2.0)
             / (count(*) FILTER (WHERE label = 1) * count(*) FILTER (WHERE label = 0)))::numeric, 3)
       AS "ROC-AUC"
FROM ranked GROUP BY kind ORDER BY kind DESC;

\echo 'Top 10 anomalies by the autoencoder, with their percentile and the three features'
\echo 'it reconstructs worst (squared error in the scaled space):'
SELECT c.id, CASE label WHEN 1 THEN 'malignant' ELSE 'benign' END AS diagnosis,
       round(ae_anomaly_percentile(m.model, c.features)::numeric, 3) AS percentile,
       ae_is_anomaly(m.model, c.features, 0.05) AS "flagged at 5%",
       (SELECT string_agg(format('%s (%s)', n.name, round(e.err::numeric, 1)), ', ' ORDER BY e.err DESC)
        FROM (SELECT err, feature FROM unnest(ae_feature_errors(m.model, c.features))
                WITH ORDINALITY AS f(err, feature) ORDER BY err DESC LIMIT 3) e
        JOIN feature_names n USING (feature)) AS top_features
FROM cells c, models m WHERE m.name = 'ae'
ORDER BY ae_anomaly_score(m.model, c.features) DESC LIMIT 10;

\echo 'Flagged by each detector at its default contamination (10% of training rows):'
SELECT name AS model,
       count(*) FILTER (WHERE label = 1 AND ae_is_anomaly(model, features)) AS "malignant flagged",
       count(*) FILTER (WHERE label = 1) AS malignant,
       count(*) FILTER (WHERE label = 0 AND ae_is_anomaly(model, features)) AS "benign flagged",
       count(*) FILTER (WHERE label = 0) AS benign
FROM cells, models GROUP BY name ORDER BY name DESC;

-- plot data for demo.sh: loss per epoch, and the first two principal
-- components of every cell with its label
\pset format unaligned
\pset tuples_only on
\pset fieldsep ' '
\o :out/loss.dat
SELECT epoch, loss, coalesce(val_loss::text, '?')
FROM models, ae_training_history(model) WHERE name = 'ae' ORDER BY epoch;
\o :out/embedding.dat
SELECT code[1], code[2], label
FROM cells, (SELECT pca_train(features, '{"components": 2}') AS m FROM cells WHERE label = 0) p,
     LATERAL (SELECT ae_encode(p.m, features) AS code) e;
\o
