/*-------------------------------------------------------------------------
 *
 * ae_fit.c
 *	  ae_fit(query, options): trains an autoencoder by re-reading a query
 *	  through a cursor on every epoch, and returns one row per epoch as
 *	  soon as it finishes, with the model on the last row.
 *
 * A value-per-call set-returning function: the trainer lives in the
 * multi-call memory context, and each call connects to SPI, runs one
 * epoch (during which the trainer reads the query through a fresh
 * cursor), closes the cursor and returns.  The query runs with the
 * caller's privileges.
 *
 *-------------------------------------------------------------------------
 */
#include "autoencoder.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/plancache.h"

#define FIT_FETCH_ROWS 1000

PG_FUNCTION_INFO_V1(ae_fit);

typedef struct FitState
{
	char	   *query;
	AeTrainSettings set;
	int			d;				/* row width, from the first row */
	int64		n_rows;			/* non-NULL rows of the first pass */
	double	   *mean;
	double	   *scale;
	AeTrainer  *trainer;
	AeHistoryLog log;
	bool		done;
	/* the pass being read */
	Portal		portal;
	SPITupleTable *tuptable;	/* fetched, not yet consumed */
	uint64		tuple_pos;
	bool		exhausted;
} FitState;

/* Close the current cursor, if any. */
static void
close_cursor(FitState *fs)
{
	MemoryContext cxt = CurrentMemoryContext;

	if (fs->tuptable)
		SPI_freetuptable(fs->tuptable);
	fs->tuptable = NULL;
	if (fs->portal)
		SPI_cursor_close(fs->portal);
	fs->portal = NULL;
	MemoryContextSwitchTo(cxt);
}

/*
 * The query is read again on every epoch, so it must not change anything:
 * refuse data-modifying statements (DELETE ... RETURNING), data-modifying
 * WITH clauses and row locks (FOR UPDATE) by name, rather than let the
 * read-only cursor fail with "DELETE is not allowed in a non-volatile
 * function".
 */
static void
require_read_only(SPIPlanPtr plan)
{
	ListCell   *lc;

	foreach(lc, SPI_plan_get_plan_sources(plan))
	{
		CachedPlanSource *ps = (CachedPlanSource *) lfirst(lc);
		ListCell   *lq;
		const char *what = NULL;

		if (ps->commandTag != CMDTAG_SELECT)
			what = GetCommandTagName(ps->commandTag);
		foreach(lq, ps->query_list)
		{
			Query	   *q = lfirst_node(Query, lq);

			if (what == NULL && q->hasModifyingCTE)
				what = "SELECT with a data-modifying WITH";
			else if (what == NULL && q->rowMarks != NIL)
				what = "SELECT with FOR UPDATE or FOR SHARE";
		}
		if (what)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ae_fit query must be a read-only SELECT, not %s", what),
					 errdetail("ae_fit runs the query again on every epoch."),
					 errhint("Select the rows to train on, e.g. ae_fit('SELECT features FROM t WHERE ...', ...).")));
	}
}

/* Data source: start a new pass, with a fresh cursor over the query. */
static AeStatus
fit_rewind(void *ctx, AeError *err)
{
	FitState   *fs = ctx;
	MemoryContext cxt = CurrentMemoryContext;
	SPIPlanPtr	plan;
	Oid			coltype;

	close_cursor(fs);
	plan = SPI_prepare(fs->query, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "ae_fit: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	require_read_only(plan);
	if (!SPI_is_cursor_plan(plan))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ae_fit query must be a single SELECT that returns rows")));
	fs->portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	coltype = fs->portal->tupDesc->natts >= 1 ?
		TupleDescAttr(fs->portal->tupDesc, 0)->atttypid : InvalidOid;
	if (fs->portal->tupDesc->natts != 1 ||
		(coltype != FLOAT4ARRAYOID && coltype != FLOAT8ARRAYOID &&
		 coltype != INT2ARRAYOID && coltype != INT4ARRAYOID &&
		 coltype != INT8ARRAYOID && coltype != NUMERICARRAYOID))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("ae_fit query must return one column of type real[], double precision[], integer[], bigint[] or numeric[]"),
				 errdetail("The query returns %d column(s), the first of type %s.",
						   fs->portal->tupDesc->natts,
						   OidIsValid(coltype) ? format_type_be(coltype) : "none"),
				 errhint("Select only the feature array, e.g. ae_fit('SELECT features FROM t', ...).")));
	SPI_freeplan(plan);
	fs->tuple_pos = 0;
	fs->exhausted = false;
	/* SPI calls leave the SPI procedure context current: go back */
	MemoryContextSwitchTo(cxt);
	return AE_OK;
}

/* Data source: up to max_rows non-NULL rows, as float32. */
static int64_t
fit_read(void *ctx, float *buf, int64_t max_rows, AeError *err)
{
	FitState   *fs = ctx;
	MemoryContext cxt = CurrentMemoryContext;
	int64		got = 0;

	while (got < max_rows)
	{
		HeapTuple	tup;
		bool		isnull;
		Datum		value;
		ArrayType  *x;
		int			n;

		if (fs->tuptable == NULL || fs->tuple_pos >= fs->tuptable->numvals)
		{
			if (fs->tuptable)
				SPI_freetuptable(fs->tuptable);
			fs->tuptable = NULL;
			if (fs->exhausted || fs->portal == NULL)
				break;
			SPI_cursor_fetch(fs->portal, true, FIT_FETCH_ROWS);
			MemoryContextSwitchTo(cxt);
			fs->tuptable = SPI_tuptable;
			fs->tuple_pos = 0;
			if (SPI_processed < FIT_FETCH_ROWS)
				fs->exhausted = true;
			if (SPI_processed == 0)
				continue;
		}
		tup = fs->tuptable->vals[fs->tuple_pos++];
		value = SPI_getbinval(tup, fs->tuptable->tupdesc, 1, &isnull);
		if (isnull)
			continue;
		x = ae_array_as_float8(DatumGetArrayTypeP(value));
		ae_check_array(x, "ae_fit input");
		n = ae_array_length(x);
		if (fs->d == 0)
			fs->d = n;			/* first row of the first pass */
		if (n != fs->d)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("expected %d elements, not %d", fs->d, n),
					 errdetail("Every row of the ae_fit query must have the same length.")));
		ae_array_to_floats(x, buf + (Size) got * fs->d, n, "ae_fit input");
		got++;
		if ((Pointer) x != DatumGetPointer(value))
			pfree(x);
	}
	return got;
}

/*
 * ae_fit over fewer than 2 rows is an error, unlike the aggregates (NULL):
 * it trains on one query the caller wrote, not on groups, and an empty
 * result is a mistake that a silent empty answer would hide.
 */
static void
too_few_rows(int64 n)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("ae_fit needs at least 2 non-NULL rows, not " INT64_FORMAT, n),
			 errhint("Check the query; unlike ae_fit, the aggregate autoencoder_train returns NULL for fewer than 2 rows.")));
}

/* First pass: width, row count and the scaling's moments. */
static void
first_pass(FitState *fs)
{
	AeMomentsAcc acc;
	float	   *chunk = NULL;
	int64		got;

	fit_rewind(fs, NULL);
	/* read one row to learn the width */
	fs->d = 0;
	{
		float	   *probe = palloc(sizeof(float) * AE_MAX_FEATURES);

		got = fit_read(fs, probe, 1, NULL);
		if (got == 0)
			too_few_rows(0);
		ae_finish_net_config(&fs->set, fs->d, "ae_fit");
		ae_moments_acc_init(&acc, fs->d);
		ae_moments_acc_add_floats(&acc, probe, 1);
		pfree(probe);
	}
	fs->n_rows = 1;
	chunk = palloc(sizeof(float) * (Size) FIT_FETCH_ROWS * fs->d);
	while ((got = fit_read(fs, chunk, FIT_FETCH_ROWS, NULL)) > 0)
	{
		fs->n_rows += got;
		ae_moments_acc_add_floats(&acc, chunk, got);
	}
	close_cursor(fs);
	pfree(chunk);
	if (fs->n_rows < 2)
		too_few_rows(fs->n_rows);
	fs->mean = palloc(sizeof(double) * fs->d);
	fs->scale = palloc(sizeof(double) * fs->d);
	ae_moments_acc_scaling(&acc, &fs->set, fs->mean, fs->scale, "ae_fit");
}

/*
 * ae_fit(query text, options jsonb) returns TABLE(epoch int, phase text,
 * loss float8, val_loss float8, seconds float8, model bytea)
 */
Datum
ae_fit(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	FitState   *fs;
	MemoryContext old;
	AeHistoryRow row;
	AeError		err = {0};
	AeDataSource src;
	bool		last;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, true};
	HeapTuple	tuple;

	if (SRF_IS_FIRSTCALL())
	{
		TupleDesc	tupdesc;
		Jsonb	   *options;

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "ae_fit: return type must be a row type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);

		if (PG_ARGISNULL(0))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("ae_fit query must not be NULL")));
		fs = palloc0(sizeof(FitState));
		fs->query = text_to_cstring(PG_GETARG_TEXT_PP(0));
		options = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
		ae_parse_train_options(options, true, "ae_fit", &fs->set);
		ae_history_init(&fs->log);
		funcctx->user_fctx = fs;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "ae_fit: SPI_connect failed");
		MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		first_pass(fs);
		/* no buffer or mini-batch larger than the rows there are */
		fs->set.train.shuffle_buffer_rows = Min(fs->set.train.shuffle_buffer_rows, fs->n_rows);
		ae_check_trainer_memory(&fs->set, fs->n_rows, "ae_fit");
		fs->trainer = ae_trainer_create(&fs->set.net, &fs->set.train,
										fs->mean, fs->scale, &err);
		if (!fs->trainer)
			ae_report_engine_error(&err, "ae_fit");
		SPI_finish();
		MemoryContextSwitchTo(old);
	}

	funcctx = SRF_PERCALL_SETUP();
	fs = funcctx->user_fctx;
	if (fs->done)
		SRF_RETURN_DONE(funcctx);

	/* one epoch: the trainer reads the query through a fresh cursor */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "ae_fit: SPI_connect failed");
	old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
	src.ctx = fs;
	src.rewind = fit_rewind;
	src.read = fit_read;
	if (ae_trainer_step(fs->trainer, &src, &row, &last, &err) != AE_OK)
		ae_report_engine_error(&err, "ae_fit");
	close_cursor(fs);
	ae_history_add(&fs->log, &row);
	if (fs->set.verbose)
		ae_notice_epoch("ae_fit", &row);
	SPI_finish();

	if (last)
	{
		AeModel    *model = ae_model_from_trainer(&fs->set, fs->trainer, &fs->log,
												  fs->d, fs->n_rows, fs->mean,
												  fs->scale, "ae_fit");

		fs->trainer = NULL;
		fs->done = true;
		MemoryContextSwitchTo(old);
		values[5] = PointerGetDatum(ae_model_to_bytea(model, "ae_fit"));
		nulls[5] = false;
	}
	MemoryContextSwitchTo(old);

	values[0] = Int32GetDatum(row.epoch);
	values[1] = CStringGetTextDatum(row.phase);
	values[2] = Float8GetDatum(row.loss);
	values[3] = Float8GetDatum(row.val_loss);
	nulls[3] = isnan(row.val_loss);
	values[4] = Float8GetDatum(row.seconds);
	tuple = heap_form_tuple(funcctx->tuple_desc, values, nulls);
	SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(tuple));
}
