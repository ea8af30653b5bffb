/*-------------------------------------------------------------------------
 *
 * autoencoder.c
 *	  Module initialisation: GUCs, the engine's allocation and interrupt
 *	  hooks, and the mapping of engine errors to SQLSTATEs.
 *
 *-------------------------------------------------------------------------
 */
#include "autoencoder.h"

#include <limits.h>
#include <time.h>

#include "miscadmin.h"
#include "utils/guc.h"

#include <cblas.h>

PG_MODULE_MAGIC;

int			ae_guc_threads = 1;
int			ae_guc_max_trainer_memory = AE_DEFAULT_TRAINER_MEMORY_KB;

void		_PG_init(void);

/* Engine allocations go to CurrentMemoryContext, NULL instead of ERROR. */
static void *
pg_engine_alloc(size_t size)
{
	return palloc_extended(size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

/* Engine frees. */
static void
pg_engine_free(void *ptr)
{
	pfree(ptr);
}

/* Called by the engine once per mini-batch or block of work. */
static void
pg_engine_interrupt(void)
{
	CHECK_FOR_INTERRUPTS();
}

/* Apply autoencoder.threads to OpenBLAS. */
static void
assign_threads(int newval, void *extra)
{
	openblas_set_num_threads(newval);
}

/*
 * Module load: register GUCs and engine hooks.  The settings that bound
 * what one session may take from the machine (threads, memory) are
 * PGC_SUSET: the functions are granted to PUBLIC, so only a superuser
 * raises them, for everyone or per role (ALTER ROLE ... SET, or
 * GRANT SET ON PARAMETER).
 */
void
_PG_init(void)
{
	DefineCustomIntVariable("autoencoder.threads",
							"Number of OpenBLAS threads used inside a backend (1 to 64).",
							"Each backend, and each parallel worker, uses this many threads "
							"for matrix products and eigen decompositions.  Superuser only: "
							"each thread reserves address space in the backend.",
							&ae_guc_threads,
							1, 1, 64,
							PGC_SUSET,
							0,
							NULL, assign_threads, NULL);
	DefineCustomIntVariable("autoencoder.max_train_memory",
							"Memory for the rows one autoencoder_train aggregate keeps (1 MB to 1000 MB).",
							"Past it, autoencoder_train trains on a uniform sample of the rows "
							"and says so in a NOTICE.  Superuser only; the max_rows option "
							"lowers the sample.",
							&ae_guc_max_train_memory,
							AE_DEFAULT_TRAIN_MEMORY_KB, 1024, AE_MAX_TRAIN_MEMORY_KB,
							PGC_SUSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);
	DefineCustomIntVariable("autoencoder.max_trainer_memory",
							"Memory one autoencoder training may use besides its rows (1 MB to 2 TB).",
							"The network, optimiser state, mini-batch workspaces, shuffle "
							"buffer, validation cache and layer-wise codes are estimated "
							"before anything is allocated; a larger training is refused.  "
							"Superuser only.",
							&ae_guc_max_trainer_memory,
							AE_DEFAULT_TRAINER_MEMORY_KB, 1024, MAX_KILOBYTES,
							PGC_SUSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("autoencoder");

	ae_set_allocator(pg_engine_alloc, pg_engine_free);
	ae_set_interrupt_hook(pg_engine_interrupt);
	openblas_set_num_threads(ae_guc_threads);
}

/* Seconds on a monotonic clock. */
double
ae_now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Raise an engine error as a PostgreSQL error with a fitting SQLSTATE. */
void
ae_report_engine_error(const AeError *err, const char *context)
{
	switch (err->status)
	{
		case AE_OK:
			elog(ERROR, "%s: engine reported an error without a status", context);
			break;
		case AE_ENOMEM:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("%s", err->msg),
					 errdetail("The failure happened in %s.", context)));
			break;
		case AE_EINVAL:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s", err->msg)));
			break;
		case AE_ECORRUPT:
			/* bad bytes a user passed, as binary receive functions say */
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid autoencoder model: %s", err->msg),
					 errhint("Pass a value produced by pca_train or autoencoder_train.")));
			break;
		case AE_EVERSION:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("unsupported autoencoder model: %s", err->msg),
					 errhint("The model was written by a newer version of the extension; "
							 "update the extension with ALTER EXTENSION autoencoder UPDATE.")));
			break;
		case AE_ELIMIT:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s", err->msg)));
			break;
		case AE_ENUMERIC:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s", err->msg),
					 errdetail("The failure happened in %s.", context)));
			break;
		case AE_ECANCEL:
			ereport(ERROR,
					(errcode(ERRCODE_QUERY_CANCELED),
					 errmsg("%s", err->msg)));
			break;
		case AE_EDATA:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s: %s", context, err->msg)));
			break;
	}
}
