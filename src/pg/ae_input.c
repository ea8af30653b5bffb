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

/*
 * Report the first element of src (n values of the array's element type)
 * that is not finite or, with float_range, not representable as a real.
 * Called only after a tight loop has found that some element is bad, so
 * the per-row path pays one test per row instead of one call per element.
 */
static void
report_bad_element(ArrayType *a, int n, bool float_range, const char *what)
{
	for (int i = 0; i < n; i++)
	{
		double		v = ARR_ELEMTYPE(a) == FLOAT8OID ?
			((const double *) ARR_DATA_PTR(a))[i] :
			((const float *) ARR_DATA_PTR(a))[i];

		ae_check_finite(v, i + 1, what);
		if (float_range && fabs(v) > FLT_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s element %d is out of range for real: %g",
							what, i + 1, v)));
	}
	elog(ERROR, "report_bad_element: no bad element in %s", what);
}

/*
 * Copies a checked array of length n into doubles, checking finiteness.
 * v - v is 0 for a finite v and NaN otherwise (NaN != 0), so the sum of
 * those is 0 exactly when every element is finite: one branch per row.
 */
void
ae_array_to_doubles(ArrayType *a, double *out, int n, const char *what)
{
	double		bad = 0;

	if (ARR_ELEMTYPE(a) == FLOAT8OID)
	{
		const double *src = (const double *) ARR_DATA_PTR(a);

		for (int i = 0; i < n; i++)
		{
			out[i] = src[i];
			bad += src[i] - src[i];
		}
	}
	else
	{
		const float *src = (const float *) ARR_DATA_PTR(a);

		for (int i = 0; i < n; i++)
		{
			out[i] = src[i];
			bad += out[i] - out[i];
		}
	}
	if (bad != 0)
		report_bad_element(a, n, false, what);
}

/* Copies a checked array of length n into floats, checking finiteness. */
void
ae_array_to_floats(ArrayType *a, float *out, int n, const char *what)
{
	if (ARR_ELEMTYPE(a) == FLOAT8OID)
	{
		const double *src = (const double *) ARR_DATA_PTR(a);
		double		bad = 0;
		int			over = 0;

		for (int i = 0; i < n; i++)
		{
			out[i] = (float) src[i];
			bad += src[i] - src[i];
			over |= fabs(src[i]) > FLT_MAX;
		}
		if (bad != 0 || over)
			report_bad_element(a, n, true, what);
	}
	else
	{
		const float *src = (const float *) ARR_DATA_PTR(a);
		float		bad = 0;

		for (int i = 0; i < n; i++)
		{
			out[i] = src[i];
			bad += src[i] - src[i];
		}
		if (bad != 0)
			report_bad_element(a, n, false, what);
	}
}

/*
 * A 1-D array of the given element type (real or double precision), built
 * in one allocation (construct_array would need a Datum per element too:
 * this is on the per-row path of ae_encode and ae_reconstruct).
 */
ArrayType *
ae_doubles_to_array(const double *v, int n, Oid elemtype)
{
	Size		elsize = elemtype == FLOAT4OID ? sizeof(float4) : sizeof(float8);
	Size		nbytes = ARR_OVERHEAD_NONULLS(1) + elsize * (Size) n;
	ArrayType  *a = (ArrayType *) palloc(nbytes);

	SET_VARSIZE(a, nbytes);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = elemtype;
	ARR_DIMS(a)[0] = n;
	ARR_LBOUND(a)[0] = 1;
	if (elemtype == FLOAT4OID)
	{
		float4	   *out = (float4 *) ARR_DATA_PTR(a);

		for (int i = 0; i < n; i++)
			out[i] = (float4) v[i];
	}
	else
		memcpy(ARR_DATA_PTR(a), v, sizeof(float8) * (Size) n);
	return a;
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
