/*-------------------------------------------------------------------------
 *
 * ae_bench_floor.c
 *	  The benchmarks' floor: functions that read every element of a real[]
 *	  or float8[] row and do nothing else.
 *
 * The autoencoder extension's per-row work (pca_train's accumulation,
 * scoring) is measured as a ratio to a query that costs what any C
 * aggregate over the same arrays must pay: the executor, detoasting, the
 * array checks and one pass over the elements.  The sum is returned so
 * that the compiler cannot drop the pass.  Not part of the product.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(bench_floor_accum_float4);
PG_FUNCTION_INFO_V1(bench_floor_accum_float8);
PG_FUNCTION_INFO_V1(bench_floor_row_float4);
PG_FUNCTION_INFO_V1(bench_floor_row_float8);

/*
 * Sum n elements of v into s with four independent accumulators, so that the
 * pass is not bound by the latency of one chain of additions: the floor
 * should be as cheap as reading can be.
 */
#define READ_ALL(v) \
	do { \
		double		s0 = 0, s1 = 0, s2 = 0, s3 = 0; \
		int			i; \
		for (i = 0; i + 4 <= n; i += 4) \
		{ \
			s0 += (v)[i]; s1 += (v)[i + 1]; s2 += (v)[i + 2]; s3 += (v)[i + 3]; \
		} \
		for (; i < n; i++) \
			s0 += (v)[i]; \
		s = (s0 + s1) + (s2 + s3); \
	} while (0)

/* Sum of the elements of a 1-D array without NULLs of the given type. */
static double
read_all(ArrayType *a, Oid elemtype)
{
	int			n;
	double		s = 0;

	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != elemtype)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("bench_floor needs a one-dimensional array without NULLs")));
	n = ARR_DIMS(a)[0];
	if (elemtype == FLOAT4OID)
	{
		const float *v = (const float *) ARR_DATA_PTR(a);

		READ_ALL(v);
	}
	else
	{
		const double *v = (const double *) ARR_DATA_PTR(a);

		READ_ALL(v);
	}
	return s;
}

/* Transition: state + sum of the row's elements. */
Datum
bench_floor_accum_float4(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(PG_GETARG_FLOAT8(0) +
					 read_all(PG_GETARG_ARRAYTYPE_P(1), FLOAT4OID));
}

/* Transition: state + sum of the row's elements. */
Datum
bench_floor_accum_float8(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(PG_GETARG_FLOAT8(0) +
					 read_all(PG_GETARG_ARRAYTYPE_P(1), FLOAT8OID));
}

/* Sum of the row's elements. */
Datum
bench_floor_row_float4(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(read_all(PG_GETARG_ARRAYTYPE_P(0), FLOAT4OID));
}

/* Sum of the row's elements. */
Datum
bench_floor_row_float8(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(read_all(PG_GETARG_ARRAYTYPE_P(0), FLOAT8OID));
}
