/*-------------------------------------------------------------------------
 *
 * ae_train_agg.c
 *	  The autoencoder_train aggregate.  Its state keeps the rows as float4,
 *	  up to a memory budget; past it, the rows with the smallest seeded
 *	  hashes (a bottom-k sample, ae_rowset.c).  The combine function merges
 *	  two states exactly, and the final function sorts the rows into a
 *	  canonical order and trains the network straight from them: the model
 *	  depends only on the multiset of rows, the options and the seed, not
 *	  on the plan (serial, parallel workers, Citus shards) or the row order.
 *
 * The transition type is bytea, not internal, so that Citus can run the
 * partial aggregates on its workers and ship only their states.  Within a
 * backend the state is an expanded object (utils/expandeddatum.h) in a
 * child context of the aggregate context: the executor keeps a read-write
 * expanded datum that a transition function returns without copying it
 * (ExecAggTransReparent), and its rows grow by repalloc, which for large
 * chunks is a realloc (mremap) rather than a copy.  It is flattened into a
 * plain bytea only when it leaves the backend (a parallel worker's partial
 * state, a Citus worker's result): header, options, then the rows.
 *
 * Rows are stored as float vectors of the state's width: the input's
 * features, plus any per-row extras a variant stores after them.
 *
 *-------------------------------------------------------------------------
 */
#include "autoencoder.h"

#include "../engine/ae_detect.h"
#include "../engine/ae_rowset.h"

#include <math.h>

#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"


#define AE_STATE_MAGIC		0x53544541u /* "AETS" */
#define AE_STATE_VERSION	2
#define AE_STATE_MIN_ROWS	64
/* floats a stored row may carry after the input's features */
#define AE_STATE_MAX_EXTRA	16

/* Memory budget for the rows of one aggregate state, in kB. */
int			ae_guc_max_train_memory = AE_DEFAULT_TRAIN_MEMORY_KB;

/* The flat state (a bytea): this header, the options text, the rows. */
typedef struct AeTrainState
{
	int32		vl_len_;		/* varlena header */
	uint32		magic;
	uint16		version;
	uint16		reserved;		/* 0 */
	int32		d;				/* features of an input row */
	int32		width;			/* floats of a stored row, >= d */
	int32		options_len;	/* bytes of options JSON text (with its NUL) */
	uint32		options_crc;
	int64		seen;			/* non-NULL rows seen */
	int64		stored;			/* rows kept: all seen, or the sample */
	int64		max_rows;		/* sample size limit */
	uint64		hash_seed;		/* the sample's hash seed, from the seed option */
} AeTrainState;

#define FLAT_OPTIONS(s)		((char *) (s) + MAXALIGN(sizeof(AeTrainState)))
#define FLAT_ROWS(s)		((float *) (FLAT_OPTIONS(s) + MAXALIGN((s)->options_len)))

/*
 * The state within a backend.  While seen == stored every row is kept, in
 * arrival order; once a row arrives with max_rows kept, the state samples:
 * the rows and their hashes form a max-heap on (hash, bytes), rebuilt
 * lazily after the final function has sorted the rows.
 */
typedef struct AeTrainExp
{
	ExpandedObjectHeader hdr;
	AeTrainState h;				/* header fields (vl_len_ unused) */
	char	   *options;		/* h.options_len bytes */
	float	   *rows;			/* cap rows of h.width floats */
	int64		cap;
	bool		sampling;		/* a row has been given up */
	bool		heap_valid;		/* rows and hash form the heap */
	uint64	   *hash;			/* sampling: one per stored row */
	float	   *scratch;		/* one row being offered */
	float	   *tmp;			/* two rows for the sort and the heap */
} AeTrainExp;

PG_FUNCTION_INFO_V1(autoencoder_train_accum);
PG_FUNCTION_INFO_V1(autoencoder_train_combine);
PG_FUNCTION_INFO_V1(autoencoder_train_final);

/* Bytes of a flat state holding n rows. */
static Size
state_size(int width, int options_len, int64 n)
{
	return MAXALIGN(sizeof(AeTrainState)) + MAXALIGN(options_len) +
		(Size) n * width * sizeof(float);
}

/* Bytes of one stored row. */
#define ROW_BYTES(e)	((Size) (e)->h.width * sizeof(float))

/* Rows seen by one aggregate: far beyond any table, and no int64 overflow when added. */
#define AE_MAX_SEEN		(INT64CONST(1) << 60)

/* The largest sample any setting allows for rows of width floats. */
static int64
max_sample_rows(int width)
{
	return (int64) ((Size) AE_MAX_TRAIN_MEMORY_KB * 1024 /
					((Size) width * sizeof(float) + sizeof(uint64)));
}

/* Refuse bytes that are not a well-formed flat state (they may come from users). */
static AeTrainState *
check_state(bytea *b, const char *func)
{
	AeTrainState *s;

	b = ae_agg_aligned(b);
	s = (AeTrainState *) b;

	/* header fields first, then the size they imply, then the contents */
	if (VARSIZE_ANY(b) < MAXALIGN(sizeof(AeTrainState)) || VARATT_IS_SHORT(b) ||
		s->magic != AE_STATE_MAGIC || s->version != AE_STATE_VERSION || s->reserved != 0 ||
		s->d < 1 || s->d > AE_MAX_FEATURES ||
		s->width < s->d || s->width > s->d + AE_STATE_MAX_EXTRA ||
		s->options_len < 0 || s->options_len > AE_MAX_TEXT ||
		s->max_rows < 2 || s->max_rows > max_sample_rows(s->width) ||
		s->seen < 1 || s->seen > AE_MAX_SEEN ||
		s->stored < 1 || s->stored > s->seen || s->stored > s->max_rows ||
		(s->seen > s->stored && s->stored != s->max_rows) ||
		VARSIZE(b) != state_size(s->width, s->options_len, s->stored) ||
		(s->options_len > 0 && FLAT_OPTIONS(s)[s->options_len - 1] != '\0'))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("%s was given an invalid autoencoder_train state", func),
				 errdetail("The state is not one that autoencoder_train_accum produced.")));
	return s;
}

/* Sample size limit from max_rows and autoencoder.max_train_memory. */
static int64
sample_limit(int width, int options_len, int64 max_rows)
{
	Size		budget = (Size) ae_guc_max_train_memory * 1024;
	Size		fixed = state_size(width, options_len, 0);
	int64		by_memory;

	/* a sampled row costs its hash too */
	by_memory = budget > fixed ?
		(int64) ((budget - fixed) / ((Size) width * sizeof(float) + sizeof(uint64))) : 0;
	by_memory = Max(by_memory, 2);
	by_memory = Min(by_memory, max_sample_rows(width));
	return max_rows > 0 ? Min(max_rows, by_memory) : by_memory;
}

/* ---- the expanded object ---- */

static Size
exp_get_flat_size(ExpandedObjectHeader *eohptr)
{
	AeTrainExp *e = (AeTrainExp *) eohptr;

	return state_size(e->h.width, e->h.options_len, e->h.stored);
}

static void
exp_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	AeTrainExp *e = (AeTrainExp *) eohptr;
	AeTrainState *s = result;

	Assert(allocated_size == exp_get_flat_size(eohptr));
	memset(s, 0, MAXALIGN(sizeof(AeTrainState)) + MAXALIGN(e->h.options_len));
	*s = e->h;
	SET_VARSIZE(s, allocated_size);
	if (e->h.options_len > 0)
		memcpy(FLAT_OPTIONS(s), e->options, e->h.options_len);
	memcpy(FLAT_ROWS(s), e->rows, (Size) e->h.stored * ROW_BYTES(e));
}

static const ExpandedObjectMethods exp_methods = {
	exp_get_flat_size,
	exp_flatten_into
};

/*
 * A new expanded state in its own child of parent, with room for cap rows;
 * the header is copied from h (rows not).
 */
static AeTrainExp *
exp_create(MemoryContext parent, const AeTrainState *h, const char *options, int64 cap)
{
	MemoryContext ctx = AllocSetContextCreate(parent, "autoencoder_train state",
											  ALLOCSET_SMALL_SIZES);
	AeTrainExp *e = MemoryContextAllocZero(ctx, sizeof(AeTrainExp));

	EOH_init_header(&e->hdr, &exp_methods, ctx);
	e->h = *h;
	e->h.stored = 0;
	e->options = MemoryContextAlloc(ctx, Max(h->options_len, 1));
	if (h->options_len > 0)
		memcpy(e->options, options, h->options_len);
	e->cap = Max(cap, 1);
	e->rows = MemoryContextAllocExtended(ctx, (Size) e->cap * ROW_BYTES(e), MCXT_ALLOC_HUGE);
	e->scratch = MemoryContextAlloc(ctx, ROW_BYTES(e));
	e->tmp = MemoryContextAlloc(ctx, 2 * ROW_BYTES(e));
	return e;
}

/* Room for n rows: the rows grow geometrically, in place when realloc can. */
static void
exp_reserve(AeTrainExp *e, int64 n)
{
	int64		cap;

	if (n <= e->cap)
		return;
	cap = Min(Max(e->cap * 2, n), e->h.max_rows);
	e->rows = repalloc_huge(e->rows, (Size) cap * ROW_BYTES(e));
	e->cap = cap;
}

/* An expanded copy (in parent's child) of a flat state. */
static AeTrainExp *
exp_from_flat(MemoryContext parent, const AeTrainState *s)
{
	AeTrainExp *e = exp_create(parent, s, FLAT_OPTIONS(s), s->stored);

	memcpy(e->rows, FLAT_ROWS(s), (Size) s->stored * ROW_BYTES(e));
	e->h.stored = s->stored;
	e->sampling = s->seen > s->stored;
	return e;
}

/*
 * The state argument argno: our expanded object as it is, or a flat state
 * checked and expanded into a child of parent.
 */
static AeTrainExp *
state_arg(FunctionCallInfo fcinfo, int argno, MemoryContext parent, const char *func)
{
	Datum		d = PG_GETARG_DATUM(argno);

	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)) &&
		DatumGetEOHP(d)->eoh_methods == &exp_methods)
		return (AeTrainExp *) DatumGetEOHP(d);
	return exp_from_flat(parent, check_state(PG_GETARG_BYTEA_P(argno), func));
}

/* Make the stored rows the bottom-k heap (they are all the state keeps). */
static void
ensure_heap(AeTrainExp *e)
{
	Size		rb = ROW_BYTES(e);

	if (!e->hash)
		e->hash = MemoryContextAllocExtended(e->hdr.eoh_context,
											 sizeof(uint64) * (Size) e->h.stored,
											 MCXT_ALLOC_HUGE);
	if (!e->heap_valid)
	{
		for (int64 i = 0; i < e->h.stored; i++)
			e->hash[i] = ae_rows_hash(e->h.hash_seed, (char *) e->rows + (Size) i * rb, rb);
		ae_rows_heapify(e->rows, e->hash, e->h.stored, rb, e->tmp);
		e->heap_valid = true;
	}
	e->sampling = true;
}

/* Keep row if it belongs to the sample (the caller counts it as seen). */
static void
keep_row(AeTrainExp *e, const float *row)
{
	Size		rb = ROW_BYTES(e);

	if (!e->sampling && e->h.stored < e->h.max_rows)
	{
		exp_reserve(e, e->h.stored + 1);
		memcpy((char *) e->rows + (Size) e->h.stored * rb, row, rb);
		e->h.stored++;
		return;
	}
	ensure_heap(e);
	ae_rows_heap_offer(e->rows, e->hash, e->h.stored, rb, row,
					   ae_rows_hash(e->h.hash_seed, row, rb), e->tmp);
}

/* Lower the sample limit to k, giving up the rows of largest hash. */
static void
shrink_sample(AeTrainExp *e, int64 k)
{
	if (k >= e->h.max_rows)
		return;
	e->h.max_rows = k;
	if (e->h.stored <= k)
		return;
	ensure_heap(e);
	while (e->h.stored > k)
	{
		ae_rows_heap_pop(e->rows, e->hash, e->h.stored, ROW_BYTES(e), e->tmp);
		e->h.stored--;
	}
}

/*
 * The first row: validate options now so mistakes surface early.  The
 * state keeps them as JSON text, which the final function parses again:
 * text is safe to parse whatever bytes a state holds, binary jsonb is not.
 */
static AeTrainExp *
new_state(MemoryContext parent, int d, Jsonb *options)
{
	AeTrainSettings set;
	AeTrainState h = {0};
	char	   *text = options ? JsonbToCString(NULL, &options->root, VARSIZE(options)) : NULL;
	int			options_len = text ? strlen(text) + 1 : 0;

	ae_parse_train_options(options, false, "autoencoder_train", &set);
	ae_finish_net_config(&set, d, "autoencoder_train");
	h.magic = AE_STATE_MAGIC;
	h.version = AE_STATE_VERSION;
	h.d = d;
	h.width = d;
	h.options_len = options_len;
	h.options_crc = ae_options_crc(options);
	h.max_rows = sample_limit(h.width, options_len, set.max_rows);
	/* the same in every parallel worker and on every node: see ae_rowset.h */
	h.hash_seed = set.train.seed ^ UINT64CONST(0x5DEECE66D);
	return exp_create(parent, &h, text, Min(AE_STATE_MIN_ROWS, h.max_rows));
}

/*
 * autoencoder_train_accum(state, x real[] | double precision[] [, options])
 * keeps every row until the sample limit, then the bottom-k sample.
 */
Datum
autoencoder_train_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	AeTrainExp *e;
	ArrayType  *x;
	Jsonb	   *options;
	int			d;

	ae_agg_require_context(fcinfo, "autoencoder_train_accum", "autoencoder_train");
	AggCheckCallContext(fcinfo, &aggctx);
	AE_AGG_SKIP_IF_NULL(1);
	x = ae_agg_row(fcinfo, "autoencoder_train input", &options, &d);
	if (PG_ARGISNULL(0))
		e = new_state(aggctx, d, options);
	else
	{
		e = state_arg(fcinfo, 0, aggctx, "autoencoder_train_accum");
		ae_agg_check_row(fcinfo, "autoencoder_train", e->h.d, e->h.options_crc, d, options,
						 e->h.seen + 1);
	}

	e->h.seen++;
	if (!e->sampling && e->h.stored < e->h.max_rows)
	{
		/* the common case: convert straight into the state */
		exp_reserve(e, e->h.stored + 1);
		ae_array_to_floats(x, e->rows + (Size) e->h.stored * e->h.width, d,
						   "autoencoder_train input");
		e->h.stored++;
	}
	else
	{
		/* every row is checked, whether it is kept or not */
		ae_array_to_floats(x, e->scratch, d, "autoencoder_train input");
		keep_row(e, e->scratch);
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/* A state argument read in place: its header, options and rows. */
typedef struct StateView
{
	AeTrainState h;
	const char *options;
	const float *rows;
} StateView;

/* View the state argument argno without copying its rows. */
static void
view_state(FunctionCallInfo fcinfo, int argno, const char *func, StateView *v)
{
	Datum		d = PG_GETARG_DATUM(argno);

	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)) &&
		DatumGetEOHP(d)->eoh_methods == &exp_methods)
	{
		AeTrainExp *e = (AeTrainExp *) DatumGetEOHP(d);

		v->h = e->h;
		v->options = e->options;
		v->rows = e->rows;
	}
	else
	{
		AeTrainState *s = check_state(PG_GETARG_BYTEA_P(argno), func);

		v->h = *s;
		v->options = FLAT_OPTIONS(s);
		v->rows = FLAT_ROWS(s);
	}
}

/*
 * autoencoder_train_combine(a, b): the state of the union.  Both sides keep
 * all their rows or their bottom-k, so the union's bottom-k is among them.
 */
Datum
autoencoder_train_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	AeTrainExp *a;
	StateView	b;
	Size		rb;

	ae_agg_require_context(fcinfo, "autoencoder_train_combine", "autoencoder_train");
	AggCheckCallContext(fcinfo, &aggctx);
	AE_AGG_SKIP_IF_NULL(1);
	view_state(fcinfo, 1, "autoencoder_train_combine", &b);
	if (PG_ARGISNULL(0))
	{
		/* a copy of b in our context, so that the state is ours to change */
		a = exp_create(aggctx, &b.h, b.options, b.h.stored);
		memcpy(a->rows, b.rows, (Size) b.h.stored * ROW_BYTES(a));
		a->h.stored = b.h.stored;
		a->sampling = b.h.seen > b.h.stored;
		PG_RETURN_DATUM(EOHPGetRWDatum(&a->hdr));
	}
	a = state_arg(fcinfo, 0, aggctx, "autoencoder_train_combine");
	ae_agg_check_states("autoencoder_train", a->h.d, a->h.options_crc, b.h.d, b.h.options_crc);
	if (a->h.width != b.h.width || a->h.hash_seed != b.h.hash_seed ||
		a->h.seen + b.h.seen > AE_MAX_SEEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("autoencoder_train_combine was given states that do not match"),
				 errdetail("The states are not ones that autoencoder_train_accum produced for the same options.")));
	rb = ROW_BYTES(a);

	/* a sample limited by another server's setting: the smaller one */
	shrink_sample(a, b.h.max_rows);
	if (!a->sampling && a->h.stored + b.h.stored <= a->h.max_rows)
	{
		exp_reserve(a, a->h.stored + b.h.stored);
		memcpy((char *) a->rows + (Size) a->h.stored * rb, b.rows, (Size) b.h.stored * rb);
		a->h.stored += b.h.stored;
	}
	else
	{
		for (int64 i = 0; i < b.h.stored; i++)
		{
			keep_row(a, (const float *) ((const char *) b.rows + (Size) i * rb));
			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}
	a->h.seen += b.h.seen;
	if (a->h.seen > a->h.stored)
		a->sampling = true;
	PG_RETURN_DATUM(EOHPGetRWDatum(&a->hdr));
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
 * rows of the sample, or a uniform AE_CALIB_ROWS of them (seeded, from the
 * rows in canonical order).
 */
static void
calibrate(AeModel *model, const AeTrainSettings *set, const AeTrainExp *e)
{
	AeError		err = {0};
	const float *rows = e->rows;
	int64		n = e->h.stored;

	if (n > AE_CALIB_ROWS)
	{
		uint64		rng = set->train.seed ^ UINT64CONST(0xC0FFEE);
		float	   *pick = palloc_extended(ROW_BYTES(e) * (Size) AE_CALIB_ROWS,
										   MCXT_ALLOC_HUGE);

		n = 0;
		ae_sample_take_rows(&rng, pick, &n, rows, e->h.stored, AE_CALIB_ROWS,
							ROW_BYTES(e));
		rows = pick;
	}
	if (ae_model_calibrate(model, rows, n, set->score, set->contamination, &err) != AE_OK)
		ae_report_engine_error(&err, "autoencoder_train");
}

/*
 * autoencoder_train_final(state) returns the trained model (bytea).  The
 * rows are sorted in place into their canonical order first: the state
 * keeps the same multiset (window aggregates may go on adding to it; a
 * sample's heap is rebuilt when the next row is offered).
 */
Datum
autoencoder_train_final(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	AeTrainExp *e;
	Aggref	   *aggref;
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
	AggCheckCallContext(fcinfo, &aggctx);
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	e = state_arg(fcinfo, 0, CurrentMemoryContext, "autoencoder_train_final");
	/*
	 * Fewer than 2 rows give NULL, as pca_train and var_samp do: aggregates
	 * are finalised before HAVING, so an error would fail every GROUP BY
	 * with one small group.  (The sample keeps at least 2 rows, so this
	 * means fewer than 2 rows were seen.)
	 */
	if (e->h.stored < 2)
		PG_RETURN_NULL();
	if (e->h.width != e->h.d)
		elog(ERROR, "autoencoder_train_final: rows of %d floats for %d features",
			 e->h.width, e->h.d);
	if (e->h.options_len > 0)
		options = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
													 CStringGetDatum(e->options)));
	ae_parse_train_options(options, false, "autoencoder_train", &set);
	ae_finish_net_config(&set, e->h.d, "autoencoder_train");
	if (e->h.seen > e->h.stored)
		ereport(NOTICE,
				(errmsg("autoencoder_train saw " INT64_FORMAT " rows and trained on a uniform sample of " INT64_FORMAT,
						e->h.seen, e->h.stored),
				 errdetail("The sample is limited by %s.",
						   set.max_rows > 0 && set.max_rows <= e->h.max_rows ?
						   "the max_rows option" : "autoencoder.max_train_memory"),
				 errhint("Raise the max_rows option or autoencoder.max_train_memory to train on more rows, "
						 "or use ae_fit, which streams every row on every epoch.")));

	/*
	 * The same rows in the same order, whatever order they came in, unless
	 * the call asked for an order (autoencoder_train(x ORDER BY ...), never
	 * run in parallel) and every row was kept: then they train in that one.
	 */
	aggref = AggGetAggref(fcinfo);
	if (e->sampling || !aggref || aggref->aggorder == NIL)
	{
		ae_rows_sort(e->rows, e->h.stored, ROW_BYTES(e), e->tmp);
		e->heap_valid = false;
	}

	/* training allocations live in a context deleted afterwards */
	train_ctx = AllocSetContextCreate(CurrentMemoryContext,
									  "autoencoder_train", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(train_ctx);
	mean = palloc(sizeof(double) * e->h.d);
	scale = palloc(sizeof(double) * e->h.d);
	{
		AeMomentsAcc acc;

		ae_moments_acc_init(&acc, e->h.d);
		ae_moments_acc_add_floats(&acc, e->rows, e->h.stored);
		ae_moments_acc_scaling(&acc, &set, mean, scale, "autoencoder_train");
	}
	/* the trainer reads the rows in place (no shuffle buffer) */
	src = ae_matrix_source(&ms, e->rows, e->h.stored, e->h.d);
	set.train.shuffle_buffer_rows = e->h.stored;	/* a full shuffle */
	ae_check_trainer_memory(&set, e->h.stored, "autoencoder_train");
	model = train_model(&set, &src, e->h.d, e->h.seen, mean, scale);
	model->n_rows_trained = e->h.stored;	/* recorded when it is a sample */
	calibrate(model, &set, e);
	MemoryContextSwitchTo(old);
	result = ae_model_to_bytea(model, "autoencoder_train");
	MemoryContextDelete(train_ctx);
	PG_RETURN_BYTEA_P(result);
}
