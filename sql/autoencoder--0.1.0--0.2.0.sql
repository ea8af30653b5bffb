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
-- (denoising, sparse and contractive are options of autoencoder_train and
-- ae_fit: no new SQL objects)
------------------------------------------------------------------------

------------------------------------------------------------------------
-- Outlier detection: score methods, thresholds, explanations
------------------------------------------------------------------------
