-- Parallel plans (partial aggregates merged by the combine function) give
-- the serial answer.
CREATE SCHEMA test_pca_parallel;
SET search_path = test_pca_parallel, public;
SET extra_float_digits = 0;

CREATE TABLE big AS
SELECT i AS id, i % 5 AS grp,
       ARRAY[sin(i), cos(i * 0.5), (i % 17)::float8, sqrt(i), sin(i * 0.1) * 3, (i % 3)::float8]::float8[] AS x
FROM generate_series(1, 60000) i;
ANALYZE big;

-- plan_has_partial_agg(q), workers_launched(q)
\i test/sql/plan_helpers.sql

SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial AS SELECT pca_train(x, '{"components": 3}') AS model FROM big;
CREATE TABLE serial_grp AS SELECT grp, pca_train(x, '{"components": 2}') AS model FROM big GROUP BY grp;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

SELECT plan_has_partial_agg('SELECT pca_train(x, ''{"components": 3}'') FROM big') AS parallel_plan;
SELECT workers_launched('SELECT pca_train(x, ''{"components": 3}'') FROM big') AS workers_launched;
CREATE TABLE par AS SELECT pca_train(x, '{"components": 3}') AS model FROM big;
SELECT plan_has_partial_agg('SELECT grp, pca_train(x, ''{"components": 2}'') FROM big GROUP BY grp') AS parallel_group_plan;
CREATE TABLE par_grp AS SELECT grp, pca_train(x, '{"components": 2}') AS model FROM big GROUP BY grp;

-- same eigenvalues and loadings to 1e-9 relative
SELECT (ae_model_info(p.model)->'n_rows')::int AS n,
       max(abs(a.eigenvalue - b.eigenvalue) / b.eigenvalue) < 1e-9 AS eigenvalues_equal,
       max((SELECT max(abs(u - v)) FROM unnest(a.loadings, b.loadings) t(u, v))) < 1e-9 AS loadings_equal
FROM par p, serial s, pca_components(p.model) a JOIN pca_components(s.model) b USING (component)
GROUP BY p.model;

SELECT p.grp, (ae_model_info(p.model)->'n_rows')::int AS n,
       max(abs(a.eigenvalue - b.eigenvalue) / b.eigenvalue) < 1e-9 AS eigenvalues_equal
FROM par_grp p JOIN serial_grp s USING (grp),
     pca_components(p.model) a JOIN pca_components(s.model) b USING (component)
GROUP BY p.grp, p.model ORDER BY p.grp;

-- scoring in parallel gives the serial scores
SELECT plan_has_partial_agg('SELECT sum(ae_anomaly_score((SELECT model FROM serial), x)) FROM big') AS parallel_scoring;
CREATE TABLE par_scores AS SELECT sum(ae_anomaly_score((SELECT model FROM serial), x)) AS s FROM big;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT abs(p.s - (SELECT sum(ae_anomaly_score((SELECT model FROM serial), x)) FROM big)) / p.s < 1e-9 AS scores_equal
FROM par_scores p;

-- training-score quantiles come from the partial states' samples merged
-- with the right weights: serial and parallel models both score a uniform
-- sample of 4096 rows, and each flags about 10% of all rows (the standard
-- error of the 0.9 quantile's share from 4096 rows is 0.005; the margin is
-- 4 times that).  Each group's model flags about 10% of its group.
SELECT (ae_model_info(p.model)->'detection'->'rows_scored')::int AS parallel_rows_scored,
       (ae_model_info(s.model)->'detection'->'rows_scored')::int AS serial_rows_scored,
       abs(avg(ae_is_anomaly(p.model, x, 0.1, 'full')::int) - 0.1) < 0.02 AS parallel_near_10pct,
       abs(avg(ae_is_anomaly(s.model, x, 0.1, 'full')::int) - 0.1) < 0.02 AS serial_near_10pct
FROM par p, serial s, big GROUP BY p.model, s.model;
SELECT g.grp, abs(avg(ae_is_anomaly(g.model, x, 0.1, 'full')::int) - 0.1) < 0.02 AS near_10pct
FROM par_grp g JOIN big USING (grp) GROUP BY g.grp ORDER BY g.grp;
