/*-------------------------------------------------------------------------
 *
 * ae_options.c
 *	  Table-driven parsing of the jsonb options argument: unknown keys,
 *	  wrong types and out-of-range values are errors naming the key and
 *	  the valid range.
 *
 *-------------------------------------------------------------------------
 */
#include "autoencoder.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

/* "components, variance, scale, whiten" */
static char *
list_option_names(const AeOptSpec *specs, int nspecs)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < nspecs; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", specs[i].name);
	return buf.data;
}

/* "\"standard\", \"center\", \"none\"" */
static char *
list_choices(const char *const *choices)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; choices[i]; i++)
		appendStringInfo(&buf, "%s\"%s\"", i ? ", " : "", choices[i]);
	return buf.data;
}

/* Name of a jsonb value's type, for error messages. */
static const char *
jsonb_type_name(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		case jbvBinary:
			return "an array or object";
		default:
			return "a value of another type";
	}
}

/* Numeric jsonb value as a double. */
static double
jsonb_number(const JsonbValue *v)
{
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8,
											  NumericGetDatum(v->val.numeric)));
}

/* Error for an integer option (or list element) out of range. */
static void
check_int(const AeOptSpec *spec, const JsonbValue *v, const char *funcname,
		  double *out)
{
	double		x;

	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" of %s must be an integer, not %s",
						spec->name, funcname, jsonb_type_name(v))));
	x = jsonb_number(v);
	if (x != floor(x) || x < spec->min || x > spec->max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" of %s must be an integer between %.0f and %.0f, not %g",
						spec->name, funcname, spec->min, spec->max, x)));
	*out = x;
}

/* Parse one option's value into *val. */
static void
parse_value(const AeOptSpec *spec, JsonbValue *v, AeOptValue *val,
			const char *funcname)
{
	val->given = true;
	switch (spec->type)
	{
		case AE_OPT_INT:
			check_int(spec, v, funcname, &val->num);
			break;
		case AE_OPT_REAL:
			{
				double		x;

				if (v->type != jbvNumeric)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("option \"%s\" of %s must be a number, not %s",
									spec->name, funcname, jsonb_type_name(v))));
				x = jsonb_number(v);
				if (!isfinite(x) || (spec->min_exclusive ? x <= spec->min : x < spec->min) ||
					x > spec->max)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("option \"%s\" of %s must be in the range %s%g, %g], not %g",
									spec->name, funcname,
									spec->min_exclusive ? "(" : "[",
									spec->min, spec->max, x)));
				val->num = x;
				break;
			}
		case AE_OPT_BOOL:
			if (v->type != jbvBool)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"%s\" of %s must be true or false, not %s",
								spec->name, funcname, jsonb_type_name(v))));
			val->flag = v->val.boolean;
			break;
		case AE_OPT_ENUM:
			{
				char	   *s;

				if (v->type != jbvString)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("option \"%s\" of %s must be one of %s, not %s",
									spec->name, funcname, list_choices(spec->choices),
									jsonb_type_name(v))));
				s = pnstrdup(v->val.string.val, v->val.string.len);
				val->choice = -1;
				for (int i = 0; spec->choices[i]; i++)
					if (strcmp(s, spec->choices[i]) == 0)
						val->choice = i;
				if (val->choice < 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("option \"%s\" of %s must be one of %s, not \"%s\"",
									spec->name, funcname, list_choices(spec->choices), s)));
				break;
			}
		case AE_OPT_OBJECT:
			if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"%s\" of %s must be a json object, not %s",
								spec->name, funcname, jsonb_type_name(v))));
			val->object = JsonbValueToJsonb(v);
			break;
		case AE_OPT_ARRAY:
			if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
				JsonContainerIsScalar(v->val.binary.data))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"%s\" of %s must be a json array, not %s",
								spec->name, funcname,
								v->type == jbvBinary ? "an object" : jsonb_type_name(v))));
			val->object = JsonbValueToJsonb(v);
			break;
		case AE_OPT_INT_LIST:
			{
				JsonbIterator *it;
				JsonbValue	elem;
				JsonbIteratorToken tok;

				if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
					JsonContainerIsScalar(v->val.binary.data))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("option \"%s\" of %s must be an array of integers, not %s",
									spec->name, funcname, jsonb_type_name(v)),
							 errhint("For example: {\"%s\": [32, 8]}.", spec->name)));
				val->n_list = 0;
				it = JsonbIteratorInit(v->val.binary.data);
				while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
				{
					double		x;

					if (tok != WJB_ELEM)
						continue;
					if (val->n_list >= AE_MAX_LAYERS)
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("option \"%s\" of %s has more than %d entries",
										spec->name, funcname, AE_MAX_LAYERS)));
					check_int(spec, &elem, funcname, &x);
					val->list[val->n_list++] = (int) x;
				}
				if (val->n_list == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("option \"%s\" of %s must not be empty",
									spec->name, funcname)));
				break;
			}
	}
}

/*
 * Fill values[i] from options for each specs[i]; keys not in specs are
 * errors.  options may be NULL (all defaults).
 */
void
ae_parse_options(Jsonb *options, const AeOptSpec *specs, int nspecs,
				 AeOptValue *values, const char *funcname)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	memset(values, 0, sizeof(AeOptValue) * nspecs);
	if (options == NULL)
		return;
	if (!JB_ROOT_IS_OBJECT(options) || JB_ROOT_IS_SCALAR(options))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options of %s must be a json object", funcname),
				 errhint("For example: '{\"%s\": ...}'::jsonb.", specs[0].name)));

	it = JsonbIteratorInit(&options->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;
		int			i;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		for (i = 0; i < nspecs; i++)
			if (strcmp(key, specs[i].name) == 0)
				break;
		if (i == nspecs)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown option \"%s\" for %s", key, funcname),
					 errhint("Valid options are: %s.", list_option_names(specs, nspecs))));
		tok = JsonbIteratorNext(&it, &v, true);
		Assert(tok == WJB_VALUE);
		parse_value(&specs[i], &v, &values[i], funcname);
	}
}
