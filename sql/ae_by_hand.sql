-- Options reach the trainer.  First a network small enough to train by hand:
-- one feature, scale "none", one linear code unit, sgd, batch 1, no shuffle,
-- trained by autoencoder_train and, step by step, by a PL/pgSQL transcription
-- of the update equations in double precision; then, for every training
-- option, a non-default value must change the weights (and the options that
-- must not, verbose and record_timings, must leave them alone).
CREATE SCHEMA test_ae_by_hand;
SET search_path = test_ae_by_hand, public;
SET extra_float_digits = 0;

-- five rows of one feature, trained in this order (ORDER BY i)
CREATE TABLE r1 (i int, x float8);
INSERT INTO r1 VALUES (1, 0.5), (2, -1), (3, 2), (4, 0.25), (5, 1.5);

-- weights of a one-feature, one-unit model: encoder w1, b1 and decoder w2, b2
CREATE FUNCTION params(m bytea) RETURNS float8[] LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT array_agg(v ORDER BY o) FROM (
    SELECT 2 * layer - 1 AS o, weights[1]::float8 AS v FROM ae_layer_weights(m)
    UNION ALL SELECT 2 * layer, bias::float8 FROM ae_layer_weights(m)) s
$$;

-- The trainer's step on one row x (batch 1, mse over one output, linear
-- units): h = w1 x + b1, y = w2 h + b2, loss (y - x)^2, dL/dy = 2 (y - x);
-- gradients dy h, dy (decoder), dy w2 x, dy w2 (encoder); l2 adds l2 w to
-- the weights' gradients (never biases).  sgd: p -= lr g; momentum:
-- v = mu v - lr g, p += v; nesterov: p += mu v - lr g.  The history's loss
-- of an epoch is the mean of the rows' losses before their step.
CREATE FUNCTION train_by_hand(xs float8[], p float8[], epochs int, lr float8, l2 float8,
                              optimizer text, mu float8, nesterov boolean,
                              OUT params float8[], OUT losses float8[])
LANGUAGE plpgsql AS $$
DECLARE
  w1 float8 := p[1]; b1 float8 := p[2]; w2 float8 := p[3]; b2 float8 := p[4];
  v float8[] := ARRAY[0, 0, 0, 0]; g float8[]; x float8; h float8; y float8; dy float8;
  total float8;
BEGIN
  losses := '{}';
  FOR e IN 1..epochs LOOP
    total := 0;
    FOREACH x IN ARRAY xs LOOP
      h := w1 * x + b1;
      y := w2 * h + b2;
      dy := 2 * (y - x);
      total := total + (y - x) ^ 2;
      g := ARRAY[dy * w2 * x + l2 * w1, dy * w2, dy * h + l2 * w2, dy];
      FOR j IN 1..4 LOOP
        IF optimizer = 'sgd' THEN
          g[j] := -lr * g[j];
        ELSE
          v[j] := mu * v[j] - lr * g[j];
          g[j] := CASE WHEN nesterov THEN mu * v[j] - lr * g[j] ELSE v[j] END;
        END IF;
      END LOOP;
      w1 := w1 + g[1]; b1 := b1 + g[2]; w2 := w2 + g[3]; b2 := b2 + g[4];
    END LOOP;
    losses := losses || total / cardinality(xs);
  END LOOP;
  params := ARRAY[w1, b1, w2, b2];
END $$;

-- the initial weights: the same seed with a learning rate so small that
-- float32 steps leave every weight where it started
CREATE TABLE init AS
SELECT params(autoencoder_train(ARRAY[x], '{"hidden": [1], "activation": "linear", "scale": "none",
         "optimizer": "sgd", "learning_rate": 1e-30, "batch_size": 1, "shuffle": false, "epochs": 1}'
         ORDER BY i)) AS p FROM r1;
-- Glorot uniform for a 1 x 1 layer: weights within sqrt(3); biases start
-- at zero (the 1e-30 step leaves them at about 1e-30)
SELECT abs(p[1]) BETWEEN 1e-3 AND sqrt(3) AND abs(p[3]) BETWEEN 1e-3 AND sqrt(3) AS weights_drawn,
       abs(p[2]) < 1e-20 AND abs(p[4]) < 1e-20 AS biases_zero
FROM init;

-- The engine trains in float32, the transcription in double: after 15
-- steps they agreed to 1e-7 (weights, relative to max(1, |w|)) and 8.4e-7
-- (losses, relative) in every case below, so 1e-5 leaves a margin of 12;
-- a trainer ignoring l2 is off by 0.047 or more, and one ignoring momentum
-- by more still.
CREATE TABLE cases (name text, opts jsonb, lr float8, l2 float8, optimizer text, mu float8, nesterov boolean);
INSERT INTO cases VALUES
  ('sgd',            '{"optimizer": "sgd", "learning_rate": 0.1}', 0.1, 0, 'sgd', 0, false),
  ('sgd+l2',         '{"optimizer": "sgd", "learning_rate": 0.1, "l2": 0.5}', 0.1, 0.5, 'sgd', 0, false),
  ('momentum',       '{"optimizer": "momentum", "learning_rate": 0.05, "momentum": 0.8}', 0.05, 0, 'momentum', 0.8, false),
  ('momentum+l2',    '{"optimizer": "momentum", "learning_rate": 0.05, "momentum": 0.8, "l2": 0.5}', 0.05, 0.5, 'momentum', 0.8, false),
  ('nesterov',       '{"optimizer": "momentum", "learning_rate": 0.05, "momentum": 0.8, "nesterov": true}', 0.05, 0, 'momentum', 0.8, true),
  ('nesterov+l2',    '{"optimizer": "momentum", "learning_rate": 0.05, "momentum": 0.5, "nesterov": true, "l2": 0.2}', 0.05, 0.2, 'momentum', 0.5, true);

CREATE TABLE trained AS
SELECT c.name, c.opts, params(m.model) AS p, h.losses, c.lr, c.l2, c.optimizer, c.mu, c.nesterov
FROM cases c,
     LATERAL (SELECT autoencoder_train(ARRAY[x], c.opts || '{"hidden": [1], "activation": "linear",
                "scale": "none", "batch_size": 1, "shuffle": false, "epochs": 3}' ORDER BY i) AS model
              FROM r1) m,
     LATERAL (SELECT array_agg(loss ORDER BY epoch) AS losses FROM ae_training_history(m.model)) h;

SELECT t.name,
       (SELECT max(abs(a - b) / greatest(abs(b), 1)) FROM unnest(t.p, ref.params) u(a, b)) < 1e-5 AS weights_match,
       (SELECT max(abs(a - b) / b) FROM unnest(t.losses, ref.losses) u(a, b)) < 1e-5 AS losses_match,
       cardinality(t.losses) AS epochs
FROM trained t, init,
     LATERAL train_by_hand((SELECT array_agg(x ORDER BY i) FROM r1), init.p, 3, t.lr, t.l2,
                           t.optimizer, t.mu, t.nesterov) ref
ORDER BY t.name;

-- and l2 and momentum make a difference of their own
SELECT a.name, b.name,
       (SELECT max(abs(u - v)) FROM unnest(a.p, b.p) s(u, v)) > 1e-2 AS differ
FROM trained a JOIN trained b ON (a.name, b.name) IN (('sgd', 'sgd+l2'), ('momentum', 'momentum+l2'),
                                                     ('sgd', 'momentum'), ('momentum', 'nesterov'))
ORDER BY a.name, b.name;

-- Every training option with a non-default value changes the weights
-- against the same options without it (3 epochs of [4] on a third of the
-- breast cancer rows, each feature mapped to [0, 1] so that bce applies).
-- The option score is left out: autoencoders have no value but its default.
CREATE TABLE bc (id int PRIMARY KEY, label int, features float8[]);
\copy bc FROM 'test/data/breast_cancer.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE sample AS
WITH cells AS (SELECT id, j, v FROM bc, unnest(features) WITH ORDINALITY u(v, j) WHERE id % 3 = 0),
     range AS (SELECT j, min(v) AS lo, max(v) AS hi FROM cells GROUP BY j)
SELECT id, array_agg((v - lo) / (hi - lo) ORDER BY j) AS features
FROM cells JOIN range USING (j) GROUP BY id;

CREATE FUNCTION fingerprint(m bytea) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT md5(string_agg(weights::text || '/' || bias, ';' ORDER BY layer, unit)) FROM ae_layer_weights(m)
$$;

-- base: the options the variant is compared with; extra: the one option
CREATE TABLE variants (option text, base jsonb, extra jsonb, must_change boolean);
INSERT INTO variants VALUES
  ('hidden',            '{}', '{"hidden": [5]}', true),
  ('activation',        '{}', '{"activation": "tanh"}', true),
  ('output_activation', '{}', '{"output_activation": "sigmoid"}', true),
  ('tied_weights',      '{}', '{"tied_weights": true}', true),
  ('loss',              '{"scale": "none", "output_activation": "sigmoid"}', '{"loss": "bce"}', true),
  ('optimizer',         '{}', '{"optimizer": "rmsprop"}', true),
  ('learning_rate',     '{}', '{"learning_rate": 0.01}', true),
  ('beta1',             '{}', '{"beta1": 0.5}', true),
  ('beta2',             '{}', '{"beta2": 0.9}', true),
  ('epsilon',           '{}', '{"epsilon": 0.1}', true),
  ('momentum',          '{"optimizer": "momentum"}', '{"momentum": 0.5}', true),
  ('nesterov',          '{"optimizer": "momentum"}', '{"nesterov": true}', true),
  ('rho',               '{"optimizer": "rmsprop"}', '{"rho": 0.5}', true),
  ('rho (adadelta)',    '{"optimizer": "adadelta"}', '{"rho": 0.5}', true),
  ('epsilon (adadelta)', '{"optimizer": "adadelta"}', '{"epsilon": 0.001}', true),
  ('batch_size',        '{}', '{"batch_size": 16}', true),
  ('epochs',            '{}', '{"epochs": 4}', true),
  ('l2',                '{}', '{"l2": 0.1}', true),
  ('seed',              '{}', '{"seed": 7}', true),
  ('shuffle',           '{}', '{"shuffle": false}', true),
  ('scale',             '{}', '{"scale": "center"}', true),
  ('validation_fraction', '{}', '{"validation_fraction": 0.3}', true),
  -- patience 1 with a min_delta no epoch can beat keeps epoch 1's weights
  ('patience',          '{"min_delta": 1000}', '{"patience": 1}', true),
  ('min_delta',         '{"patience": 1}', '{"min_delta": 1000}', true),
  -- a limit every epoch passes stops after the first
  ('max_seconds',       '{}', '{"max_seconds": 1e-9}', true),
  ('pretrain',          '{"hidden": [6, 3]}', '{"pretrain": "layerwise"}', true),
  ('pretrain_epochs',   '{"hidden": [6, 3], "pretrain": "layerwise"}', '{"pretrain_epochs": 2}', true),
  ('finetune_epochs',   '{"hidden": [6, 3], "pretrain": "layerwise"}', '{"finetune_epochs": 2}', true),
  ('max_rows',          '{}', '{"max_rows": 100}', true),
  ('variant',           '{}', '{"variant": "denoising"}', true),
  ('noise',             '{"variant": "denoising"}', '{"noise": {"type": "gaussian", "stddev": 0.5}}', true),
  ('sparsity_target',   '{"variant": "sparse", "activation": "sigmoid"}', '{"sparsity_target": 0.3}', true),
  ('sparsity_weight',   '{"variant": "sparse", "activation": "sigmoid"}', '{"sparsity_weight": 5}', true),
  ('contractive_weight', '{"variant": "contractive"}', '{"contractive_weight": 2}', true),
  ('l1_activity',       '{}', '{"l1_activity": 0.1}', true),
  ('beta',              '{"variant": "variational"}', '{"beta": 0.1}', true),
  -- these must not touch the weights: reporting, and the detection defaults
  ('verbose',           '{}', '{"verbose": true}', false),
  ('record_timings',    '{}', '{"record_timings": false}', false),
  ('contamination',     '{}', '{"contamination": 0.3}', false);

SET client_min_messages = warning;  -- verbose and max_rows notices
SELECT v.option,
       (fingerprint((SELECT autoencoder_train(features, v.base || '{"hidden": [4], "epochs": 3}' ORDER BY id) FROM sample)) <>
        fingerprint((SELECT autoencoder_train(features, v.base || '{"hidden": [4], "epochs": 3}' || v.extra ORDER BY id) FROM sample)))
       = v.must_change AS as_expected
FROM variants v ORDER BY v.option;
RESET client_min_messages;

-- ae_fit's own option, shuffle_buffer: a buffer smaller than the data
-- shuffles differently
SELECT fingerprint((SELECT model FROM ae_fit('SELECT features FROM test_ae_by_hand.sample ORDER BY id',
                      '{"hidden": [4], "epochs": 3}') WHERE model IS NOT NULL)) <>
       fingerprint((SELECT model FROM ae_fit('SELECT features FROM test_ae_by_hand.sample ORDER BY id',
                      '{"hidden": [4], "epochs": 3, "shuffle_buffer": 20}') WHERE model IS NOT NULL))
       AS shuffle_buffer_changes;
