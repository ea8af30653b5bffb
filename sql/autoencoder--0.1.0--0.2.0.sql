/* sql/autoencoder--0.1.0--0.2.0.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION autoencoder UPDATE TO '0.2.0'" to load this file. \quit

-- CREATE EXTENSION autoencoder installs 0.1.0 and then runs this script, so
-- fresh installs and upgraded ones have the same objects.  Objects are
-- grouped by feature; each group says what it adds.

------------------------------------------------------------------------
-- Reliability: argument types, safer defaults
------------------------------------------------------------------------

-- integer[], bigint[] and numeric[] rows, and untyped literals such as
-- '{1,2,3}', were ambiguous between the real[] and double precision[]
-- versions (42725).  These overloads take them as double precision[].
-- Scoring: SQL-standard bodies, bound when created (no search_path
-- lookup at call time) and inlined by the planner, so the per-call-site
-- model cache still applies.  The text versions exist for untyped
-- literals: PostgreSQL resolves an unknown literal to the string category.

CREATE FUNCTION ae_encode(model bytea, x integer[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_encode(model, x::double precision[]);
END;

CREATE FUNCTION ae_encode(model bytea, x bigint[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_encode(model, x::double precision[]);
END;

CREATE FUNCTION ae_encode(model bytea, x numeric[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_encode(model, x::double precision[]);
END;

CREATE FUNCTION ae_encode(model bytea, x text)
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_encode(model, x::double precision[]);
END;

CREATE FUNCTION ae_decode(model bytea, code integer[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_decode(model, code::double precision[]);
END;

CREATE FUNCTION ae_decode(model bytea, code bigint[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_decode(model, code::double precision[]);
END;

CREATE FUNCTION ae_decode(model bytea, code numeric[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_decode(model, code::double precision[]);
END;

CREATE FUNCTION ae_decode(model bytea, code text)
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_decode(model, code::double precision[]);
END;

CREATE FUNCTION ae_reconstruct(model bytea, x integer[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_reconstruct(model, x::double precision[]);
END;

CREATE FUNCTION ae_reconstruct(model bytea, x bigint[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_reconstruct(model, x::double precision[]);
END;

CREATE FUNCTION ae_reconstruct(model bytea, x numeric[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_reconstruct(model, x::double precision[]);
END;

CREATE FUNCTION ae_reconstruct(model bytea, x text)
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_reconstruct(model, x::double precision[]);
END;

CREATE FUNCTION ae_anomaly_score(model bytea, x integer[])
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_score(model, x::double precision[]);
END;

CREATE FUNCTION ae_anomaly_score(model bytea, x bigint[])
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_score(model, x::double precision[]);
END;

CREATE FUNCTION ae_anomaly_score(model bytea, x numeric[])
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_score(model, x::double precision[]);
END;

CREATE FUNCTION ae_anomaly_score(model bytea, x text)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_score(model, x::double precision[]);
END;

-- Training: the transition functions convert integer and numeric rows to
-- double precision themselves (src/pg/ae_input.c).

CREATE FUNCTION pca_train_accum(bytea, integer[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'pca_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION pca_train_accum(bytea, integer[], jsonb)
RETURNS bytea
AS 'MODULE_PATHNAME', 'pca_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE pca_train(integer[]) (
	SFUNC = pca_train_accum,
	STYPE = bytea,
	FINALFUNC = pca_train_final,
	COMBINEFUNC = pca_train_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE pca_train(integer[], jsonb) (
	SFUNC = pca_train_accum,
	STYPE = bytea,
	FINALFUNC = pca_train_final,
	COMBINEFUNC = pca_train_combine,
	PARALLEL = SAFE
);

CREATE FUNCTION pca_train_accum(bytea, bigint[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'pca_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION pca_train_accum(bytea, bigint[], jsonb)
RETURNS bytea
AS 'MODULE_PATHNAME', 'pca_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE pca_train(bigint[]) (
	SFUNC = pca_train_accum,
	STYPE = bytea,
	FINALFUNC = pca_train_final,
	COMBINEFUNC = pca_train_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE pca_train(bigint[], jsonb) (
	SFUNC = pca_train_accum,
	STYPE = bytea,
	FINALFUNC = pca_train_final,
	COMBINEFUNC = pca_train_combine,
	PARALLEL = SAFE
);

CREATE FUNCTION pca_train_accum(bytea, numeric[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'pca_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION pca_train_accum(bytea, numeric[], jsonb)
RETURNS bytea
AS 'MODULE_PATHNAME', 'pca_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE pca_train(numeric[]) (
	SFUNC = pca_train_accum,
	STYPE = bytea,
	FINALFUNC = pca_train_final,
	COMBINEFUNC = pca_train_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE pca_train(numeric[], jsonb) (
	SFUNC = pca_train_accum,
	STYPE = bytea,
	FINALFUNC = pca_train_final,
	COMBINEFUNC = pca_train_combine,
	PARALLEL = SAFE
);

CREATE FUNCTION autoencoder_train_accum(bytea, integer[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'autoencoder_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION autoencoder_train_accum(bytea, integer[], jsonb)
RETURNS bytea
AS 'MODULE_PATHNAME', 'autoencoder_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE autoencoder_train(integer[]) (
	SFUNC = autoencoder_train_accum,
	STYPE = bytea,
	FINALFUNC = autoencoder_train_final,
	COMBINEFUNC = autoencoder_train_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE autoencoder_train(integer[], jsonb) (
	SFUNC = autoencoder_train_accum,
	STYPE = bytea,
	FINALFUNC = autoencoder_train_final,
	COMBINEFUNC = autoencoder_train_combine,
	PARALLEL = SAFE
);

CREATE FUNCTION autoencoder_train_accum(bytea, bigint[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'autoencoder_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION autoencoder_train_accum(bytea, bigint[], jsonb)
RETURNS bytea
AS 'MODULE_PATHNAME', 'autoencoder_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE autoencoder_train(bigint[]) (
	SFUNC = autoencoder_train_accum,
	STYPE = bytea,
	FINALFUNC = autoencoder_train_final,
	COMBINEFUNC = autoencoder_train_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE autoencoder_train(bigint[], jsonb) (
	SFUNC = autoencoder_train_accum,
	STYPE = bytea,
	FINALFUNC = autoencoder_train_final,
	COMBINEFUNC = autoencoder_train_combine,
	PARALLEL = SAFE
);

CREATE FUNCTION autoencoder_train_accum(bytea, numeric[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'autoencoder_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION autoencoder_train_accum(bytea, numeric[], jsonb)
RETURNS bytea
AS 'MODULE_PATHNAME', 'autoencoder_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE autoencoder_train(numeric[]) (
	SFUNC = autoencoder_train_accum,
	STYPE = bytea,
	FINALFUNC = autoencoder_train_final,
	COMBINEFUNC = autoencoder_train_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE autoencoder_train(numeric[], jsonb) (
	SFUNC = autoencoder_train_accum,
	STYPE = bytea,
	FINALFUNC = autoencoder_train_final,
	COMBINEFUNC = autoencoder_train_combine,
	PARALLEL = SAFE
);

------------------------------------------------------------------------
-- Autoencoder variants: denoising, sparse, contractive, variational
-- (the variants are options of autoencoder_train and ae_fit; the
-- variational autoencoder adds sampling, and its history two terms)
------------------------------------------------------------------------

-- ae_sample(model, n [, seed]): n rows decoded from codes drawn from the
-- prior of a variational autoencoder; row i of a seed is always the same
CREATE FUNCTION ae_sample(model bytea, n integer, seed bigint DEFAULT 42)
RETURNS SETOF double precision[]
AS 'MODULE_PATHNAME', 'ae_sample'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;

-- ae_training_terms(model): the history in long form, one row per epoch
-- and recorded term ("loss", "val_loss", and a variational autoencoder's
-- "reconstruction" and "kl"), so a new term is a new row, never a new
-- column.  0.1.0's ae_training_history keeps its five columns (user views
-- depend on it).
CREATE FUNCTION ae_training_terms(model bytea)
RETURNS TABLE(epoch integer, phase text, term text, value double precision)
AS 'MODULE_PATHNAME', 'ae_training_terms'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;

------------------------------------------------------------------------
-- Outlier detection: score methods, thresholds, explanations
------------------------------------------------------------------------

-- ae_anomaly_score(model, x, method): "reconstruction" for every model;
-- "mahalanobis" and "full" for PCA.  Without a method, the model's default.
CREATE FUNCTION ae_anomaly_score(model bytea, x real[], method text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'ae_anomaly_score'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_anomaly_score(model bytea, x double precision[], method text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'ae_anomaly_score'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ae_feature_errors(model, x): each feature's squared reconstruction error
-- in the scaled space (their mean is the reconstruction score).
CREATE FUNCTION ae_feature_errors(model bytea, x real[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'ae_feature_errors'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_feature_errors(model bytea, x double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'ae_feature_errors'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ae_anomaly_percentile(model, x [, method]): share of training rows that
-- scored lower, from the quantiles the model keeps (0.2.0 models)
CREATE FUNCTION ae_anomaly_percentile(model bytea, x real[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'ae_anomaly_percentile'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_anomaly_percentile(model bytea, x double precision[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'ae_anomaly_percentile'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_anomaly_percentile(model bytea, x real[], method text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'ae_anomaly_percentile'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_anomaly_percentile(model bytea, x double precision[], method text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'ae_anomaly_percentile'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ae_is_anomaly(model, x [, contamination [, method]]): score above the
-- (1 - contamination) quantile of the training scores
CREATE FUNCTION ae_is_anomaly(model bytea, x real[])
RETURNS boolean
AS 'MODULE_PATHNAME', 'ae_is_anomaly'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_is_anomaly(model bytea, x double precision[])
RETURNS boolean
AS 'MODULE_PATHNAME', 'ae_is_anomaly'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_is_anomaly(model bytea, x real[], contamination double precision)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ae_is_anomaly'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_is_anomaly(model bytea, x double precision[], contamination double precision)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ae_is_anomaly'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_is_anomaly(model bytea, x real[], contamination double precision, method text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ae_is_anomaly'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_is_anomaly(model bytea, x double precision[], contamination double precision, method text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ae_is_anomaly'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

------------------------------------------------------------------------
-- Reliability, continued: integer[], bigint[], numeric[] and untyped
-- literals for the functions above, as for the scoring functions (these
-- SQL-standard bodies must follow the functions they call)
------------------------------------------------------------------------

CREATE FUNCTION ae_anomaly_score(model bytea, x integer[], method text)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_score(model, x::double precision[], method);
END;

CREATE FUNCTION ae_anomaly_score(model bytea, x bigint[], method text)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_score(model, x::double precision[], method);
END;

CREATE FUNCTION ae_anomaly_score(model bytea, x numeric[], method text)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_score(model, x::double precision[], method);
END;

CREATE FUNCTION ae_anomaly_score(model bytea, x text, method text)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_score(model, x::double precision[], method);
END;

CREATE FUNCTION ae_feature_errors(model bytea, x integer[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_feature_errors(model, x::double precision[]);
END;

CREATE FUNCTION ae_feature_errors(model bytea, x bigint[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_feature_errors(model, x::double precision[]);
END;

CREATE FUNCTION ae_feature_errors(model bytea, x numeric[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_feature_errors(model, x::double precision[]);
END;

CREATE FUNCTION ae_feature_errors(model bytea, x text)
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_feature_errors(model, x::double precision[]);
END;

CREATE FUNCTION ae_anomaly_percentile(model bytea, x integer[])
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_percentile(model, x::double precision[]);
END;

CREATE FUNCTION ae_anomaly_percentile(model bytea, x bigint[])
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_percentile(model, x::double precision[]);
END;

CREATE FUNCTION ae_anomaly_percentile(model bytea, x numeric[])
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_percentile(model, x::double precision[]);
END;

CREATE FUNCTION ae_anomaly_percentile(model bytea, x text)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_percentile(model, x::double precision[]);
END;

CREATE FUNCTION ae_anomaly_percentile(model bytea, x integer[], method text)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_percentile(model, x::double precision[], method);
END;

CREATE FUNCTION ae_anomaly_percentile(model bytea, x bigint[], method text)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_percentile(model, x::double precision[], method);
END;

CREATE FUNCTION ae_anomaly_percentile(model bytea, x numeric[], method text)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_percentile(model, x::double precision[], method);
END;

CREATE FUNCTION ae_anomaly_percentile(model bytea, x text, method text)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_anomaly_percentile(model, x::double precision[], method);
END;

CREATE FUNCTION ae_is_anomaly(model bytea, x integer[])
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_is_anomaly(model, x::double precision[]);
END;

CREATE FUNCTION ae_is_anomaly(model bytea, x bigint[])
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_is_anomaly(model, x::double precision[]);
END;

CREATE FUNCTION ae_is_anomaly(model bytea, x numeric[])
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_is_anomaly(model, x::double precision[]);
END;

CREATE FUNCTION ae_is_anomaly(model bytea, x text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_is_anomaly(model, x::double precision[]);
END;

CREATE FUNCTION ae_is_anomaly(model bytea, x integer[], contamination double precision)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_is_anomaly(model, x::double precision[], contamination);
END;

CREATE FUNCTION ae_is_anomaly(model bytea, x bigint[], contamination double precision)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_is_anomaly(model, x::double precision[], contamination);
END;

CREATE FUNCTION ae_is_anomaly(model bytea, x numeric[], contamination double precision)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_is_anomaly(model, x::double precision[], contamination);
END;

CREATE FUNCTION ae_is_anomaly(model bytea, x text, contamination double precision)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_is_anomaly(model, x::double precision[], contamination);
END;

CREATE FUNCTION ae_is_anomaly(model bytea, x integer[], contamination double precision, method text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_is_anomaly(model, x::double precision[], contamination, method);
END;

CREATE FUNCTION ae_is_anomaly(model bytea, x bigint[], contamination double precision, method text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_is_anomaly(model, x::double precision[], contamination, method);
END;

CREATE FUNCTION ae_is_anomaly(model bytea, x numeric[], contamination double precision, method text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_is_anomaly(model, x::double precision[], contamination, method);
END;

CREATE FUNCTION ae_is_anomaly(model bytea, x text, contamination double precision, method text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT ae_is_anomaly(model, x::double precision[], contamination, method);
END;
