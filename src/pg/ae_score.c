/*-------------------------------------------------------------------------
 *
 * ae_score.c
 *	  Scoring functions (ae_encode, ae_decode, ae_reconstruct,
 *	  ae_anomaly_score) and the per-call-site model cache behind them.
 *
 * A model is parsed and validated once per call site, not once per row:
 * the parsed models (up to AE_CACHE_SLOTS, least recently used replaced
 * first) are kept in fn_extra together with a key for the datum each came
 * from.  A model stored out of line is keyed by its TOAST pointer,
 * so a model joined from a table is neither detoasted nor parsed again for
 * each row; an inline (possibly compressed) value is keyed by its bytes,
 * compared in full only when it arrives at a new address (see
 * slot_matches).
 *
 *-------------------------------------------------------------------------
 */
#include "autoencoder.h"

#include <float.h>
#include <math.h>

#include "access/detoast.h"
#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "../engine/ae_detect.h"

/* Models kept per call site: enough for joins that alternate between a few models. */
#define AE_CACHE_SLOTS 4

typedef struct CacheSlot
{
	MemoryContext mcxt;			/* holds model and key; reset on reuse */
	AeModel    *model;			/* NULL: empty */
	uint64		last_used;		/* for least-recently-used replacement */
	bool		external;		/* key is a TOAST pointer */
	varatt_external toast_ptr;
	char	   *raw;			/* key is these bytes (inline datum) */
	Size		raw_len;
	const void *last_ptr;		/* address of the inline datum last matched */
	double	   *buf_in;			/* max(d, k) doubles */
	double	   *buf_out;		/* max(d, k) doubles */
} CacheSlot;

typedef struct ModelCache
{
	CacheSlot	slots[AE_CACHE_SLOTS];
	uint64		tick;
	CacheSlot  *current;		/* the slot ae_get_model returned last */
} ModelCache;

PG_FUNCTION_INFO_V1(ae_encode);
PG_FUNCTION_INFO_V1(ae_decode);
PG_FUNCTION_INFO_V1(ae_reconstruct);
PG_FUNCTION_INFO_V1(ae_anomaly_score);
PG_FUNCTION_INFO_V1(ae_feature_errors);
PG_FUNCTION_INFO_V1(ae_anomaly_percentile);
PG_FUNCTION_INFO_V1(ae_is_anomaly);

/* Does this slot's key match the datum? */
static bool
slot_matches(CacheSlot *c, struct varlena *v)
{
	if (c->model == NULL)
		return false;
	if (VARATT_IS_EXTERNAL_ONDISK(v))
	{
		varatt_external p;

		if (!c->external)
			return false;
		VARATT_EXTERNAL_GET_POINTER(p, v);
		return p.va_valueid == c->toast_ptr.va_valueid &&
			p.va_toastrelid == c->toast_ptr.va_toastrelid &&
			p.va_rawsize == c->toast_ptr.va_rawsize &&
			p.va_extinfo == c->toast_ptr.va_extinfo;
	}
	if (c->external || VARATT_IS_EXTERNAL(v) || VARSIZE_ANY(v) != c->raw_len)
		return false;

	/*
	 * The datum this slot matched last, at the same address and of the same
	 * length (a model passed as a constant, or from an initplan, arrives so
	 * on every row): compare the model header, whose CRC-32 covers every
	 * byte of the model, instead of all of it.  A different model there
	 * would have to have the same length and checksum.  Compressed values
	 * have no readable header and are compared in full.
	 */
	if ((const void *) v == c->last_ptr && !VARATT_IS_COMPRESSED(v) &&
		VARSIZE_ANY_EXHDR(v) >= AE_HEADER_SIZE)
		return memcmp(VARDATA_ANY(v), VARDATA_ANY(c->raw), AE_HEADER_SIZE) == 0;
	if (memcmp(v, c->raw, c->raw_len) != 0)
		return false;
	c->last_ptr = v;
	return true;
}

/* pg_parse_json callback: every number must be a finite double. */
typedef struct OptionsCheck
{
	bool		bad_number;
} OptionsCheck;

#if PG_VERSION_NUM >= 160000
static JsonParseErrorType
#else
static void
#endif
options_scalar(void *state, char *token, JsonTokenType type)
{
	OptionsCheck *oc = (OptionsCheck *) state;

	if (type == JSON_TOKEN_NUMBER)
	{
		char	   *end;
		double		v = strtod(token, &end);

		if (*end != '\0' || !isfinite(v))
			oc->bad_number = true;
	}
#if PG_VERSION_NUM >= 160000
	return JSON_SUCCESS;
#endif
}

/*
 * The engine checks that the model's options text is a string; ae_model_info
 * embeds it as jsonb and reads numbers from it, so it must also be a JSON
 * object in the database encoding, with valid escapes and numbers a double
 * can hold.  Anything else is damage, reported as such (not as whatever
 * jsonb_in or numeric_float8 would say later).
 */
static void
check_options_json(const AeModel *model)
{
	const char *text = model->options_json;
	JsonLexContext *lex;
	JsonSemAction sem = {0};
	OptionsCheck oc = {false};
	bool		ok;

	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	ok = *text == '{' && pg_verifymbstr(text, strlen(text), true);
	if (ok)
	{
		lex = makeJsonLexContextCstringLen(unconstify(char *, text), strlen(text),
										   GetDatabaseEncoding(), true);
		sem.semstate = &oc;
		sem.scalar = options_scalar;
		ok = pg_parse_json(lex, &sem) == JSON_SUCCESS && !oc.bad_number;
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid autoencoder model: its options are not a JSON object"),
				 errhint("Pass a value produced by pca_train or autoencoder_train.")));
}

/* The parsed model for argument argno, from the cache or freshly parsed. */
AeModel *
ae_get_model(FunctionCallInfo fcinfo, int argno)
{
	ModelCache *mc = (ModelCache *) fcinfo->flinfo->fn_extra;
	struct varlena *v = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
	CacheSlot  *c = NULL;
	bytea	   *b;
	MemoryContext old;
	AeError		err = {0};
	AeModel    *model;
	int			wide;

	if (mc == NULL)
	{
		mc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ModelCache));
		fcinfo->flinfo->fn_extra = mc;
	}
	mc->tick++;
	for (int i = 0; i < AE_CACHE_SLOTS; i++)
	{
		if (slot_matches(&mc->slots[i], v))
		{
			mc->current = &mc->slots[i];
			mc->current->last_used = mc->tick;
			return mc->current->model;
		}
		/* otherwise remember an empty or the least recently used slot */
		if (c == NULL || (c->model != NULL &&
						  (mc->slots[i].model == NULL ||
						   mc->slots[i].last_used < c->last_used)))
			c = &mc->slots[i];
	}

	if (c->mcxt == NULL)
		c->mcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
										"autoencoder model cache",
										ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(c->mcxt);
	c->model = NULL;
	old = MemoryContextSwitchTo(c->mcxt);

	c->external = VARATT_IS_EXTERNAL_ONDISK(v);
	if (c->external)
		VARATT_EXTERNAL_GET_POINTER(c->toast_ptr, v);
	else if (!VARATT_IS_EXTERNAL(v))
	{
		c->raw_len = VARSIZE_ANY(v);
		c->raw = palloc(c->raw_len);
		memcpy(c->raw, v, c->raw_len);
		c->last_ptr = v;
	}
	else
	{
		/* other external forms (indirect, expanded) are never matched */
		c->raw_len = 0;
		c->raw = NULL;
	}
	if (c->external || c->raw == NULL)
		c->last_ptr = NULL;

	b = (bytea *) detoast_attr(v);
	model = ae_model_deserialize((const uint8_t *) VARDATA_ANY(b),
								 VARSIZE_ANY_EXHDR(b), &err);
	if (!model)
	{
		MemoryContextSwitchTo(old);
		ae_report_engine_error(&err, "reading a model");
	}
	check_options_json(model);
	wide = Max(model->n_features, model->n_components);
	c->buf_in = palloc(sizeof(double) * wide);
	c->buf_out = palloc(sizeof(double) * wide);
	if (b != (bytea *) v)
		pfree(b);
	MemoryContextSwitchTo(old);
	c->model = model;
	c->last_used = mc->tick;
	mc->current = c;
	return model;
}

static void check_float_range(const AeModel *m, const double *x, int n,
							  bool is_code, const char *what);
static void check_result(const double *v, int n, const char *func);

/* Model, plus argument 1 checked and copied into the cache's input buffer. */
static AeModel *
model_and_input(FunctionCallInfo fcinfo, int expected_len_of_code,
				ArrayType **xout, const char *what)
{
	AeModel    *m = ae_get_model(fcinfo, 0);
	CacheSlot  *c = ((ModelCache *) fcinfo->flinfo->fn_extra)->current;
	ArrayType  *x = PG_GETARG_ARRAYTYPE_P(1);
	int			expected = expected_len_of_code ? m->n_components : m->n_features;
	int			n;

	ae_check_array(x, what);
	n = ae_array_length(x);
	if (n != expected)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("expected %d elements, not %d", expected, n),
				 errdetail("The model has %d features and %d components.",
						   m->n_features, m->n_components)));
	ae_array_to_doubles(x, c->buf_in, n, what);
	if (m->kind == AE_KIND_AUTOENCODER)
		check_float_range(m, c->buf_in, n, expected_len_of_code, what);
	*xout = x;
	return m;
}

/*
 * An autoencoder computes in single precision: refuse inputs whose value,
 * or scaled value, is beyond it, as training does, instead of returning
 * codes of NaN.
 */
static void
check_float_range(const AeModel *m, const double *x, int n, bool is_code,
				  const char *what)
{
	for (int i = 0; i < n; i++)
	{
		double		z = is_code ? x[i] : (x[i] - m->mean[i]) / m->scale[i];

		if (fabs(x[i]) > FLT_MAX || fabs(z) > FLT_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s element %d is out of range for an autoencoder: %g", what, i + 1, x[i]),
					 errdetail("Autoencoders compute in single precision (real), up to about 3.4e38 after scaling.")));
	}
}

/* A result that overflowed (non-finite) is an error, never a silent NaN. */
static void
check_result(const double *v, int n, const char *func)
{
	for (int i = 0; i < n; i++)
		if (!isfinite(v[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s result is out of range for this input", func),
					 errdetail("Element %d of the result is %s.", i + 1,
							   isnan(v[i]) ? "NaN" : "infinite")));
}

/* ae_encode(model, x) returns the k-dimensional code of x. */
Datum
ae_encode(PG_FUNCTION_ARGS)
{
	ArrayType  *x;
	AeModel    *m = model_and_input(fcinfo, false, &x, "input");
	CacheSlot  *c = ((ModelCache *) fcinfo->flinfo->fn_extra)->current;

	ae_model_encode(m, c->buf_in, c->buf_out);
	check_result(c->buf_out, m->n_components, "ae_encode");
	PG_RETURN_ARRAYTYPE_P(ae_doubles_to_array(c->buf_out, m->n_components,
											  ARR_ELEMTYPE(x)));
}

/* ae_decode(model, code) returns the row in feature space for a code. */
Datum
ae_decode(PG_FUNCTION_ARGS)
{
	ArrayType  *x;
	AeModel    *m = model_and_input(fcinfo, true, &x, "code");
	CacheSlot  *c = ((ModelCache *) fcinfo->flinfo->fn_extra)->current;

	ae_model_decode(m, c->buf_in, c->buf_out);
	check_result(c->buf_out, m->n_features, "ae_decode");
	PG_RETURN_ARRAYTYPE_P(ae_doubles_to_array(c->buf_out, m->n_features,
											  ARR_ELEMTYPE(x)));
}

/* ae_reconstruct(model, x) returns decode(encode(x)). */
Datum
ae_reconstruct(PG_FUNCTION_ARGS)
{
	ArrayType  *x;
	AeModel    *m = model_and_input(fcinfo, false, &x, "input");
	CacheSlot  *c = ((ModelCache *) fcinfo->flinfo->fn_extra)->current;

	ae_model_reconstruct(m, c->buf_in, c->buf_out);
	check_result(c->buf_out, m->n_features, "ae_reconstruct");
	PG_RETURN_ARRAYTYPE_P(ae_doubles_to_array(c->buf_out, m->n_features,
											  ARR_ELEMTYPE(x)));
}

/*
 * The score method called name for model m; an unknown name, or one that
 * does not apply to this kind of model, is an error naming the choices.
 */
const AeScoreMethod *
ae_lookup_score_method(const AeModel *m, const char *name)
{
	const AeScoreMethod *method = ae_score_method_find(name);
	char		choices[256];

	if (method && method->applies(m))
		return method;
	ae_score_method_list(m, choices, sizeof(choices));
	if (method == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown score method \"%s\"", name),
				 errhint("Methods for this %s model: %s.", ae_kind_name(m->kind), choices)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("score method \"%s\" does not apply to this %s model", name,
					ae_kind_name(m->kind)),
			 errdetail("The method scores %s.", method->summary),
			 errhint("Methods for this model: %s.", choices)));
	return NULL;				/* keep the compiler quiet */
}

/* The method a model scores with when none is named. */
const AeScoreMethod *
ae_default_score_method(const AeModel *m)
{
	return ae_model_default_method(m);
}

/* The method named by argument argno if there is one, else the default. */
static const AeScoreMethod *
method_arg(FunctionCallInfo fcinfo, const AeModel *m, int argno)
{
	if (PG_NARGS() > argno)
		return ae_lookup_score_method(m, text_to_cstring(PG_GETARG_TEXT_PP(argno)));
	return ae_default_score_method(m);
}

/* The quantiles of a method's training scores; an error when the model has none. */
static const AeScoreQuantiles *
quantiles_of(const AeModel *m, const AeScoreMethod *method)
{
	const AeScoreQuantiles *qs = ae_model_quantiles(m, method->name);

	if (qs == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("this model has no distribution of training scores for method \"%s\"",
						method->name),
				 errdetail("Models trained by pca_train or autoencoder_train from version 0.2.0 on keep one; "
						   "models from ae_fit or from older versions do not."),
				 errhint("Retrain the model with pca_train or autoencoder_train.")));
	return qs;
}

/*
 * ae_anomaly_score(model, x [, method text]): the row's score by the named
 * method, or by the model's default method (reconstruction for every
 * model 0.1.0 wrote).
 */
Datum
ae_anomaly_score(PG_FUNCTION_ARGS)
{
	ArrayType  *x;
	AeModel    *m = model_and_input(fcinfo, false, &x, "input");
	CacheSlot  *c = ((ModelCache *) fcinfo->flinfo->fn_extra)->current;
	const AeScoreMethod *method;
	double		score;

	method = method_arg(fcinfo, m, 2);
	score = method->score(m, c->buf_in);
	check_result(&score, 1, "ae_anomaly_score");
	PG_RETURN_FLOAT8(score);
}

/*
 * ae_feature_errors(model, x): each feature's squared reconstruction
 * error in the scaled space; their mean is the reconstruction score.
 */
Datum
ae_feature_errors(PG_FUNCTION_ARGS)
{
	ArrayType  *x;
	AeModel    *m = model_and_input(fcinfo, false, &x, "input");
	CacheSlot  *c = ((ModelCache *) fcinfo->flinfo->fn_extra)->current;

	ae_model_feature_errors(m, c->buf_in, c->buf_out);
	check_result(c->buf_out, m->n_features, "ae_feature_errors");
	PG_RETURN_ARRAYTYPE_P(ae_doubles_to_array(c->buf_out, m->n_features, FLOAT8OID));
}

/*
 * ae_anomaly_percentile(model, x [, method]): the share of training rows
 * whose score was lower, interpolated between the stored quantiles.
 */
Datum
ae_anomaly_percentile(PG_FUNCTION_ARGS)
{
	ArrayType  *x;
	AeModel    *m = model_and_input(fcinfo, false, &x, "input");
	CacheSlot  *c = ((ModelCache *) fcinfo->flinfo->fn_extra)->current;
	const AeScoreMethod *method = method_arg(fcinfo, m, 2);
	const AeScoreQuantiles *qs = quantiles_of(m, method);
	double		score = method->score(m, c->buf_in);

	/* a NaN score would rank below every training row: refuse it */
	check_result(&score, 1, "ae_anomaly_percentile");
	PG_RETURN_FLOAT8(ae_quantiles_percentile(qs, score));
}

/*
 * ae_is_anomaly(model, x [, contamination [, method]]): whether the score
 * exceeds the (1 - contamination) quantile of the training scores; the
 * contamination defaults to the model's (option "contamination").
 */
Datum
ae_is_anomaly(PG_FUNCTION_ARGS)
{
	ArrayType  *x;
	AeModel    *m = model_and_input(fcinfo, false, &x, "input");
	CacheSlot  *c = ((ModelCache *) fcinfo->flinfo->fn_extra)->current;
	const AeScoreMethod *method = method_arg(fcinfo, m, 3);
	const AeScoreQuantiles *qs = quantiles_of(m, method);
	double		contamination = PG_NARGS() > 2 ? PG_GETARG_FLOAT8(2) : m->contamination;
	double		score;

	if (!(contamination > 0 && contamination <= 0.5))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("contamination must be in the range (0, 0.5], not %g", contamination),
				 errdetail("It is the share of training rows expected to be anomalies.")));
	score = method->score(m, c->buf_in);
	/* NaN compares false: without this an overflowing row would pass */
	check_result(&score, 1, "ae_is_anomaly");
	PG_RETURN_BOOL(score > ae_quantiles_value(qs, 1 - contamination));
}
