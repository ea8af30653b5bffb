/*-------------------------------------------------------------------------
 *
 * pca_agg.c
 *	  The pca_train aggregate: a bytea transition state holding the row
 *	  count, mean and co-moment matrix, updated in place a mini-batch at a
 *	  time, merged with Chan's formula in the combine function, and turned
 *	  into a model by an eigen decomposition in the final function.
 *
 * The transition type is bytea rather than internal so that Citus can run
 * the partial aggregates on its workers and ship only their states.
 *
 *-------------------------------------------------------------------------
 */
#include "autoencoder.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "access/parallel.h"
#include "utils/builtins.h"

#include "../engine/ae_detect.h"
#include "../engine/ae_pca.h"
#include "../engine/ae_stats.h"

#define PCA_STATE_MAGIC		0x53414350u /* "PCAS" */
#define PCA_STATE_VERSION	2
#define PCA_BATCH_ROWS		256
/* rows one state may count: far beyond any table, exact in a double */
#define PCA_MAX_ROWS		((double) (INT64CONST(1) << 53))
#define PCA_SAMPLE_MIN_ROWS 64

/*
 * Fixed header of the state; mean[d], m2[d*d] and batch[cap*d] doubles
 * follow it, then sample[sample_cap*d] doubles.  The state lives only
 * within one query (or one Citus query), so it uses the host's byte order.
 */
typedef struct PcaState
{
	int32		vl_len_;		/* varlena header */
	uint32		magic;
	uint16		version;
	uint16		scale;			/* AeScaleMode */
	int32		d;
	int32		cap;			/* batch capacity in rows */
	int32		batch_n;		/* rows waiting in the batch */
	int32		components;		/* 0: not given */
	int32		whiten;
	uint32		options_crc;	/* CRC of the options jsonb, to spot changes */
	int32		score;			/* default score method: index in score_choices */
	double		variance;		/* 0: not given */
	double		contamination;	/* default share ae_is_anomaly flags */
	double		n;				/* rows folded into mean/m2 */
	double		seconds;		/* time spent accumulating */
	int64		seen;			/* rows seen, for the sample */
	int64		stored;			/* rows in the sample */
	int64		sample_cap;		/* rows the sample has room for */
	uint64		rng;			/* sample's random state */
} PcaState;

#define PCA_MEAN(s)		((double *) ((char *) (s) + MAXALIGN(sizeof(PcaState))))
#define PCA_M2(s)		(PCA_MEAN(s) + (s)->d)
#define PCA_BATCH(s)	(PCA_M2(s) + (size_t) (s)->d * (s)->d)
#define PCA_SAMPLE(s)	(PCA_BATCH(s) + (size_t) (s)->cap * (s)->d)

PG_FUNCTION_INFO_V1(pca_train_accum);
PG_FUNCTION_INFO_V1(pca_train_combine);
PG_FUNCTION_INFO_V1(pca_train_final);

static const char *const scale_choices[] = {"standard", "center", "none", NULL};
static const char *const score_choices[] = {"reconstruction", "mahalanobis", "full", "robust", NULL};

static const AeOptSpec pca_option_specs[] = {
	{"components", AE_OPT_INT, 1, AE_MAX_PCA_FEATURES},
	{"variance", AE_OPT_REAL, 0, 1, true},
	{"scale", AE_OPT_ENUM, 0, 0, false, scale_choices},
	{"whiten", AE_OPT_BOOL},
	{"contamination", AE_OPT_REAL, 0, 0.5, true},
	{"score", AE_OPT_ENUM, 0, 0, false, score_choices},
};

enum
{
	PCA_OPT_COMPONENTS, PCA_OPT_VARIANCE, PCA_OPT_SCALE, PCA_OPT_WHITEN,
	PCA_OPT_CONTAMINATION, PCA_OPT_SCORE, PCA_NOPTS
};

/*
 * The score method new PCA models use when none is named: "robust", the
 * Mahalanobis distance under the MCD estimate (see ae_robust.c), which
 * models get up to AE_ROBUST_MAX_FEATURES features (its C-steps cost
 * O(n d^2) each); else "full" while the model keeps every eigenvector
 * (up to AE_MAX_FULL_EIGVEC features); else "reconstruction".
 */
#define PCA_SCORE_RECONSTRUCTION	0
#define PCA_SCORE_FULL				2
#define PCA_SCORE_ROBUST			3

/* Bytes of a state with d features, a batch of cap rows and a sample of sample_cap. */
static Size
pca_state_size(int d, int cap, int64 sample_cap)
{
	return MAXALIGN(sizeof(PcaState)) +
		sizeof(double) * ((Size) d + (Size) d * d + (Size) cap * d) +
		sizeof(double) * (Size) sample_cap * d;
}

/* Refuse bytes that are not a well-formed state (they may come from users). */
static PcaState *
check_state(bytea *b, const char *func)
{
	PcaState   *s;

	b = ae_agg_aligned(b);
	s = (PcaState *) b;

	if (VARSIZE_ANY(b) < MAXALIGN(sizeof(PcaState)) || VARATT_IS_SHORT(b) ||
		s->magic != PCA_STATE_MAGIC || s->version != PCA_STATE_VERSION ||
		s->d < 1 || s->d > AE_MAX_PCA_FEATURES ||
		s->cap < 1 || s->cap > PCA_BATCH_ROWS ||
		s->batch_n < 0 || s->batch_n >= s->cap ||
		s->scale > AE_SCALE_NONE || !(s->n >= 0 && s->n <= PCA_MAX_ROWS) ||
		s->n != floor(s->n) || !(s->seconds >= 0 && isfinite(s->seconds)) ||
		s->score < 0 || s->score >= lengthof(score_choices) - 1 ||
		!(s->contamination > 0 && s->contamination <= 0.5) ||
		s->seen < 0 || s->seen > (int64) s->n + s->batch_n ||
		s->sample_cap < 1 || s->sample_cap > AE_CALIB_ROWS ||
		s->stored < 0 || s->stored > s->sample_cap || s->stored > s->seen ||
		(s->seen <= s->sample_cap && s->stored != s->seen) ||
		VARSIZE(b) != pca_state_size(s->d, s->cap, s->sample_cap))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("%s was given an invalid pca_train state", func),
				 errdetail("The state is not one that pca_train_accum produced.")));
	return s;
}

/* Parse options into a new state sized for d features. */
static PcaState *
new_state(int d, Jsonb *options)
{
	AeOptValue	vals[PCA_NOPTS];
	PcaState   *s;
	Size		size;

	ae_parse_options(options, pca_option_specs, PCA_NOPTS, vals, "pca_train");
	if (vals[PCA_OPT_COMPONENTS].given && vals[PCA_OPT_VARIANCE].given)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options \"components\" and \"variance\" of pca_train cannot be used together"),
				 errhint("Give the number of components, or the share of variance to keep.")));
	if (d > AE_MAX_PCA_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pca_train supports at most %d features, not %d",
						AE_MAX_PCA_FEATURES, d),
				 errhint("Reduce the number of features, or train an autoencoder instead.")));
	if (vals[PCA_OPT_COMPONENTS].given && vals[PCA_OPT_COMPONENTS].num > d)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"components\" of pca_train must be at most the number of features (%d), not %.0f",
						d, vals[PCA_OPT_COMPONENTS].num)));

	size = pca_state_size(d, PCA_BATCH_ROWS, PCA_SAMPLE_MIN_ROWS);
	/*
	 * Allocated in the per-row context: a transition function that returns a
	 * new pointer has it copied into the aggregate context by the executor.
	 */
	s = palloc0(size);
	SET_VARSIZE(s, size);
	s->magic = PCA_STATE_MAGIC;
	s->version = PCA_STATE_VERSION;
	s->d = d;
	s->cap = PCA_BATCH_ROWS;
	s->components = vals[PCA_OPT_COMPONENTS].given ? (int32) vals[PCA_OPT_COMPONENTS].num : 0;
	s->variance = vals[PCA_OPT_VARIANCE].given ? vals[PCA_OPT_VARIANCE].num : 0;
	s->scale = vals[PCA_OPT_SCALE].given ? vals[PCA_OPT_SCALE].choice : AE_SCALE_STANDARD;
	s->whiten = vals[PCA_OPT_WHITEN].given && vals[PCA_OPT_WHITEN].flag;
	s->options_crc = ae_options_crc(options);
	s->contamination = vals[PCA_OPT_CONTAMINATION].given ?
		vals[PCA_OPT_CONTAMINATION].num : AE_DEFAULT_CONTAMINATION;
	s->score = vals[PCA_OPT_SCORE].given ? vals[PCA_OPT_SCORE].choice :
		d <= AE_ROBUST_MAX_FEATURES ? PCA_SCORE_ROBUST :
		d <= AE_MAX_FULL_EIGVEC ? PCA_SCORE_FULL : PCA_SCORE_RECONSTRUCTION;
	if ((s->score == PCA_SCORE_ROBUST && d > AE_ROBUST_MAX_FEATURES) ||
		(s->score == PCA_SCORE_FULL && d > AE_MAX_FULL_EIGVEC))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"score\" \"%s\" of pca_train needs at most %d features, not %d",
						score_choices[s->score],
						s->score == PCA_SCORE_ROBUST ? AE_ROBUST_MAX_FEATURES : AE_MAX_FULL_EIGVEC, d),
				 errhint("%s", d <= AE_MAX_FULL_EIGVEC ?
						 "Use \"full\", \"mahalanobis\" or \"reconstruction\"." :
						 "Use \"mahalanobis\" or \"reconstruction\".")));
	s->sample_cap = PCA_SAMPLE_MIN_ROWS;
	/* each parallel worker samples with its own random numbers */
	s->rng = UINT64CONST(0x5DEECE66D) ^
		((uint64) (ParallelWorkerNumber + 1) * UINT64CONST(0x9E3779B97F4A7C15));
	return s;
}

/* A copy of s whose sample has room for sample_cap rows (the executor adopts it). */
static PcaState *
grow_sample(PcaState *s, int64 sample_cap)
{
	Size		size = pca_state_size(s->d, s->cap, sample_cap);
	PcaState   *n = palloc_extended(size, MCXT_ALLOC_HUGE);

	memcpy(n, s, pca_state_size(s->d, s->cap, 0));
	SET_VARSIZE(n, size);
	n->sample_cap = sample_cap;
	memcpy(PCA_SAMPLE(n), PCA_SAMPLE(s), sizeof(double) * (Size) s->stored * s->d);
	memset(PCA_SAMPLE(n) + (Size) s->stored * s->d, 0,
		   sizeof(double) * (Size) (sample_cap - s->stored) * s->d);
	return n;
}

/* Reservoir sampling (Vitter's algorithm R) of the row in the batch slot. */
static PcaState *
sample_row(PcaState *s, const double *row)
{
	int64		slot;

	s->seen++;
	if (s->stored < AE_CALIB_ROWS)
	{
		if (s->stored == s->sample_cap)
			s = grow_sample(s, Min(s->sample_cap * 2, AE_CALIB_ROWS));
		slot = s->stored++;
	}
	else
	{
		slot = ae_sample_below(&s->rng, s->seen);
		if (slot >= AE_CALIB_ROWS)
			return s;
	}
	memcpy(PCA_SAMPLE(s) + (Size) slot * s->d, row, sizeof(double) * s->d);
	return s;
}

/* Fold nb rows into (n, mean, m2) using scratch from the current context. */
static void
add_rows(int d, double *n, double *mean, double *m2, const double *rows, int nb)
{
	double	   *work;

	if (nb <= 0)
		return;
	work = palloc(sizeof(double) * ae_moments_work_size(d, nb));
	ae_moments_add_batch(d, n, mean, m2, rows, nb, work);
	pfree(work);
}

/* Empty the batch buffer into the moments. */
static void
flush_batch(PcaState *s)
{
	double		t0 = ae_now_seconds();

	add_rows(s->d, &s->n, PCA_MEAN(s), PCA_M2(s), PCA_BATCH(s), s->batch_n);
	s->batch_n = 0;
	s->seconds += ae_now_seconds() - t0;
}

/*
 * pca_train_accum(state bytea, x real[] | double precision[] [, options])
 * NULL rows are skipped; the state is created on the first non-NULL row.
 */
Datum
pca_train_accum(PG_FUNCTION_ARGS)
{
	PcaState   *s;
	ArrayType  *x;
	Jsonb	   *options;
	int			d;

	ae_agg_require_context(fcinfo, "pca_train_accum", "pca_train");
	AE_AGG_SKIP_IF_NULL(1);
	x = ae_agg_row(fcinfo, "pca_train input", &options, &d);
	if (PG_ARGISNULL(0))
		s = new_state(d, options);
	else
	{
		s = check_state(PG_GETARG_BYTEA_P(0), "pca_train_accum");
		ae_agg_check_row(fcinfo, "pca_train", s->d, s->options_crc, d, options,
						 (int64) s->n + s->batch_n + 1);
	}

	ae_array_to_doubles(x, PCA_BATCH(s) + (size_t) s->batch_n * d, d,
						"pca_train input");
	s = sample_row(s, PCA_BATCH(s) + (size_t) s->batch_n * d);
	if (++s->batch_n == s->cap)
		flush_batch(s);

	PG_RETURN_POINTER(s);
}

/*
 * a with its sample replaced by a uniform sample of the union of both
 * sides' rows: the number taken from a follows the hypergeometric law, as
 * in autoencoder_train_combine.
 */
static PcaState *
merge_samples(PcaState *a, PcaState *b)
{
	int64		k = Min(AE_CALIB_ROWS, a->seen + b->seen);
	int64		take_a = ae_sample_split(&a->rng, k, a->seen, b->seen);
	double	   *rows;
	int64		n = 0;

	take_a = Min(take_a, a->stored);
	k = Min(k, take_a + b->stored);
	rows = palloc_extended(sizeof(double) * (Size) Max(k, 1) * a->d, MCXT_ALLOC_HUGE);
	ae_sample_take_rows(&a->rng, rows, &n, PCA_SAMPLE(a), a->stored, take_a,
						sizeof(double) * a->d);
	ae_sample_take_rows(&a->rng, rows, &n, PCA_SAMPLE(b), b->stored, k - take_a,
						sizeof(double) * a->d);
	if (n > a->sample_cap)
		a = grow_sample(a, n);
	memcpy(PCA_SAMPLE(a), rows, sizeof(double) * (Size) n * a->d);
	a->stored = n;
	a->seen += b->seen;
	pfree(rows);
	return a;
}

/* pca_train_combine(a bytea, b bytea): merge b into a (a is ours to change). */
Datum
pca_train_combine(PG_FUNCTION_ARGS)
{
	PcaState   *a;
	PcaState   *b;
	double	   *work;

	ae_agg_require_context(fcinfo, "pca_train_combine", "pca_train");
	AE_AGG_SKIP_IF_NULL(1);
	b = check_state(PG_GETARG_BYTEA_P(1), "pca_train_combine");
	if (PG_ARGISNULL(0))
	{
		/* the executor copies a returned new pointer into its context */
		PG_RETURN_POINTER(b);
	}
	a = check_state(PG_GETARG_BYTEA_P(0), "pca_train_combine");
	ae_agg_check_states("pca_train", a->d, a->options_crc, b->d, b->options_crc);

	a = merge_samples(a, b);
	flush_batch(a);
	work = palloc(sizeof(double) * a->d);
	ae_moments_merge(a->d, &a->n, PCA_MEAN(a), PCA_M2(a),
					 b->n, PCA_MEAN(b), PCA_M2(b), work);
	add_rows(a->d, &a->n, PCA_MEAN(a), PCA_M2(a), PCA_BATCH(b), b->batch_n);
	a->seconds += b->seconds;
	PG_RETURN_POINTER(a);
}

/* The options actually used, defaults filled in, as JSON text. */
static char *
options_json(const PcaState *s, int k)
{
	StringInfoData buf;

	/*
	 * Either "components" or "variance", as given (or the default share):
	 * the options must be valid pca_train options again (the number kept is
	 * n_components).
	 */
	initStringInfo(&buf);
	if (s->components)
		appendStringInfo(&buf, "{\"components\": %d", s->components);
	else
		appendStringInfo(&buf, "{\"variance\": %.15g",
						 s->variance ? s->variance : AE_PCA_DEFAULT_VARIANCE);
	appendStringInfo(&buf, ", \"scale\": \"%s\", \"whiten\": %s, "
					 "\"contamination\": %.15g, \"score\": \"%s\"}",
					 ae_scale_name((AeScaleMode) s->scale),
					 s->whiten ? "true" : "false",
					 s->contamination, score_choices[s->score]);
	return buf.data;
}

/* pca_train_final(state bytea) returns bytea: the model. */
Datum
pca_train_final(PG_FUNCTION_ARGS)
{
	PcaState   *s;
	double		n;
	double	   *mean;
	double	   *m2;
	AePcaOptions opts;
	AeModel    *model;
	AeModel    *check;
	bytea	   *result;
	AeError		err = {0};
	double		t0 = ae_now_seconds();

	ae_agg_require_context(fcinfo, "pca_train_final", "pca_train");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = check_state(PG_GETARG_BYTEA_P(0), "pca_train_final");

	/* the state may be read again (window aggregates): fold a copy */
	n = s->n;
	mean = palloc(sizeof(double) * s->d);
	memcpy(mean, PCA_MEAN(s), sizeof(double) * s->d);
	m2 = palloc(sizeof(double) * (Size) s->d * s->d);
	memcpy(m2, PCA_M2(s), sizeof(double) * (Size) s->d * s->d);
	add_rows(s->d, &n, mean, m2, PCA_BATCH(s), s->batch_n);
	/* like var_samp: a covariance of fewer than 2 rows is NULL, not an error */
	if (n < 2)
		PG_RETURN_NULL();

	ae_pca_options_defaults(&opts);
	opts.components = s->components;
	opts.variance = s->variance;
	opts.scale = (AeScaleMode) s->scale;
	opts.whiten = s->whiten != 0;

	model = ae_pca_fit(s->d, n, mean, m2, &opts, &err);
	if (!model)
		ae_report_engine_error(&err, "pca_train");
	model->train_seconds = s->seconds + (ae_now_seconds() - t0);
	model->ext_version = pstrdup(AUTOENCODER_VERSION);
	model->options_json = options_json(s, model->n_components);
	if (s->d <= AE_ROBUST_MAX_FEATURES &&
		ae_pca_robust_fit(model, PCA_SAMPLE(s), s->stored, &err) != AE_OK)
		ae_report_engine_error(&err, "pca_train");
	if (ae_model_calibrate_doubles(model, PCA_SAMPLE(s), s->stored, score_choices[s->score],
						   s->contamination, &err) != AE_OK)
		ae_report_engine_error(&err, "pca_train");
	result = ae_model_to_bytea(model, "pca_train");

	/*
	 * The state's numbers may come from a user's hand-made aggregate: make
	 * sure they gave a model that the reader accepts before returning it.
	 */
	check = ae_model_deserialize((const uint8_t *) VARDATA(result),
								 VARSIZE(result) - VARHDRSZ, &err);
	if (!check)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("pca_train_final was given a state that makes an invalid model: %s", err.msg),
				 errdetail("The state is not one that pca_train_accum produced.")));
	ae_model_free(check);
	PG_RETURN_BYTEA_P(result);
}
