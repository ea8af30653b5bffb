/* sql/autoencoder--0.1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION autoencoder" to load this file. \quit

------------------------------------------------------------------------
-- PCA training aggregate
------------------------------------------------------------------------

-- Transition functions take (state, row [, options]); NULL rows are skipped.
CREATE FUNCTION pca_train_accum(bytea, real[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'pca_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION pca_train_accum(bytea, real[], jsonb)
RETURNS bytea
AS 'MODULE_PATHNAME', 'pca_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION pca_train_accum(bytea, double precision[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'pca_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION pca_train_accum(bytea, double precision[], jsonb)
RETURNS bytea
AS 'MODULE_PATHNAME', 'pca_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION pca_train_combine(bytea, bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'pca_train_combine'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION pca_train_final(bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'pca_train_final'
LANGUAGE C STRICT PARALLEL SAFE;

CREATE AGGREGATE pca_train(real[]) (
	SFUNC = pca_train_accum,
	STYPE = bytea,
	FINALFUNC = pca_train_final,
	COMBINEFUNC = pca_train_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE pca_train(real[], jsonb) (
	SFUNC = pca_train_accum,
	STYPE = bytea,
	FINALFUNC = pca_train_final,
	COMBINEFUNC = pca_train_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE pca_train(double precision[]) (
	SFUNC = pca_train_accum,
	STYPE = bytea,
	FINALFUNC = pca_train_final,
	COMBINEFUNC = pca_train_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE pca_train(double precision[], jsonb) (
	SFUNC = pca_train_accum,
	STYPE = bytea,
	FINALFUNC = pca_train_final,
	COMBINEFUNC = pca_train_combine,
	PARALLEL = SAFE
);

------------------------------------------------------------------------
-- Scoring: every model kind
------------------------------------------------------------------------

CREATE FUNCTION ae_encode(model bytea, x real[])
RETURNS real[]
AS 'MODULE_PATHNAME', 'ae_encode'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_encode(model bytea, x double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'ae_encode'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_decode(model bytea, code real[])
RETURNS real[]
AS 'MODULE_PATHNAME', 'ae_decode'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_decode(model bytea, code double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'ae_decode'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_reconstruct(model bytea, x real[])
RETURNS real[]
AS 'MODULE_PATHNAME', 'ae_reconstruct'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_reconstruct(model bytea, x double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'ae_reconstruct'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_anomaly_score(model bytea, x real[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'ae_anomaly_score'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ae_anomaly_score(model bytea, x double precision[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'ae_anomaly_score'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

------------------------------------------------------------------------
-- Introspection
------------------------------------------------------------------------

CREATE FUNCTION ae_model_info(model bytea)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ae_model_info'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION pca_components(model bytea)
RETURNS TABLE(component integer, eigenvalue double precision,
			  variance_ratio double precision,
			  cumulative_variance_ratio double precision,
			  loadings double precision[])
AS 'MODULE_PATHNAME', 'pca_components'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;

------------------------------------------------------------------------
-- Autoencoder training
------------------------------------------------------------------------

CREATE FUNCTION autoencoder_train_accum(bytea, real[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'autoencoder_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION autoencoder_train_accum(bytea, real[], jsonb)
RETURNS bytea
AS 'MODULE_PATHNAME', 'autoencoder_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION autoencoder_train_accum(bytea, double precision[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'autoencoder_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION autoencoder_train_accum(bytea, double precision[], jsonb)
RETURNS bytea
AS 'MODULE_PATHNAME', 'autoencoder_train_accum'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION autoencoder_train_combine(bytea, bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'autoencoder_train_combine'
LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION autoencoder_train_final(bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'autoencoder_train_final'
LANGUAGE C STRICT PARALLEL SAFE;

CREATE AGGREGATE autoencoder_train(real[]) (
	SFUNC = autoencoder_train_accum,
	STYPE = bytea,
	FINALFUNC = autoencoder_train_final,
	COMBINEFUNC = autoencoder_train_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE autoencoder_train(real[], jsonb) (
	SFUNC = autoencoder_train_accum,
	STYPE = bytea,
	FINALFUNC = autoencoder_train_final,
	COMBINEFUNC = autoencoder_train_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE autoencoder_train(double precision[]) (
	SFUNC = autoencoder_train_accum,
	STYPE = bytea,
	FINALFUNC = autoencoder_train_final,
	COMBINEFUNC = autoencoder_train_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE autoencoder_train(double precision[], jsonb) (
	SFUNC = autoencoder_train_accum,
	STYPE = bytea,
	FINALFUNC = autoencoder_train_final,
	COMBINEFUNC = autoencoder_train_combine,
	PARALLEL = SAFE
);

-- Streams the query through a cursor on every epoch; one row per epoch,
-- the model on the last one.  Runs with the caller's privileges.
CREATE FUNCTION ae_fit(query text, options jsonb DEFAULT '{}')
RETURNS TABLE(epoch integer, phase text, loss double precision,
			  val_loss double precision, seconds double precision, model bytea)
AS 'MODULE_PATHNAME', 'ae_fit'
LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 50;

CREATE FUNCTION ae_training_history(model bytea)
RETURNS TABLE(epoch integer, phase text, loss double precision,
			  val_loss double precision, seconds double precision)
AS 'MODULE_PATHNAME', 'ae_training_history'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;

CREATE FUNCTION ae_layer_weights(model bytea)
RETURNS TABLE(layer integer, unit integer, weights real[], bias real)
AS 'MODULE_PATHNAME', 'ae_layer_weights'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
