/*-------------------------------------------------------------------------
 *
 * ae_input.c
 *	  Checks and conversions for real[] and double precision[] arguments:
 *	  one dimension, no NULL elements, finite values, size limits.
 *
 *-------------------------------------------------------------------------
 */
#include "autoencoder.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* One-dimensional, non-empty, NULL-free real[] or double precision[]. */
void
ae_check_array(ArrayType *a, const char *what)
{
	Oid			elem = ARR_ELEMTYPE(a);

	if (elem != FLOAT4OID && elem != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s must be real[] or double precision[]", what)));
	if (ARR_NDIM(a) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must not be empty", what)));
	if (ARR_NDIM(a) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must have 1 dimension, not %d", what, ARR_NDIM(a)),
				 errhint("Flatten the array, or pass one row per array.")));
	if (array_contains_nulls(a))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not contain NULL elements", what),
				 errhint("Replace missing values before training or scoring, e.g. with coalesce().")));
	if (ARR_DIMS(a)[0] > AE_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s has %d elements, at most %d are supported",
						what, ARR_DIMS(a)[0], AE_MAX_FEATURES)));
}

/* Number of elements of a checked 1-D array. */
int
ae_array_length(ArrayType *a)
{
	return ARR_DIMS(a)[0];
}

/* Error for a NaN or infinite element (1-based). */
void
ae_check_finite(double v, int element, const char *what)
{
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s element %d is %s", what, element,
						isnan(v) ? "NaN" : "infinite"),
				 errdetail("Only finite values can be trained on or scored."),
				 errhint("Filter such rows out, or replace the value before calling the function.")));
}

/* Copies a checked array of length n into doubles, checking finiteness. */
void
ae_array_to_doubles(ArrayType *a, double *out, int n, const char *what)
{
	if (ARR_ELEMTYPE(a) == FLOAT8OID)
	{
		const double *src = (const double *) ARR_DATA_PTR(a);

		for (int i = 0; i < n; i++)
		{
			out[i] = src[i];
			ae_check_finite(out[i], i + 1, what);
		}
	}
	else
	{
		const float *src = (const float *) ARR_DATA_PTR(a);

		for (int i = 0; i < n; i++)
		{
			out[i] = src[i];
			ae_check_finite(out[i], i + 1, what);
		}
	}
}

/* Copies a checked array of length n into floats, checking finiteness. */
void
ae_array_to_floats(ArrayType *a, float *out, int n, const char *what)
{
	if (ARR_ELEMTYPE(a) == FLOAT8OID)
	{
		const double *src = (const double *) ARR_DATA_PTR(a);

		for (int i = 0; i < n; i++)
		{
			ae_check_finite(src[i], i + 1, what);
			if (fabs(src[i]) > FLT_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("%s element %d is out of range for real: %g",
								what, i + 1, src[i])));
			out[i] = (float) src[i];
		}
	}
	else
	{
		const float *src = (const float *) ARR_DATA_PTR(a);

		for (int i = 0; i < n; i++)
		{
			out[i] = src[i];
			ae_check_finite(out[i], i + 1, what);
		}
	}
}

/* A 1-D array of the given element type (real or double precision). */
ArrayType *
ae_doubles_to_array(const double *v, int n, Oid elemtype)
{
	Datum	   *elems = palloc(sizeof(Datum) * n);

	for (int i = 0; i < n; i++)
		elems[i] = elemtype == FLOAT4OID ? Float4GetDatum((float) v[i])
			: Float8GetDatum(v[i]);
	if (elemtype == FLOAT4OID)
		return construct_array(elems, n, FLOAT4OID, sizeof(float4), true,
							   TYPALIGN_INT);
	return construct_array(elems, n, FLOAT8OID, sizeof(float8),
						   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/*
 * An integer[], bigint[], smallint[] or numeric[] row as a new double
 * precision[] (NULL elements kept, so the usual checks report them);
 * other arrays are returned unchanged.  Lets the aggregates accept
 * integer and numeric rows without a cast.
 */
ArrayType *
ae_array_as_float8(ArrayType *a)
{
	Oid			elem = ARR_ELEMTYPE(a);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *values;
	bool	   *nulls;
	int			n;

	if (elem != INT2OID && elem != INT4OID && elem != INT8OID && elem != NUMERICOID)
		return a;
	get_typlenbyvalalign(elem, &typlen, &typbyval, &typalign);
	deconstruct_array(a, elem, typlen, typbyval, typalign, &values, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		double		v = 0;

		if (nulls[i])
			continue;
		switch (elem)
		{
			case INT2OID:
				v = DatumGetInt16(values[i]);
				break;
			case INT4OID:
				v = DatumGetInt32(values[i]);
				break;
			case INT8OID:
				v = (double) DatumGetInt64(values[i]);
				break;
			default:
				v = DatumGetFloat8(DirectFunctionCall1(numeric_float8, values[i]));
				break;
		}
		values[i] = Float8GetDatum(v);
	}
	return construct_md_array(values, nulls, ARR_NDIM(a), ARR_DIMS(a), ARR_LBOUND(a),
							  FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}
