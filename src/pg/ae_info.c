/*-------------------------------------------------------------------------
 *
 * ae_info.c
 *	  Model introspection: ae_model_info (jsonb) and the set-returning
 *	  pca_components, ae_training_history, ae_training_terms and
 *	  ae_layer_weights.
 *
 *-------------------------------------------------------------------------
 */
#include "autoencoder.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "access/detoast.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "../engine/ae_detect.h"

PG_FUNCTION_INFO_V1(ae_model_info);
PG_FUNCTION_INFO_V1(pca_components);
PG_FUNCTION_INFO_V1(ae_training_history);
PG_FUNCTION_INFO_V1(ae_training_terms);
PG_FUNCTION_INFO_V1(ae_layer_weights);

/* Append a JSON number, or null for NaN/infinity. */
static void
append_number(StringInfo buf, double v)
{
	if (isfinite(v))
		appendStringInfo(buf, "%.17g", v);
	else
		appendStringInfoString(buf, "null");
}

/* Append a JSON array of n numbers. */
static void
append_numbers(StringInfo buf, const double *v, int n)
{
	appendStringInfoChar(buf, '[');
	for (int i = 0; i < n; i++)
	{
		if (i)
			appendStringInfoString(buf, ", ");
		append_number(buf, v[i]);
	}
	appendStringInfoChar(buf, ']');
}

/* Sum of every eigenvalue (total variance in the scaled space). */
static double
total_variance(const AeModel *m)
{
	double		t = 0;

	for (int i = 0; i < m->n_eigenvalues; i++)
		t += m->eigenvalues[i];
	return t;
}

/* PCA-specific keys. */
static void
append_pca_info(StringInfo buf, const AeModel *m)
{
	double		total = total_variance(m);
	double		cum = 0;
	double	   *ratio = palloc(sizeof(double) * m->n_components);

	for (int i = 0; i < m->n_components; i++)
	{
		ratio[i] = total > 0 ? m->eigenvalues[i] / total : 0;
		cum += ratio[i];
	}
	appendStringInfo(buf, ", \"whiten\": %s", m->whiten ? "true" : "false");
	appendStringInfoString(buf, ", \"explained_variance\": ");
	append_numbers(buf, m->eigenvalues, m->n_components);
	appendStringInfoString(buf, ", \"explained_variance_ratio\": ");
	append_numbers(buf, ratio, m->n_components);
	appendStringInfoString(buf, ", \"cumulative_variance_ratio\": ");
	append_number(buf, cum);
	appendStringInfoString(buf, ", \"total_variance\": ");
	append_number(buf, total);
	appendStringInfo(buf, ", \"stored_eigenvectors\": %d", m->n_vectors);
}

/* A number from the model's options JSON, or dflt when absent. */
static double
option_number(const AeModel *m, const char *key, double dflt)
{
	Jsonb	   *j = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(m->options_json)));
	JsonbValue	k;
	JsonbValue *v;

	k.type = jbvString;
	k.val.string.val = unconstify(char *, key);
	k.val.string.len = strlen(key);
	v = findJsonbValueFromContainer(&j->root, JB_FOBJECT, &k);
	if (v == NULL || v->type != jbvNumeric)
		return dflt;
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

/*
 * The history row whose weights the model kept: the last epoch, or with
 * patience the best epoch of the last phase, chosen as the trainer does
 * (the validation loss, or the training loss without a validation split,
 * improving by more than min_delta).
 */
static int
kept_epoch(const AeModel *m)
{
	int			last = m->n_history - 1;
	const char *phase = m->history[last].phase;
	int			best = last;
	double		best_metric = 0;
	double		min_delta;
	bool		have = false;

	if (option_number(m, "patience", 0) <= 0)
		return last;
	min_delta = option_number(m, "min_delta", 0);
	for (int i = 0; i < m->n_history; i++)
	{
		const AeHistoryRow *h = &m->history[i];
		double		metric = isnan(h->val_loss) ? h->loss : h->val_loss;

		if (strcmp(h->phase, phase) != 0)
			continue;
		if (!have || metric < best_metric - min_delta)
		{
			best = i;
			best_metric = metric;
			have = true;
		}
	}
	return best;
}

/*
 * "layers": each layer's kind, input and output shape [height, width,
 * channels] (dense: [units]), kernel or pool size, activation and
 * parameters; and "code_layer", the layer whose output is the code.
 */
static void
append_layers(StringInfo buf, const AeNet *net)
{
	appendStringInfoString(buf, ", \"layers\": [");
	for (int l = 0; l < ae_net_layer_count(net); l++)
	{
		AeLayerInfo li;
		int			n_in,
					n_out;

		ae_net_layer_info(net, l, &li);
		ae_net_layer_shape(net, l, &n_in, &n_out);
		appendStringInfo(buf, "%s{\"layer\": %d, \"kind\": \"%s\"", l ? ", " : "",
						 l + 1, li.kind);
		if (strcmp(li.kind, "dense") == 0)
			appendStringInfo(buf, ", \"input\": [%d], \"output\": [%d]", n_in, n_out);
		else
		{
			int			ho = li.height,
						wo = li.width;

			if (strcmp(li.kind, "maxpool") == 0)
			{
				ho /= li.size;
				wo /= li.size;
			}
			else if (strcmp(li.kind, "upsample") == 0)
			{
				ho *= li.size;
				wo *= li.size;
			}
			appendStringInfo(buf, ", \"input\": [%d, %d, %d], \"output\": [%d, %d, %d], \"%s\": %d",
							 li.height, li.width, li.channels_in, ho, wo, li.channels_out,
							 strcmp(li.kind, "conv") == 0 ? "kernel" : "size", li.size);
		}
		appendStringInfo(buf, ", \"activation\": \"%s\", \"parameters\": " INT64_FORMAT "}",
						 ae_activation_name(li.activation), (int64) li.parameters);
	}
	appendStringInfo(buf, "], \"code_layer\": %d", ae_net_encoder_layers(net));
}

/* Autoencoder-specific keys. */
static void
append_net_info(StringInfo buf, const AeModel *m)
{
	AeNetConfig cfg;

	ae_net_get_config(m->net, &cfg);
	if (cfg.conv.n_blocks > 0)
	{
		appendStringInfoString(buf, ", ");
		ae_append_conv_json(buf, &cfg.conv);
		append_layers(buf, m->net);
	}
	appendStringInfoString(buf, ", \"hidden\": [");
	for (int i = 0; i < cfg.n_hidden; i++)
		appendStringInfo(buf, "%s%d", i ? ", " : "", cfg.hidden[i]);
	appendStringInfo(buf, "], \"activation\": \"%s\", \"output_activation\": \"%s\", \"tied_weights\": %s",
					 ae_activation_name(cfg.activation),
					 ae_activation_name(cfg.output_activation),
					 cfg.tied_weights ? "true" : "false");
	appendStringInfo(buf, ", \"variant\": \"%s\"", ae_variant_name(m->variant.variant));
	if (m->variant.noise != AE_NOISE_NONE)
		appendStringInfo(buf, ", \"noise\": \"%s\"", ae_noise_name(m->variant.noise));
	appendStringInfo(buf, ", \"n_parameters\": " INT64_FORMAT,
					 (int64) ae_net_parameter_count(m->net));
	appendStringInfo(buf, ", \"epochs_run\": %d", m->n_history);
	if (m->n_history > 0)
	{
		const AeHistoryRow *kept = &m->history[kept_epoch(m)];

		appendStringInfo(buf, ", \"kept_epoch\": %d, \"kept_phase\": ", kept->epoch);
		escape_json(buf, kept->phase);
		appendStringInfoString(buf, ", \"final_loss\": ");
		append_number(buf, kept->loss);
		appendStringInfoString(buf, ", \"final_val_loss\": ");
		append_number(buf, kept->val_loss);
		if (!isnan(kept->recon))
		{
			appendStringInfoString(buf, ", \"final_reconstruction\": ");
			append_number(buf, kept->recon);
			appendStringInfoString(buf, ", \"final_kl\": ");
			append_number(buf, kept->kl);
		}
	}
}

/*
 * Outlier-detection keys: the default score method and contamination,
 * and per method with stored quantiles its training median and the
 * threshold ae_is_anomaly uses by default.
 */
static void
append_detection_info(StringInfo buf, const AeModel *m)
{
	appendStringInfo(buf, ", \"detection\": {\"score\": \"%s\", \"contamination\": ",
					 m->default_method);
	appendStringInfo(buf, "%.15g", m->contamination);
	appendStringInfo(buf, ", \"rows_scored\": " INT64_FORMAT ", \"quantiles\": {",
					 (int64) m->calib_rows);
	for (int i = 0; i < m->n_score_sets; i++)
	{
		const AeScoreQuantiles *qs = &m->score_sets[i];

		appendStringInfo(buf, "%s\"%s\": {\"stored\": %d, \"median\": ", i ? ", " : "",
						 qs->method, qs->n);
		append_number(buf, ae_quantiles_value(qs, 0.5));
		appendStringInfoString(buf, ", \"threshold\": ");
		append_number(buf, ae_quantiles_value(qs, 1 - m->contamination));
		appendStringInfoChar(buf, '}');
	}
	appendStringInfoString(buf, "}}");
}

/* ae_model_info(model bytea) returns jsonb describing the model. */
Datum
ae_model_info(PG_FUNCTION_ARGS)
{
	AeModel    *m = ae_get_model(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"kind\": \"%s\", \"format_version\": %d",
					 ae_kind_name(m->kind), m->format_version);
	appendStringInfoString(&buf, ", \"extension_version\": ");
	escape_json(&buf, m->ext_version);
	appendStringInfo(&buf, ", \"n_features\": %d, \"n_components\": %d, \"n_rows\": " INT64_FORMAT
					 ", \"n_rows_trained\": " INT64_FORMAT,
					 m->n_features, m->n_components, (int64) m->n_rows,
					 (int64) (m->n_rows_trained > 0 ? m->n_rows_trained : m->n_rows));
	appendStringInfo(&buf, ", \"scale\": \"%s\"", ae_scale_name(m->scale_mode));
	appendStringInfoString(&buf, ", \"training_seconds\": ");
	append_number(&buf, m->train_seconds);
	appendStringInfo(&buf, ", \"model_bytes\": %d",
					 (int) toast_raw_datum_size(PG_GETARG_DATUM(0)) - VARHDRSZ);
	appendStringInfo(&buf, ", \"options\": %s", m->options_json);
	if (m->kind == AE_KIND_PCA)
		append_pca_info(&buf, m);
	else
		append_net_info(&buf, m);
	if (m->has_detect)
		append_detection_info(&buf, m);
	appendStringInfoChar(&buf, '}');

	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* Error unless the model is of the given kind. */
static void
require_kind(const AeModel *m, AeKind kind, const char *func)
{
	if (m->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs a model of kind \"%s\", not \"%s\"", func,
						ae_kind_name(kind), ae_kind_name(m->kind))));
}

/*
 * pca_components(model) returns TABLE(component int, eigenvalue float8,
 * variance_ratio float8, cumulative_variance_ratio float8,
 * loadings float8[]): one row per kept component.
 */
Datum
pca_components(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	AeModel    *m = ae_get_model(fcinfo, 0);
	double		total;
	double		cum = 0;

	require_kind(m, AE_KIND_PCA, "pca_components");
	InitMaterializedSRF(fcinfo, 0);
	total = total_variance(m);
	for (int i = 0; i < m->n_components; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		double		ratio = total > 0 ? m->eigenvalues[i] / total : 0;

		cum += ratio;
		values[0] = Int32GetDatum(i + 1);
		values[1] = Float8GetDatum(m->eigenvalues[i]);
		values[2] = Float8GetDatum(ratio);
		values[3] = Float8GetDatum(cum);
		values[4] = PointerGetDatum(ae_doubles_to_array(m->vectors + (size_t) i * m->n_features,
														m->n_features, FLOAT8OID));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * ae_training_history(model) returns TABLE(epoch int, phase text, loss
 * float8, val_loss float8, seconds float8), as 0.1.0 declared it.  Terms
 * recorded besides the loss are in ae_training_terms.
 */
Datum
ae_training_history(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	AeModel    *m = ae_get_model(fcinfo, 0);

	/* like the other autoencoder-only functions: a PCA model has no training epochs */
	require_kind(m, AE_KIND_AUTOENCODER, "ae_training_history");
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < m->n_history; i++)
	{
		const AeHistoryRow *h = &m->history[i];
		Datum		values[5];
		bool		nulls[5] = {false, false, false, isnan(h->val_loss), isnan(h->seconds)};

		values[0] = Int32GetDatum(h->epoch);
		values[1] = CStringGetTextDatum(h->phase);
		values[2] = Float8GetDatum(h->loss);
		values[3] = Float8GetDatum(h->val_loss);
		values[4] = Float8GetDatum(h->seconds);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * ae_training_terms(model) returns TABLE(epoch int, phase text, term text,
 * value float8): the history in long form, one row per epoch and term
 * recorded ("loss", always; "val_loss" when rows were held out; "reconstruction"
 * and "kl" for a variational autoencoder), in the history's order.  A term
 * an epoch did not record has no row.
 */
Datum
ae_training_terms(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	AeModel    *m = ae_get_model(fcinfo, 0);

	require_kind(m, AE_KIND_AUTOENCODER, "ae_training_terms");
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < m->n_history; i++)
	{
		const AeHistoryRow *h = &m->history[i];
		const char *const names[] = {"loss", "val_loss", "reconstruction", "kl"};
		const double terms[] = {h->loss, h->val_loss, h->recon, h->kl};

		CHECK_FOR_INTERRUPTS();
		for (int t = 0; t < lengthof(terms); t++)
		{
			Datum		values[4];
			bool		nulls[4] = {false, false, false, false};

			if (t > 0 && isnan(terms[t]))
				continue;
			values[0] = Int32GetDatum(h->epoch);
			values[1] = CStringGetTextDatum(h->phase);
			values[2] = CStringGetTextDatum(names[t]);
			values[3] = Float8GetDatum(terms[t]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

/*
 * ae_layer_weights(model) returns TABLE(layer int, unit int, weights
 * real[], bias real): one row per unit, with its incoming weights; layers
 * 1 .. L are the encoder then the decoder, and a variational model's
 * log-variance head, parallel to the code layer, follows as layer 0.
 */
Datum
ae_layer_weights(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	AeModel    *m = ae_get_model(fcinfo, 0);
	int			nlayers;

	require_kind(m, AE_KIND_AUTOENCODER, "ae_layer_weights");
	InitMaterializedSRF(fcinfo, 0);
	nlayers = ae_net_layer_count(m->net);
	/* l == nlayers: the log-variance head (no rows without one) */
	for (int l = 0; l <= nlayers; l++)
	{
		int			n_in,
					n_out;
		int			which = l < nlayers ? l : AE_NET_LOGVAR_HEAD;
		float	   *w;
		Datum	   *elems;

		AeLayerInfo li;
		int			dims[3];
		int			lbs[3] = {1, 1, 1};
		bool		filter;

		/* a dense unit's incoming weights, or a kernel x kernel x channels filter */
		ae_net_layer_info(m->net, which, &li);
		filter = li.kind && strcmp(li.kind, "conv") == 0;
		dims[0] = dims[1] = li.size;
		dims[2] = li.channels_in;
		n_in = ae_net_unit_weight_count(m->net, which);
		n_out = ae_net_unit_count(m->net, which);
		if (n_out == 0)
			continue;
		w = palloc(sizeof(float) * n_in);
		elems = palloc(sizeof(Datum) * n_in);
		for (int u = 0; u < n_out; u++)
		{
			Datum		values[4];
			bool		nulls[4] = {false, false, false, false};
			float		bias;

			CHECK_FOR_INTERRUPTS();
			ae_net_unit_weights(m->net, which, u, w, &bias);
			for (int i = 0; i < n_in; i++)
				elems[i] = Float4GetDatum(w[i]);
			values[0] = Int32GetDatum(l < nlayers ? l + 1 : 0);
			values[1] = Int32GetDatum(u + 1);
			if (filter)
				values[2] = PointerGetDatum(construct_md_array(elems, NULL, 3, dims, lbs,
															   FLOAT4OID, sizeof(float4),
															   true, TYPALIGN_INT));
			else
				values[2] = PointerGetDatum(construct_array(elems, n_in, FLOAT4OID,
															sizeof(float4), true,
															TYPALIGN_INT));
			values[3] = Float4GetDatum(bias);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		pfree(w);
		pfree(elems);
	}
	return (Datum) 0;
}
