/*-------------------------------------------------------------------------
 *
 * ae_agg.c
 *	  What the transition and combine functions of pca_train and
 *	  autoencoder_train share: the aggregate-context check, reading a row
 *	  and its options, and the checks that every row and every partial
 *	  state agree on width and options.
 *
 *-------------------------------------------------------------------------
 */
#include "autoencoder.h"

#include "miscadmin.h"
#include "nodes/primnodes.h"

/* Refuse a support function called outside its aggregate. */
void
ae_agg_require_context(FunctionCallInfo fcinfo, const char *func,
					   const char *agg)
{
	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s can only be called as part of the %s aggregate", func, agg)));
}

/* CRC of an options value (0 for none), to spot options that change. */
uint32
ae_options_crc(Jsonb *options)
{
	return options ? ae_crc32(0, options, VARSIZE(options)) : 0;
}

/*
 * The checked row (argument 1) of a transition function, its width, and
 * its options (argument 2, NULL when absent).  The caller has handled a
 * NULL row; what names the row in errors ("pca_train input").
 */
ArrayType *
ae_agg_row(FunctionCallInfo fcinfo, const char *what, Jsonb **options, int *d)
{
	ArrayType  *x = ae_array_as_float8(PG_GETARG_ARRAYTYPE_P(1));

	*options = (PG_NARGS() > 2 && !PG_ARGISNULL(2)) ? PG_GETARG_JSONB_P(2) : NULL;
	ae_check_array(x, what);
	*d = ae_array_length(x);
	return x;
}

/*
 * CRC of a transition function's options (argument 2), computed once per
 * call site when the query passes them as a constant.  The checksum used to
 * be recomputed on every row, a quarter of pca_train's time; a constant's
 * value cannot change between rows, so it is checked once.  Options given
 * by any other expression (a column, a parameter) are still checked on
 * every row.
 */
static uint32
options_crc_cached(FunctionCallInfo fcinfo, Jsonb *options)
{
	typedef struct OptionsCache
	{
		bool		constant;	/* argument 2 is a Const in the Aggref */
		bool		have_crc;
		uint32		crc;
	} OptionsCache;
	OptionsCache *oc = (OptionsCache *) fcinfo->flinfo->fn_extra;

	if (oc == NULL)
	{
		Aggref	   *aggref = AggGetAggref(fcinfo);

		oc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(OptionsCache));
		if (aggref && list_length(aggref->args) >= 2)
		{
			TargetEntry *tle = (TargetEntry *) lsecond(aggref->args);

			oc->constant = IsA(tle->expr, Const);
		}
		fcinfo->flinfo->fn_extra = oc;
	}
	if (!oc->constant)
		return ae_options_crc(options);
	if (!oc->have_crc)
	{
		oc->crc = ae_options_crc(options);
		oc->have_crc = true;
	}
	return oc->crc;
}

/* A row after the first must match the state's width and options. */
void
ae_agg_check_row(FunctionCallInfo fcinfo, const char *agg, int state_d,
				 uint32 state_crc, int d, Jsonb *options, int64 row_number)
{
	if (d != state_d)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("expected %d elements, not %d", state_d, d),
				 errdetail("Every row of one %s call must have the same length; row " INT64_FORMAT " differs.",
						   agg, row_number)));
	if (options_crc_cached(fcinfo, options) != state_crc)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options of %s must be the same for every row", agg),
				 errhint("Pass the options as a constant.")));
}

/* Two partial states being combined must agree on width and options. */
void
ae_agg_check_states(const char *agg, int d_a, uint32 crc_a, int d_b,
					uint32 crc_b)
{
	if (d_a != d_b)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("expected %d elements, not %d", d_a, d_b),
				 errdetail("Every row of one %s call must have the same length.", agg)));
	if (crc_a != crc_b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options of %s must be the same for every row", agg),
				 errhint("Pass the options as a constant.")));
}

/*
 * A state argument at a MAXALIGNed address: a datum pointing into a
 * tuple may be only int-aligned, and states hold int64 and double fields.
 */
bytea *
ae_agg_aligned(bytea *b)
{
	bytea	   *copy;

	if (((uintptr_t) b) % MAXIMUM_ALIGNOF == 0)
		return b;
	copy = palloc(VARSIZE_ANY(b));
	memcpy(copy, b, VARSIZE_ANY(b));
	return copy;
}

/* splitmix64: the samples' random numbers. */
uint64
ae_sample_random(uint64 *state)
{
	uint64		z = (*state += UINT64CONST(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Uniform integer in [0, n). */
int64
ae_sample_below(uint64 *state, int64 n)
{
	return (int64) (ae_sample_random(state) % (uint64) n);
}

/*
 * How many of the k rows of a uniform sample of the union of two row sets
 * (seen_a and seen_b rows) come from the first: the hypergeometric law of
 * drawing k rows without replacement, simulated draw by draw.
 */
int64
ae_sample_split(uint64 *rng, int64 k, int64 seen_a, int64 seen_b)
{
	int64		take_a = 0;

	for (int64 i = 0; i < k; i++)
	{
		if (ae_sample_below(rng, seen_a + seen_b) < seen_a)
		{
			take_a++;
			seen_a--;
		}
		else
			seen_b--;
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return take_a;
}

/*
 * Append want rows chosen uniformly from src (src_n rows of row_bytes) to
 * dst (*dst_n rows so far), in their order: selection sampling (Knuth,
 * TAOCP vol. 2, 3.4.2, algorithm S), constant memory.
 */
void
ae_sample_take_rows(uint64 *rng, void *dst, int64 *dst_n, const void *src,
					int64 src_n, int64 want, Size row_bytes)
{
	for (int64 i = 0; i < src_n && want > 0; i++)
	{
		if (ae_sample_below(rng, src_n - i) < want)
		{
			memcpy((char *) dst + (Size) *dst_n * row_bytes,
				   (const char *) src + (Size) i * row_bytes, row_bytes);
			(*dst_n)++;
			want--;
		}
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}
