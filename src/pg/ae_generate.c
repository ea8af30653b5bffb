/*-------------------------------------------------------------------------
 *
 * ae_generate.c
 *	  Generating rows from a variational autoencoder: ae_sample.
 *
 * ae_sample(model, n [, seed]) decodes n codes drawn from the prior
 * N(0, I) into rows of the original feature space (the decoder's mean,
 * unscaled).  Row i of a seed is always the same row, so the function is
 * IMMUTABLE; rows are generated in chunks into a tuplestore, which spills
 * to disk for large n.
 *
 *-------------------------------------------------------------------------
 */
#include "autoencoder.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"

/* Rows generated per engine call. */
#define SAMPLE_CHUNK 256
/* Most rows one call may generate. */
#define MAX_SAMPLES 100000000
/*
 * Most values (rows x features) one call may generate: the result is
 * materialised, so this bounds its temporary files at about 1 GB.
 */
#define MAX_SAMPLE_VALUES 100000000

PG_FUNCTION_INFO_V1(ae_sample);

/* Error unless m is a variational autoencoder. */
static void
require_variational(const AeModel *m, const char *func)
{
	if (!ae_model_is_variational(m))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 m->kind == AE_KIND_AUTOENCODER ?
				 errmsg("%s needs a variational autoencoder, not one of variant \"%s\"",
						func, ae_variant_name(m->variant.variant)) :
				 errmsg("%s needs a variational autoencoder, not a %s model",
						func, ae_kind_name(m->kind)),
				 errhint("Train one with autoencoder_train(x, '{\"variant\": \"variational\"}').")));
}

/* ae_sample(model bytea, n int, seed bigint) returns SETOF float8[]. */
Datum
ae_sample(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	AeModel    *m = ae_get_model(fcinfo, 0);
	int32		n = PG_GETARG_INT32(1);
	int64		seed = PG_GETARG_INT64(2);
	int			d = m->n_features;
	double	   *rows;

	require_variational(m, "ae_sample");
	if (n < 0 || n > MAX_SAMPLES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ae_sample needs 0 to %d rows, not %d", MAX_SAMPLES, n)));
	if ((int64) n * d > MAX_SAMPLE_VALUES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("ae_sample would generate " INT64_FORMAT " values (%d rows of %d features), more than the limit of %d",
						(int64) n * d, n, d, MAX_SAMPLE_VALUES),
				 errdetail("The rows are materialised before the first is returned, so LIMIT does not reduce the work."),
				 errhint("Generate fewer rows per call, with a different seed for each call.")));
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	rows = palloc(sizeof(double) * (Size) SAMPLE_CHUNK * d);
	for (int32 r0 = 0; r0 < n; r0 += SAMPLE_CHUNK)
	{
		int			cnt = Min(SAMPLE_CHUNK, n - r0);
		AeError		err = {0};

		CHECK_FOR_INTERRUPTS();
		if (ae_model_sample(m, r0, cnt, (uint64_t) seed, rows, &err) != AE_OK)
			ae_report_engine_error(&err, "ae_sample");
		for (int i = 0; i < cnt; i++)
		{
			Datum		value = PointerGetDatum(ae_doubles_to_array(rows + (Size) i * d,
																	 d, FLOAT8OID));
			bool		isnull = false;

			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
		}
	}
	pfree(rows);
	return (Datum) 0;
}
