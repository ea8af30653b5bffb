/*-------------------------------------------------------------------------
 *
 * ae_train_agg.c
 *	  The autoencoder_train aggregate.  Its bytea state keeps the rows as
 *	  float4, up to a memory budget; past it, a uniform reservoir sample
 *	  (Vitter's algorithm R).  The combine function merges two samples
 *	  with the right weights, and the final function trains the network.
 *
 * The state is bytea, not internal, so that Citus can run the partial
 * aggregates on its workers and ship only their samples.  Its VARSIZE
 * covers the allocated capacity (unused rows are zero), so that growing
 * it geometrically survives the executor's copy of a new state pointer
 * into the aggregate context.
 *
 *-------------------------------------------------------------------------
 */
#include "autoencoder.h"

#include "../engine/ae_detect.h"

#include <math.h>

#include "access/parallel.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"


#define AE_STATE_MAGIC		0x53544541u /* "AETS" */
#define AE_STATE_VERSION	1
#define AE_STATE_MIN_ROWS	64

/* Memory budget for the rows of one aggregate state, in kB. */
int			ae_guc_max_train_memory = AE_DEFAULT_TRAIN_MEMORY_KB;

typedef struct AeTrainState
{
	int32		vl_len_;		/* varlena header */
	uint32		magic;
	uint16		version;
	uint16		reserved;
	int32		d;
	int32		options_len;	/* bytes of options JSON text (with its NUL) */
	uint32		options_crc;
	int64		seen;			/* non-NULL rows seen */
	int64		stored;			/* rows in the sample */
	int64		cap;			/* rows the state has room for */
	int64		max_rows;		/* sample size limit */
	uint64		rng;			/* reservoir random state */
} AeTrainState;

#define STATE_OPTIONS(s)	((char *) (s) + MAXALIGN(sizeof(AeTrainState)))
#define STATE_ROWS(s)		((float *) (STATE_OPTIONS(s) + MAXALIGN((s)->options_len)))

PG_FUNCTION_INFO_V1(autoencoder_train_accum);
PG_FUNCTION_INFO_V1(autoencoder_train_combine);
PG_FUNCTION_INFO_V1(autoencoder_train_final);

/* Bytes of a state with room for cap rows. */
static Size
state_size(int d, int options_len, int64 cap)
{
	return MAXALIGN(sizeof(AeTrainState)) + MAXALIGN(options_len) +
		(Size) cap * d * sizeof(float);
}

/* Rows seen by one aggregate: far beyond any table, and no int64 overflow when added. */
#define AE_MAX_SEEN		(INT64CONST(1) << 60)

/* The largest sample any setting allows for rows of width d. */
static int64
max_sample_rows(int d)
{
	return (int64) ((Size) AE_MAX_TRAIN_MEMORY_KB * 1024 / ((Size) d * sizeof(float)));
}

/* Refuse bytes that are not a well-formed state (they may come from users). */
static AeTrainState *
check_state(bytea *b, const char *func)
{
	AeTrainState *s;

	b = ae_agg_aligned(b);
	s = (AeTrainState *) b;

	/* header fields first, then the size they imply, then the contents */
	if (VARSIZE_ANY(b) < MAXALIGN(sizeof(AeTrainState)) || VARATT_IS_SHORT(b) ||
		s->magic != AE_STATE_MAGIC || s->version != AE_STATE_VERSION ||
		s->d < 1 || s->d > AE_MAX_FEATURES ||
		s->options_len < 0 || s->options_len > AE_MAX_TEXT ||
		s->max_rows < 2 || s->max_rows > max_sample_rows(s->d) ||
		s->seen < 0 || s->seen > AE_MAX_SEEN ||
		s->stored < 0 || s->stored > s->seen || s->stored > s->max_rows ||
		s->cap < 1 || s->cap < s->stored || s->cap > s->max_rows ||
		VARSIZE(b) != state_size(s->d, s->options_len, s->cap) ||
		(s->options_len > 0 && STATE_OPTIONS(s)[s->options_len - 1] != '\0'))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("%s was given an invalid autoencoder_train state", func),
				 errdetail("The state is not one that autoencoder_train_accum produced.")));
	return s;
}

/* Sample size limit from max_rows and autoencoder.max_train_memory. */
static int64
sample_limit(int d, int options_len, int64 max_rows)
{
	Size		budget = (Size) ae_guc_max_train_memory * 1024;
	Size		fixed = state_size(d, options_len, 0);
	int64		by_memory;

	by_memory = budget > fixed ? (int64) ((budget - fixed) / ((Size) d * sizeof(float))) : 0;
	by_memory = Max(by_memory, 2);
	by_memory = Min(by_memory, max_sample_rows(d));
	return max_rows > 0 ? Min(max_rows, by_memory) : by_memory;
}

/* A new state (in the current context) with room for cap rows. */
static AeTrainState *
alloc_state(int d, const char *options, int options_len, int64 cap)
{
	Size		size = state_size(d, options_len, cap);
	AeTrainState *s;

	if (size > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("autoencoder_train state of %zu bytes exceeds the 1 GB limit", size),
				 errhint("Lower autoencoder.max_train_memory or the max_rows option.")));
	s = palloc_extended(size, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	SET_VARSIZE(s, size);
	s->magic = AE_STATE_MAGIC;
	s->version = AE_STATE_VERSION;
	s->d = d;
	s->options_len = options_len;
	s->cap = cap;
	if (options_len > 0)
		memcpy(STATE_OPTIONS(s), options, options_len);
	return s;
}

/* A copy of s with room for cap rows (the executor adopts it). */
static AeTrainState *
grow_state(AeTrainState *s, int64 cap)
{
	AeTrainState *n = alloc_state(s->d, STATE_OPTIONS(s), s->options_len, cap);

	n->options_crc = s->options_crc;
	n->seen = s->seen;
	n->stored = s->stored;
	n->max_rows = s->max_rows;
	n->rng = s->rng;
	memcpy(STATE_ROWS(n), STATE_ROWS(s), (Size) s->stored * s->d * sizeof(float));
	return n;
}

/*
 * The first row: validate options now so mistakes surface early.  The
 * state keeps them as JSON text, which the final function parses again:
 * text is safe to parse whatever bytes a state holds, binary jsonb is not.
 */
static AeTrainState *
new_state(int d, Jsonb *options)
{
	AeTrainSettings set;
	AeTrainState *s;
	char	   *text = options ? JsonbToCString(NULL, &options->root, VARSIZE(options)) : NULL;
	int			options_len = text ? strlen(text) + 1 : 0;

	ae_parse_train_options(options, false, "autoencoder_train", &set);
	ae_finish_net_config(&set, d, "autoencoder_train");
	s = alloc_state(d, text, options_len,
					Min(AE_STATE_MIN_ROWS, sample_limit(d, options_len, set.max_rows)));
	s->options_crc = ae_options_crc(options);
	s->max_rows = sample_limit(d, options_len, set.max_rows);
	/* each parallel worker samples with its own random numbers */
	s->rng = set.train.seed ^ UINT64CONST(0x5DEECE66D) ^
		((uint64) (ParallelWorkerNumber + 1) * UINT64CONST(0x9E3779B97F4A7C15));
	return s;
}

/*
 * autoencoder_train_accum(state, x real[] | double precision[] [, options])
 * keeps every row until the sample limit, then samples uniformly.
 */
Datum
autoencoder_train_accum(PG_FUNCTION_ARGS)
{
	AeTrainState *s;
	ArrayType  *x;
	Jsonb	   *options;
	int			d;
	int64		slot;

	ae_agg_require_context(fcinfo, "autoencoder_train_accum", "autoencoder_train");
	AE_AGG_SKIP_IF_NULL(1);
	x = ae_agg_row(fcinfo, "autoencoder_train input", &options, &d);
	if (PG_ARGISNULL(0))
		s = new_state(d, options);
	else
	{
		s = check_state(PG_GETARG_BYTEA_P(0), "autoencoder_train_accum");
		ae_agg_check_row(fcinfo, "autoencoder_train", s->d, s->options_crc, d, options,
						 s->seen + 1);
	}

	s->seen++;
	if (s->stored < s->max_rows)
	{
		if (s->stored == s->cap)
			s = grow_state(s, Min(Max(s->cap * 2, s->stored + 1), s->max_rows));
		slot = s->stored++;
	}
	else
	{
		/* algorithm R: keep the new row with probability max_rows / seen */
		slot = ae_sample_below(&s->rng, s->seen);
		if (slot >= s->max_rows)
		{
			/* still check the row, so bad input fails whether sampled or not */
			float	   *tmp = palloc(sizeof(float) * d);

			ae_array_to_floats(x, tmp, d, "autoencoder_train input");
			pfree(tmp);
			PG_RETURN_POINTER(s);
		}
	}
	ae_array_to_floats(x, STATE_ROWS(s) + (Size) slot * d, d, "autoencoder_train input");
	PG_RETURN_POINTER(s);
}

/*
 * autoencoder_train_combine(a, b): a uniform sample of the union.  The
 * number of rows taken from a follows the hypergeometric law of drawing
 * k rows without replacement from a.seen + b.seen, then that many rows of
 * each side's own uniform sample are picked at random.
 */
Datum
autoencoder_train_combine(PG_FUNCTION_ARGS)
{
	AeTrainState *a;
	AeTrainState *b;
	AeTrainState *r;
	int64		k;
	int64		take_a;
	int			d;

	ae_agg_require_context(fcinfo, "autoencoder_train_combine", "autoencoder_train");
	AE_AGG_SKIP_IF_NULL(1);
	b = check_state(PG_GETARG_BYTEA_P(1), "autoencoder_train_combine");
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(b);	/* the executor copies it into its context */
	a = check_state(PG_GETARG_BYTEA_P(0), "autoencoder_train_combine");
	ae_agg_check_states("autoencoder_train", a->d, a->options_crc, b->d, b->options_crc);
	d = a->d;

	/* both complete and the union fits: concatenate */
	if (a->stored == a->seen && b->stored == b->seen &&
		a->stored + b->stored <= a->max_rows)
	{
		if (a->stored + b->stored > a->cap)
			a = grow_state(a, Min(Max(a->cap * 2, a->stored + b->stored), a->max_rows));
		memcpy(STATE_ROWS(a) + (Size) a->stored * d, STATE_ROWS(b),
			   (Size) b->stored * d * sizeof(float));
		a->stored += b->stored;
		a->seen += b->seen;
		PG_RETURN_POINTER(a);
	}

	k = Min(a->max_rows, a->seen + b->seen);
	take_a = ae_sample_split(&a->rng, k, a->seen, b->seen);
	/* a uniform sample of a.stored rows holds a uniform sample of any size */
	take_a = Min(take_a, a->stored);
	k = Min(k, take_a + b->stored);

	r = alloc_state(d, STATE_OPTIONS(a), a->options_len, Max(k, 1));
	r->options_crc = a->options_crc;
	r->seen = a->seen + b->seen;
	r->max_rows = a->max_rows;
	r->rng = a->rng;
	ae_sample_take_rows(&r->rng, STATE_ROWS(r), &r->stored, STATE_ROWS(a), a->stored, take_a,
						sizeof(float) * d);
	ae_sample_take_rows(&r->rng, STATE_ROWS(r), &r->stored, STATE_ROWS(b), b->stored, k - take_a,
						sizeof(float) * d);
	PG_RETURN_POINTER(r);
}

/* Train to the end over src; every epoch is recorded (and maybe noticed). */
static AeModel *
train_model(AeTrainSettings *set, AeDataSource *src, int d, int64 n_rows,
			const double *mean, const double *scale)
{
	AeError		err = {0};
	AeTrainer  *t;
	AeHistoryLog log;
	bool		done = false;

	ae_history_init(&log);
	t = ae_trainer_create(&set->net, &set->train, mean, scale, &err);
	if (!t)
		ae_report_engine_error(&err, "autoencoder_train");
	while (!done)
	{
		AeHistoryRow row;

		if (ae_trainer_step(t, src, &row, &done, &err) != AE_OK)
			ae_report_engine_error(&err, "autoencoder_train");
		ae_history_add(&log, &row);
		if (set->verbose)
			ae_notice_epoch("autoencoder_train", &row);
	}
	return ae_model_from_trainer(set, t, &log, d, n_rows, mean, scale,
								 "autoencoder_train");
}

/*
 * Store the distribution of the training rows' scores in the model: all
 * rows of the sample, or a uniform AE_CALIB_ROWS of them.
 */
static void
calibrate(AeModel *model, const AeTrainSettings *set, const AeTrainState *s)
{
	AeError		err = {0};
	const float *rows = STATE_ROWS(s);
	int64		n = s->stored;

	if (n > AE_CALIB_ROWS)
	{
		uint64		rng = set->train.seed ^ UINT64CONST(0xC0FFEE);
		float	   *pick = palloc_extended(sizeof(float) * (Size) AE_CALIB_ROWS * s->d,
										   MCXT_ALLOC_HUGE);

		n = 0;
		ae_sample_take_rows(&rng, pick, &n, rows, s->stored, AE_CALIB_ROWS,
							sizeof(float) * s->d);
		rows = pick;
	}
	if (ae_model_calibrate(model, rows, n, set->score, set->contamination, &err) != AE_OK)
		ae_report_engine_error(&err, "autoencoder_train");
}

/* autoencoder_train_final(state) returns the trained model (bytea). */
Datum
autoencoder_train_final(PG_FUNCTION_ARGS)
{
	AeTrainState *s;
	AeTrainSettings set;
	Jsonb	   *options = NULL;
	AeMatrixSource ms;
	AeDataSource src;
	double	   *mean;
	double	   *scale;
	AeModel    *model;
	MemoryContext train_ctx;
	MemoryContext old;
	bytea	   *result;

	ae_agg_require_context(fcinfo, "autoencoder_train_final", "autoencoder_train");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = check_state(PG_GETARG_BYTEA_P(0), "autoencoder_train_final");
	/*
	 * Fewer than 2 rows give NULL, as pca_train and var_samp do: aggregates
	 * are finalised before HAVING, so an error would fail every GROUP BY
	 * with one small group.  (The sample keeps at least 2 rows, so this
	 * means fewer than 2 rows were seen.)
	 */
	if (s->stored < 2)
		PG_RETURN_NULL();
	if (s->options_len > 0)
		options = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
													 CStringGetDatum(STATE_OPTIONS(s))));
	ae_parse_train_options(options, false, "autoencoder_train", &set);
	ae_finish_net_config(&set, s->d, "autoencoder_train");
	if (s->seen > s->stored)
		ereport(NOTICE,
				(errmsg("autoencoder_train saw " INT64_FORMAT " rows and trained on a uniform sample of " INT64_FORMAT,
						s->seen, s->stored),
				 errdetail("The sample is limited by %s.",
						   set.max_rows > 0 && set.max_rows <= s->max_rows ?
						   "the max_rows option" : "autoencoder.max_train_memory"),
				 errhint("Raise the max_rows option or autoencoder.max_train_memory to train on more rows, "
						 "or use ae_fit, which streams every row on every epoch.")));

	/* training allocations live in a context deleted afterwards */
	train_ctx = AllocSetContextCreate(CurrentMemoryContext,
									  "autoencoder_train", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(train_ctx);
	mean = palloc(sizeof(double) * s->d);
	scale = palloc(sizeof(double) * s->d);
	{
		AeMomentsAcc acc;

		ae_moments_acc_init(&acc, s->d);
		ae_moments_acc_add_floats(&acc, STATE_ROWS(s), s->stored);
		ae_moments_acc_scaling(&acc, &set, mean, scale, "autoencoder_train");
	}
	src = ae_matrix_source(&ms, STATE_ROWS(s), s->stored, s->d);
	set.train.shuffle_buffer_rows = s->stored;	/* a full shuffle */
	ae_check_trainer_memory(&set, s->stored, "autoencoder_train");
	model = train_model(&set, &src, s->d, s->seen, mean, scale);
	model->n_rows_trained = s->stored;	/* recorded when it is a sample */
	calibrate(model, &set, s);
	MemoryContextSwitchTo(old);
	result = ae_model_to_bytea(model, "autoencoder_train");
	MemoryContextDelete(train_ctx);
	PG_RETURN_BYTEA_P(result);
}
