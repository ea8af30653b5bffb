/*-------------------------------------------------------------------------
 *
 * autoencoder.h
 *	  Shared declarations of the PostgreSQL layer: input checks, option
 *	  parsing, the per-call-site model cache and engine error reporting.
 *	  Everything that needs PostgreSQL headers lives under src/pg; the
 *	  numerical engine under src/engine never includes them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AUTOENCODER_H
#define AUTOENCODER_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/jsonb.h"

#include "../engine/ae_model.h"
#include "../engine/ae_stats.h"

#define AUTOENCODER_VERSION "0.2.0"

/* autoencoder.c: GUCs, engine hooks, error mapping */
extern int	ae_guc_threads;
extern void ae_report_engine_error(const AeError *err, const char *context);
extern double ae_now_seconds(void);

/* ae_input.c: arrays in and out */
extern void ae_check_array(ArrayType *a, const char *what);
extern int	ae_array_length(ArrayType *a);
extern void ae_array_to_doubles(ArrayType *a, double *out, int n,
								const char *what);
extern void ae_array_to_floats(ArrayType *a, float *out, int n,
							   const char *what);
extern ArrayType *ae_doubles_to_array(const double *v, int n, Oid elemtype);
extern void ae_check_finite(double v, int element, const char *what);
extern ArrayType *ae_array_as_float8(ArrayType *a);

/* ae_options.c: jsonb options */
typedef enum AeOptType
{
	AE_OPT_INT,
	AE_OPT_REAL,
	AE_OPT_BOOL,
	AE_OPT_ENUM,
	AE_OPT_INT_LIST,
	AE_OPT_OBJECT,				/* a json object, parsed by the caller */
	AE_OPT_ARRAY				/* a json array, parsed by the caller */
} AeOptType;

typedef struct AeOptSpec
{
	const char *name;
	AeOptType	type;
	double		min;			/* AE_OPT_INT/REAL/INT_LIST bounds */
	double		max;
	bool		min_exclusive;	/* REAL: value must be > min */
	const char *const *choices; /* AE_OPT_ENUM: NULL-terminated */
} AeOptSpec;

typedef struct AeOptValue
{
	bool		given;
	double		num;			/* INT, REAL */
	bool		flag;			/* BOOL */
	int			choice;			/* ENUM: index into choices */
	int			n_list;			/* INT_LIST */
	int			list[AE_MAX_LAYERS];
	Jsonb	   *object;			/* OBJECT, ARRAY */
} AeOptValue;

extern void ae_parse_options(Jsonb *options, const AeOptSpec *specs,
							 int nspecs, AeOptValue *values,
							 const char *funcname);

/* ae_training.c: what autoencoder_train and ae_fit share */
typedef struct AeTrainSettings
{
	AeNetConfig net;
	AeTrainConfig train;
	AeScaleMode scale;
	bool		hidden_given;
	bool		verbose;
	bool		record_timings; /* wall-clock times go into the model */
	double		contamination;	/* default share ae_is_anomaly flags */
	const char *score;			/* default score method */
	int64		max_rows;		/* aggregate sample limit; 0: not given */
} AeTrainSettings;

extern void ae_parse_train_options(Jsonb *options, bool for_fit,
								   const char *funcname, AeTrainSettings *s);
extern void ae_finish_net_config(AeTrainSettings *s, int d, const char *funcname);
extern char *ae_train_options_json(const AeTrainSettings *s);
extern void ae_append_conv_json(StringInfo buf, const AeConvConfig *c);
extern void ae_check_trainer_memory(const AeTrainSettings *s, int64 n_rows,
									const char *funcname);
extern bytea *ae_model_to_bytea(AeModel *m, const char *context);
extern void ae_notice_epoch(const char *funcname, const AeHistoryRow *row);

typedef struct AeHistoryLog
{
	AeHistoryRow *rows;
	int			n;
	int			cap;
} AeHistoryLog;

extern void ae_history_init(AeHistoryLog *log);
extern void ae_history_add(AeHistoryLog *log, const AeHistoryRow *row);
extern AeModel *ae_model_from_trainer(const AeTrainSettings *set, AeTrainer *t,
									  const AeHistoryLog *log, int d, int64 n_rows,
									  const double *mean, const double *scale,
									  const char *funcname);

/*
 * Per-feature statistics of the training rows, for their scaling: O(d)
 * memory whatever the width (the d*d co-moments are PCA's alone).  Rows
 * are buffered until a batch is full, so the batches (and so the rounding
 * of the result) depend only on the rows' order, never on how the caller
 * chunks them: autoencoder_train and ae_fit reach the same scaling bit for
 * bit.
 */
typedef struct AeMomentsAcc
{
	AeFeatureStats stats;
	int			pending;		/* rows in buf not yet added */
	float	   *buf;			/* MOMENTS_BATCH rows */
} AeMomentsAcc;

extern void ae_moments_acc_init(AeMomentsAcc *a, int d);
extern void ae_moments_acc_add_floats(AeMomentsAcc *a, const float *rows, int64 n);
extern void ae_moments_acc_scaling(AeMomentsAcc *a, const AeTrainSettings *set,
								   double *mean, double *scale,
								   const char *funcname);

/* ae_train_agg.c */
#define AE_DEFAULT_TRAIN_MEMORY_KB	(512 * 1024)
#define AE_MAX_TRAIN_MEMORY_KB		(1000 * 1024)	/* states are bytea: < 1 GB */
extern int	ae_guc_max_train_memory;
#define AE_DEFAULT_TRAINER_MEMORY_KB	(1024 * 1024)
extern int	ae_guc_max_trainer_memory;

/* ae_agg.c: shared by the aggregates' support functions */
extern void ae_agg_require_context(FunctionCallInfo fcinfo, const char *func,
								   const char *agg);
extern uint32 ae_options_crc(Jsonb *options);
extern ArrayType *ae_agg_row(FunctionCallInfo fcinfo, const char *what,
							 Jsonb **options, int *d);
extern void ae_agg_check_row(FunctionCallInfo fcinfo, const char *agg,
							 int state_d, uint32 state_crc, int d,
							 Jsonb *options, int64 row_number);
extern bytea *ae_agg_aligned(bytea *b);
extern void ae_agg_check_states(const char *agg, int d_a, uint32 crc_a,
								int d_b, uint32 crc_b);
extern uint64 ae_sample_random(uint64 *state);
extern int64 ae_sample_below(uint64 *state, int64 n);
extern int64 ae_sample_split(uint64 *rng, int64 k, int64 seen_a, int64 seen_b);
extern void ae_sample_take_rows(uint64 *rng, void *dst, int64 *dst_n,
								const void *src, int64 src_n, int64 want,
								Size row_bytes);

/*
 * A transition or combine function whose argument argno is NULL passes
 * the state (argument 0) through unchanged.
 */
#define AE_AGG_SKIP_IF_NULL(argno) \
	do { \
		if (PG_ARGISNULL(argno)) \
		{ \
			if (PG_ARGISNULL(0)) \
				PG_RETURN_NULL(); \
			PG_RETURN_DATUM(PG_GETARG_DATUM(0)); \
		} \
	} while (0)

/* ae_score.c: model cache, score methods */
struct AeScoreMethod;
extern AeModel *ae_get_model(FunctionCallInfo fcinfo, int argno);
extern const struct AeScoreMethod *ae_lookup_score_method(const AeModel *m,
														   const char *name);
extern const struct AeScoreMethod *ae_default_score_method(const AeModel *m);

#endif							/* AUTOENCODER_H */
