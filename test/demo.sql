-- Demo: anomaly detection on the Wisconsin breast-cancer data
-- (test/data/README.md), all inside PostgreSQL: PCA, then an autoencoder.
\pset footer off
CREATE EXTENSION IF NOT EXISTS autoencoder;
CREATE TEMP TABLE cells (id int PRIMARY KEY, label int, features float8[]);
\copy cells FROM 'test/data/breast_cancer.csv' WITH (FORMAT csv, HEADER)

\echo
\echo 'Train PCA on the benign samples (label 0), keeping 90% of the variance:'
CREATE TEMP TABLE models AS
SELECT pca_train(features, '{"variance": 0.9}') AS model FROM cells WHERE label = 0;
SELECT info->'n_rows' AS rows, info->'n_features' AS features,
       info->'n_components' AS components, info->>'scale' AS scale
FROM models, ae_model_info(model) info;

\echo 'Explained variance per component:'
SELECT component, round(eigenvalue::numeric, 3) AS eigenvalue,
       round(100 * variance_ratio::numeric, 1) AS "variance %",
       round(100 * cumulative_variance_ratio::numeric, 1) AS "cumulative %"
FROM models, pca_components(model);

\echo 'Top 10 anomalies among all samples (reconstruction error, scaled space):'
SELECT id, CASE label WHEN 1 THEN 'malignant' ELSE 'benign' END AS diagnosis,
       round(ae_anomaly_score((SELECT model FROM models), features)::numeric, 3) AS reconstruction_error
FROM cells ORDER BY 3 DESC LIMIT 10;

\echo 'Train an autoencoder on the same benign samples (early stopping on a 20% hold-out):'
INSERT INTO models
SELECT autoencoder_train(features,
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
