/* sql/autoencoder--0.1.0--0.2.0.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION autoencoder UPDATE TO '0.2.0'" to load this file. \quit

-- CREATE EXTENSION autoencoder installs 0.1.0 and then runs this script, so
-- fresh installs and upgraded ones have the same objects.  Objects are
-- grouped by feature; each group says what it adds.

------------------------------------------------------------------------
-- Reliability: argument types, safer defaults
------------------------------------------------------------------------

------------------------------------------------------------------------
-- Autoencoder variants: denoising, sparse, contractive, variational
------------------------------------------------------------------------

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
