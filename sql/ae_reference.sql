-- Trained numbers against an independent reference: a [4, 2] autoencoder on
-- 16 rows of 3 features, for every activation with mse (standard scaling,
-- linear output) and with bce (no scaling, sigmoid output): its initial
-- weights, and its weights and mean loss after one epoch of sgd (batch 4, no
-- shuffle).  The references come from test/reference/ae_reference.py
-- (NumPy, float64, gradients by finite differences of the forward pass).
CREATE SCHEMA test_ae_reference;
SET search_path = test_ae_reference, public;
SET extra_float_digits = 0;

CREATE TABLE rows (id int, features float8[]);
\copy rows FROM 'test/data/ae_reference_rows.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE cases (name text, options jsonb, loss float8);
\copy cases FROM 'test/data/ae_reference_cases.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE ref (name text, stage text, layer int, unit int, weights float8[], bias float8);
\copy ref FROM 'test/data/ae_reference_weights.csv' WITH (FORMAT csv, HEADER)

-- the initial weights: a learning rate so small that float32 steps leave the
-- weights where they started (and the zero biases at about 1e-30)
CREATE TABLE models AS
SELECT c.name,
       (SELECT autoencoder_train(features, c.options || '{"learning_rate": 1e-30}' ORDER BY id) FROM rows) AS init,
       (SELECT autoencoder_train(features, c.options ORDER BY id) FROM rows) AS trained
FROM cases c;

CREATE TABLE ours AS
SELECT m.name, 'init' AS stage, w.layer, w.unit, w.weights::float8[] AS weights, w.bias::float8 AS bias
FROM models m, ae_layer_weights(m.init) w
UNION ALL
SELECT m.name, 'epoch1', w.layer, w.unit, w.weights::float8[], w.bias
FROM models m, ae_layer_weights(m.trained) w;

-- every unit of every layer is in both
SELECT count(*) AS units, count(o.name) AS ours, count(r.name) AS reference
FROM ours o FULL JOIN ref r USING (name, stage, layer, unit);

-- Tolerances, measured: the initial weights are float32 roundings of the
-- reference's doubles (at most 6e-8 off; bound 1e-6).  After the epoch,
-- float32 training against float64 with finite-difference gradients (error
-- ~1e-9) differed by at most 2e-7 in any parameter and 4e-8 relative in the
-- loss over these 12 cases; the bound 1e-5 leaves a margin of 50, while the
-- epoch moves each case's parameters by 0.013 to 0.31 (a wrong derivative, a
-- missing bias update or a wrong loss scaling is off by far more than 1e-5).
SELECT o.name,
       max((SELECT max(abs(a - b)) FROM unnest(o.weights, r.weights) u(a, b))) FILTER (WHERE stage = 'init') < 1e-6
         AND max(abs(o.bias - r.bias)) FILTER (WHERE stage = 'init') < 1e-20 AS init_matches,
       max(greatest((SELECT max(abs(a - b)) FROM unnest(o.weights, r.weights) u(a, b)), abs(o.bias - r.bias)))
         FILTER (WHERE stage = 'epoch1') < 1e-5 AS epoch_matches
FROM ours o JOIN ref r USING (name, stage, layer, unit)
GROUP BY o.name ORDER BY o.name;

-- the epoch's mean training loss (before each step, as recorded in the history)
SELECT c.name, abs(h.loss - c.loss) / c.loss < 1e-5 AS loss_matches
FROM cases c JOIN models m USING (name), ae_training_history(m.trained) h
ORDER BY c.name;

-- the test can tell: the epoch moved every case's parameters by far more
-- than the tolerance
SELECT min(moved) > 100 * 1e-5 AS epoch_moved_weights
FROM (SELECT name, max(greatest((SELECT max(abs(a - b)) FROM unnest(t.weights, i.weights) u(a, b)),
                                abs(t.bias - i.bias))) AS moved
      FROM ref t JOIN ref i USING (name, layer, unit)
      WHERE t.stage = 'epoch1' AND i.stage = 'init' GROUP BY name) s;
