-- Detection quality (see detection.sh): PyOD's protocol, computed in SQL.
-- psql variables: splits (number of seeds), detectors (comma list, empty
-- for the default list); the rows (set, id, label, x) come on standard input.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS ae_eval CASCADE;
CREATE SCHEMA ae_eval;
SELECT set_config('search_path', 'ae_eval, ' || current_setting('search_path'), false) \g /dev/null

CREATE TABLE ds (set text, id int, label int, x float8[]);
\copy ds FROM pstdin
CREATE INDEX ON ds (set);

-- PyOD's published means over 10 splits (notebooks/roc.csv, 2024)
CREATE TABLE pyod (set text PRIMARY KEY, pca float8, autoencoder float8, iforest float8);
INSERT INTO pyod VALUES
  ('cardio', 0.950, 0.817, 0.918), ('satellite', 0.599, 0.663, 0.693),
  ('pima', 0.648, 0.666, 0.680), ('wbc', 0.916, 0.923, 0.932),
  ('shuttle', 0.990, 0.990, 0.997), ('vowels', 0.603, 0.924, 0.756),
  ('letter', 0.528, 0.814, 0.638), ('pendigits', 0.935, 0.782, 0.950);

-- What is trained (an aggregate call over the training rows' x; a second
-- model, model2, when train2 is set, which may use the first) and how a
-- test row is scored (an SQL expression of model, model2 and x).  Listed
-- detectors run by default; name others in DETECTORS.
CREATE TABLE detectors (ord int, name text PRIMARY KEY, train text, train2 text, score text,
                        listed bool);
INSERT INTO detectors VALUES
  -- the defaults: new PCA models score "robust", autoencoders "reconstruction"
  (1, 'pca',        $$pca_train(x)$$, NULL, $$ae_anomaly_score(model, x)$$, true),
  (2, 'ae',         $$autoencoder_train(x)$$, NULL, $$ae_anomaly_score(model, x)$$, true),
  -- PCA's other methods (reconstruction was 0.1.0's only score)
  (3, 'pca-recon',  $$pca_train(x)$$, NULL, $$ae_anomaly_score(model, x, 'reconstruction')$$, true),
  (4, 'pca-t2',     $$pca_train(x)$$, NULL, $$ae_anomaly_score(model, x, 'mahalanobis')$$, true),
  (5, 'pca-full',   $$pca_train(x)$$, NULL, $$ae_anomaly_score(model, x, 'full')$$, true),
  -- an autoencoder trained on the rows the robust PCA model does not flag at 25%
  (6, 'ae-trimmed', $$pca_train(x)$$,
   $$autoencoder_train(x) FILTER (WHERE NOT ae_is_anomaly(model, x, 0.25))$$,
   $$ae_anomaly_score(model2, x)$$, true),
  -- the mean of the two models' training-score percentiles
  (7, 'pca+ae',     $$pca_train(x)$$,
   $$autoencoder_train(x) FILTER (WHERE NOT ae_is_anomaly(model, x, 0.25))$$,
   $$ae_anomaly_percentile(model, x) + ae_anomaly_percentile(model2, x)$$, true);

-- ROC-AUC of scores against labels (1 = outlier), ties counted half
CREATE FUNCTION roc_auc(scores float8[], labels int[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (sum(r) FILTER (WHERE l = 1) - n1 * (n1 + 1) / 2.0) / (n1 * (n - n1))
  FROM (SELECT l, rank() OVER w + (count(*) OVER (PARTITION BY s) - 1) / 2.0 AS r,
               count(*) FILTER (WHERE l = 1) OVER () AS n1, count(*) OVER () AS n
        FROM unnest(scores, labels) AS u(s, l) WINDOW w AS (ORDER BY s)) t
  GROUP BY n1, n
$$;

-- split seed: a row is in the training part when it is among the first 60%
-- of its set ordered by a hash of (seed, id)
CREATE TABLE split AS
SELECT seed, set, id,
       row_number() OVER (PARTITION BY seed, set ORDER BY md5(seed || ':' || id))
         <= floor(0.6 * count(*) OVER (PARTITION BY seed, set)) AS train
FROM ds, generate_series(0, :splits - 1) AS seed;
CREATE INDEX ON split (seed, set, train);

SELECT set_config('ae_eval.detectors', :'detectors', false) \g /dev/null
CREATE TABLE result (set text, seed int, detector text, auc float8, seconds float8);

DO $$
DECLARE
  d record; s text; sd int; model bytea; model2 bytea; t0 timestamptz; auc float8;
  wanted text[] := string_to_array(nullif(current_setting('ae_eval.detectors'), ''), ',');
BEGIN
  FOR d IN SELECT * FROM detectors
           WHERE (wanted IS NULL AND listed) OR name = ANY (wanted) ORDER BY ord LOOP
    FOR s IN SELECT DISTINCT set FROM ds ORDER BY 1 LOOP
      FOR sd IN SELECT DISTINCT p.seed FROM split p ORDER BY 1 LOOP
        t0 := clock_timestamp();
        EXECUTE format('SELECT %s FROM ds JOIN split p USING (set, id)
                        WHERE set = $1 AND p.seed = $2 AND p.train', d.train)
          INTO model USING s, sd;
        -- the second model may use the first (e.g. to leave out rows it flags)
        EXECUTE format('SELECT %s FROM ds JOIN split p USING (set, id)
                        CROSS JOIN (SELECT $3 AS model) m
                        WHERE set = $1 AND p.seed = $2 AND p.train', coalesce(d.train2, 'NULL::bytea'))
          INTO model2 USING s, sd, model;
        EXECUTE format('SELECT roc_auc(array_agg(%s), array_agg(label))
                        FROM ds JOIN split p USING (set, id)
                        CROSS JOIN (SELECT $3 AS model, $4 AS model2) m
                        WHERE set = $1 AND p.seed = $2 AND NOT p.train', d.score)
          INTO auc USING s, sd, model, model2;
        INSERT INTO result VALUES (s, sd, d.name, auc,
                                   extract(epoch FROM clock_timestamp() - t0));
      END LOOP;
      RAISE WARNING 'eval: % on % done', d.name, s;
    END LOOP;
  END LOOP;
END $$;

-- one row per set, one column per detector, PyOD beside; then the mean
\pset footer off
SELECT format($q$SELECT * FROM (
    SELECT r.set, %1$s, p.pca AS "PyOD PCA", p.autoencoder AS "PyOD AE", p.iforest AS "PyOD IForest"
    FROM (SELECT set, detector, round(avg(auc)::numeric, 3) AS auc FROM result GROUP BY 1, 2) r
    JOIN pyod p USING (set) GROUP BY r.set, p.pca, p.autoencoder, p.iforest
    UNION ALL
    SELECT 'mean', %2$s, round(avg(pca)::numeric, 3), round(avg(autoencoder)::numeric, 3),
           round(avg(iforest)::numeric, 3)
    FROM pyod WHERE set IN (SELECT set FROM result)) t
  ORDER BY set = 'mean', array_position('{cardio,satellite,pima,wbc,shuttle,vowels,letter,pendigits}', set)$q$,
  string_agg(format('max(auc) FILTER (WHERE detector = %L) AS %I', name, name), ', ' ORDER BY ord),
  string_agg(format('(SELECT round(avg(auc)::numeric, 3) FROM (SELECT set, avg(auc) AS auc FROM result WHERE detector = %L GROUP BY set) m)', name), ', ' ORDER BY ord))
FROM detectors WHERE name IN (SELECT detector FROM result) \gexec
SELECT count(DISTINCT seed) AS splits, round(sum(seconds)::numeric, 1) AS seconds FROM result;
