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
