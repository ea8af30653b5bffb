/* test/bench/floor/ae_bench_floor--1.0.sql */

\echo Use "CREATE EXTENSION ae_bench_floor" to load this file. \quit

-- bench_floor(x): sum of every element of every row, read in C the way the
-- extension reads its input (detoast, check 1-D and no NULLs, loop); the
-- floor that pca_train and scoring are compared with.
CREATE FUNCTION bench_floor_accum(float8, real[]) RETURNS float8
AS 'MODULE_PATHNAME', 'bench_floor_accum_float4'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bench_floor_accum(float8, float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'bench_floor_accum_float8'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE bench_floor(real[]) (
	SFUNC = bench_floor_accum, STYPE = float8, INITCOND = '0',
	COMBINEFUNC = float8pl, PARALLEL = SAFE);

CREATE AGGREGATE bench_floor(float8[]) (
	SFUNC = bench_floor_accum, STYPE = float8, INITCOND = '0',
	COMBINEFUNC = float8pl, PARALLEL = SAFE);

-- bench_floor_row(x): the same read as a scalar function, the floor of a
-- per-row function such as ae_anomaly_score under sum()
CREATE FUNCTION bench_floor_row(real[]) RETURNS float8
AS 'MODULE_PATHNAME', 'bench_floor_row_float4'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bench_floor_row(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'bench_floor_row_float8'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
