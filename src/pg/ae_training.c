/*-------------------------------------------------------------------------
 *
 * ae_training.c
 *	  What autoencoder_train and ae_fit share: option parsing into the
 *	  engine's configuration, defaults that depend on the data width, the
 *	  canonical "options used" JSON, the training history log, and turning
 *	  a finished trainer into a model and a bytea.
 *
 *-------------------------------------------------------------------------
 */
#include "autoencoder.h"

#include "../engine/ae_detect.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"


#define MOMENTS_BATCH 256

/* Choice lists in the order of the engine's enums. */
static const char *const activation_choices[] =
{"linear", "relu", "sigmoid", "tanh", "elu", "leaky_relu", NULL};
static const char *const output_choices[] = {"linear", "sigmoid", NULL};
static const char *const loss_choices[] = {"mse", "bce", NULL};
static const char *const optimizer_choices[] =
{"adam", "sgd", "momentum", "rmsprop", "adadelta", NULL};
static const char *const pretrain_choices[] = {"none", "layerwise", NULL};
static const char *const scale_choices[] = {"standard", "center", "none", "minmax", NULL};
static const char *const score_choices[] = {"reconstruction", NULL};
static const char *const variant_choices[] =
{"basic", "denoising", "sparse", "contractive", "variational", NULL};
static const char *const noise_choices[] = {"none", "masking", "gaussian", NULL};

/* Keys of the "noise" object. */
enum
{
	N_TYPE, N_RATE, N_STDDEV, N_NOPTS
};

static const AeOptSpec noise_option_specs[N_NOPTS] = {
	{"type", AE_OPT_ENUM, 0, 0, false, noise_choices + 1},
	{"rate", AE_OPT_REAL, 0, 0.99},
	{"stddev", AE_OPT_REAL, 0, 1e6, true},
};

enum
{
	O_HIDDEN, O_ACTIVATION, O_OUTPUT_ACTIVATION, O_TIED, O_LOSS, O_OPTIMIZER,
	O_NESTEROV, O_LR, O_MOMENTUM, O_BETA1, O_BETA2, O_RHO, O_EPSILON,
	O_BATCH, O_EPOCHS, O_L2, O_SEED, O_SHUFFLE, O_SCALE, O_VALFRAC,
	O_PATIENCE, O_MIN_DELTA, O_MAX_SECONDS, O_PRETRAIN, O_PRETRAIN_EPOCHS,
	O_FINETUNE_EPOCHS, O_VERBOSE, O_RECORD_TIMINGS, O_VARIANT, O_NOISE,
	O_SPARSITY_TARGET, O_SPARSITY_WEIGHT, O_L1_ACTIVITY, O_CONTRACTIVE_WEIGHT, O_BETA_KL,
	O_CONTAMINATION, O_SCORE,
	O_INPUT_SHAPE, O_CONV,
	O_SOURCE_SPECIFIC, O_NOPTS
};

/* The last entry differs: max_rows (aggregate) or shuffle_buffer (ae_fit). */
static const AeOptSpec train_option_specs[O_NOPTS] = {
	{"hidden", AE_OPT_INT_LIST, 1, AE_MAX_UNITS},
	{"activation", AE_OPT_ENUM, 0, 0, false, activation_choices},
	{"output_activation", AE_OPT_ENUM, 0, 0, false, output_choices},
	{"tied_weights", AE_OPT_BOOL},
	{"loss", AE_OPT_ENUM, 0, 0, false, loss_choices},
	{"optimizer", AE_OPT_ENUM, 0, 0, false, optimizer_choices},
	{"nesterov", AE_OPT_BOOL},
	{"learning_rate", AE_OPT_REAL, 0, 10, true},
	{"momentum", AE_OPT_REAL, 0, 0.9999},
	{"beta1", AE_OPT_REAL, 0, 0.9999},
	{"beta2", AE_OPT_REAL, 0, 0.999999},
	{"rho", AE_OPT_REAL, 0, 0.9999},
	{"epsilon", AE_OPT_REAL, 0, 1, true},
	{"batch_size", AE_OPT_INT, 1, 65536},
	{"epochs", AE_OPT_INT, 1, 100000},
	{"l2", AE_OPT_REAL, 0, 10},
	{"seed", AE_OPT_INT, 0, 9007199254740992.0},
	{"shuffle", AE_OPT_BOOL},
	{"scale", AE_OPT_ENUM, 0, 0, false, scale_choices},
	{"validation_fraction", AE_OPT_REAL, 0, 0.9},
	{"patience", AE_OPT_INT, 0, 100000},
	{"min_delta", AE_OPT_REAL, 0, 1e300},
	{"max_seconds", AE_OPT_REAL, 0, 1e9},
	{"pretrain", AE_OPT_ENUM, 0, 0, false, pretrain_choices},
	{"pretrain_epochs", AE_OPT_INT, 1, 100000},
	{"finetune_epochs", AE_OPT_INT, 1, 100000},
	{"verbose", AE_OPT_BOOL},
	{"record_timings", AE_OPT_BOOL},
	{"variant", AE_OPT_ENUM, 0, 0, false, variant_choices},
	{"noise", AE_OPT_OBJECT},
	{"sparsity_target", AE_OPT_REAL, 0, 0.99, true},
	{"sparsity_weight", AE_OPT_REAL, 0, 1e6},
	{"l1_activity", AE_OPT_REAL, 0, 1e6},
	{"contractive_weight", AE_OPT_REAL, 0, 1e6},
	{"beta", AE_OPT_REAL, 0, 1e6},
	{"contamination", AE_OPT_REAL, 0, 0.5, true},
	{"score", AE_OPT_ENUM, 0, 0, false, score_choices},
	{"input_shape", AE_OPT_INT_LIST, 1, AE_MAX_FEATURES},
	{"conv", AE_OPT_ARRAY},
	{"max_rows", AE_OPT_INT, 2, 1e12},
};

/* Keys of one block of the "conv" array. */
enum
{
	C_FILTERS, C_KERNEL, C_POOL, C_NOPTS
};

static const AeOptSpec conv_block_specs[C_NOPTS] = {
	{"filters", AE_OPT_INT, 1, AE_MAX_CONV_FILTERS},
	{"kernel", AE_OPT_INT, 1, AE_MAX_CONV_KERNEL},
	{"pool", AE_OPT_INT, 1, AE_MAX_CONV_POOL},
};

/*
 * "input_shape" [height, width, channels] and "conv", the encoder's
 * blocks [{"filters": f, "kernel": 3, "pool": 2}, ...] (kernel 3 and pool 2
 * unless given); each needs the other.  Shapes are checked against the
 * row width later (ae_finish_net_config).
 */
static void
parse_conv_options(const AeOptValue *v, const char *funcname, AeConvConfig *c)
{
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken tok;

	memset(c, 0, sizeof(*c));
	if (!v[O_INPUT_SHAPE].given && !v[O_CONV].given)
		return;
	if (!v[O_CONV].given || !v[O_INPUT_SHAPE].given)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" of %s needs \"%s\"",
						v[O_CONV].given ? "conv" : "input_shape", funcname,
						v[O_CONV].given ? "input_shape" : "conv"),
				 errdetail("A convolutional autoencoder reads each row as an image of \"input_shape\" [height, width, channels] and convolves it with the blocks of \"conv\"."),
				 errhint("For example: {\"input_shape\": [8, 8, 1], \"conv\": [{\"filters\": 16, \"kernel\": 3, \"pool\": 2}]}.")));
	if (v[O_INPUT_SHAPE].n_list != 3)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"input_shape\" of %s must have 3 entries [height, width, channels], not %d",
						funcname, v[O_INPUT_SHAPE].n_list)));
	c->height = v[O_INPUT_SHAPE].list[0];
	c->width = v[O_INPUT_SHAPE].list[1];
	c->channels = v[O_INPUT_SHAPE].list[2];
	it = JsonbIteratorInit(&v[O_CONV].object->root);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		AeOptValue	b[C_NOPTS];
		char	   *where;

		if (tok != WJB_ELEM)
			continue;
		if (c->n_blocks >= AE_MAX_CONV_BLOCKS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"conv\" of %s has more than %d blocks",
							funcname, AE_MAX_CONV_BLOCKS)));
		where = psprintf("block %d of option \"conv\" of %s", c->n_blocks + 1, funcname);
		if (elem.type != jbvBinary || !JsonContainerIsObject(elem.val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be a json object", where),
					 errhint("For example: {\"filters\": 16, \"kernel\": 3, \"pool\": 2}.")));
		ae_parse_options(JsonbValueToJsonb(&elem), conv_block_specs, C_NOPTS, b, where);
		if (!b[C_FILTERS].given)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s needs \"filters\"", where)));
		c->filters[c->n_blocks] = (int) b[C_FILTERS].num;
		c->kernel[c->n_blocks] = b[C_KERNEL].given ? (int) b[C_KERNEL].num : 3;
		c->pool[c->n_blocks] = b[C_POOL].given ? (int) b[C_POOL].num : 2;
		c->n_blocks++;
	}
	if (c->n_blocks == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"conv\" of %s must not be empty", funcname)));
}

/* Error for an option given with a variant it does not belong to. */
static void
option_needs_variant(const char *option, const char *variant,
					 const char *funcname, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("option \"%s\" of %s needs \"variant\" \"%s\"",
					option, funcname, variant),
			 errdetail("%s", why)));
}

/*
 * The variant and its options.  Options of another variant are errors
 * that say which variant they belong to; a denoising autoencoder without
 * "noise" uses masking noise at rate 0.3.
 */
static void
parse_variant_options(const AeOptValue *v, const char *funcname,
					  AeVariantConfig *var)
{
	AeVariant	kind = v[O_VARIANT].given ?
		(AeVariant) v[O_VARIANT].choice : AE_VARIANT_BASIC;

	ae_variant_config_defaults(var);
	var->variant = kind;
	if (v[O_NOISE].given && kind != AE_VARIANT_DENOISING)
		option_needs_variant("noise", "denoising", funcname,
							 "Only a denoising autoencoder corrupts its input while training.");
	if ((v[O_SPARSITY_TARGET].given || v[O_SPARSITY_WEIGHT].given) &&
		kind != AE_VARIANT_SPARSE)
		option_needs_variant(v[O_SPARSITY_TARGET].given ? "sparsity_target" : "sparsity_weight",
							 "sparse", funcname,
							 "The sparsity penalty belongs to the sparse variant; \"l1_activity\" penalises code activations with any variant.");
	if (v[O_CONTRACTIVE_WEIGHT].given && kind != AE_VARIANT_CONTRACTIVE)
		option_needs_variant("contractive_weight", "contractive", funcname,
							 "The Jacobian penalty belongs to the contractive variant.");
	if (v[O_BETA_KL].given && kind != AE_VARIANT_VARIATIONAL)
		option_needs_variant("beta", "variational", funcname,
							 "beta weighs the KL term of a variational autoencoder's objective; other variants have no KL term to weigh.");
	if (kind == AE_VARIANT_DENOISING)
	{
		var->noise = AE_NOISE_MASKING;
		if (v[O_NOISE].given)
		{
			AeOptValue	n[N_NOPTS];

			ae_parse_options(v[O_NOISE].object, noise_option_specs, N_NOPTS, n,
							 psprintf("the \"noise\" object of %s", funcname));
			if (!n[N_TYPE].given)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"noise\" of %s needs a \"type\"", funcname),
						 errhint("For example: {\"noise\": {\"type\": \"masking\", \"rate\": 0.3}} or {\"noise\": {\"type\": \"gaussian\", \"stddev\": 0.5}}.")));
			var->noise = (AeNoiseType) (n[N_TYPE].choice + 1);
			if (var->noise == AE_NOISE_MASKING && n[N_STDDEV].given)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("noise \"stddev\" of %s needs noise \"type\" \"gaussian\"", funcname),
						 errdetail("Masking noise zeroes inputs at a \"rate\"; it has no standard deviation.")));
			if (var->noise == AE_NOISE_GAUSSIAN && n[N_RATE].given)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("noise \"rate\" of %s needs noise \"type\" \"masking\"", funcname),
						 errdetail("Gaussian noise is added to every input with a \"stddev\"; it has no rate.")));
			if (n[N_RATE].given)
				var->noise_rate = n[N_RATE].num;
			if (n[N_STDDEV].given)
				var->noise_stddev = n[N_STDDEV].num;
		}
	}
	if (v[O_SPARSITY_TARGET].given)
		var->sparsity_target = v[O_SPARSITY_TARGET].num;
	if (v[O_SPARSITY_WEIGHT].given)
		var->sparsity_weight = v[O_SPARSITY_WEIGHT].num;
	if (v[O_L1_ACTIVITY].given)
		var->l1_activity = v[O_L1_ACTIVITY].num;
	if (v[O_CONTRACTIVE_WEIGHT].given)
		var->contractive_weight = v[O_CONTRACTIVE_WEIGHT].num;
	if (v[O_BETA_KL].given)
		var->beta = v[O_BETA_KL].num;
}

/* Parse training options; for ae_fit the last option is shuffle_buffer. */
void
ae_parse_train_options(Jsonb *options, bool for_fit, const char *funcname,
					   AeTrainSettings *s)
{
	AeOptSpec	specs[O_NOPTS];
	AeOptValue	v[O_NOPTS];

	memcpy(specs, train_option_specs, sizeof(specs));
	if (for_fit)
	{
		specs[O_SOURCE_SPECIFIC].name = "shuffle_buffer";
		specs[O_SOURCE_SPECIFIC].min = 1;
		specs[O_SOURCE_SPECIFIC].max = 1e9;
	}
	ae_parse_options(options, specs, O_NOPTS, v, funcname);

	memset(s, 0, sizeof(*s));
	ae_net_config_defaults(&s->net);
	ae_train_config_defaults(&s->train);
	s->scale = AE_SCALE_STANDARD;
	s->max_rows = 0;

	if (v[O_HIDDEN].given)
	{
		s->hidden_given = true;
		s->net.n_hidden = v[O_HIDDEN].n_list;
		memcpy(s->net.hidden, v[O_HIDDEN].list, sizeof(int) * v[O_HIDDEN].n_list);
	}
	if (v[O_ACTIVATION].given)
		s->net.activation = (AeActivation) v[O_ACTIVATION].choice;
	if (v[O_OUTPUT_ACTIVATION].given)
		s->net.output_activation = v[O_OUTPUT_ACTIVATION].choice == 0 ?
			AE_ACT_LINEAR : AE_ACT_SIGMOID;
	if (v[O_TIED].given)
		s->net.tied_weights = v[O_TIED].flag;
	if (v[O_LOSS].given)
		s->train.loss = (AeLoss) v[O_LOSS].choice;
	if (v[O_OPTIMIZER].given)
		s->train.optimizer = (AeOptimizer) v[O_OPTIMIZER].choice;
	if (v[O_NESTEROV].given)
		s->train.nesterov = v[O_NESTEROV].flag;
	if (v[O_LR].given)
		s->train.learning_rate = v[O_LR].num;
	if (v[O_MOMENTUM].given)
		s->train.momentum = v[O_MOMENTUM].num;
	if (v[O_BETA1].given)
		s->train.beta1 = v[O_BETA1].num;
	if (v[O_BETA2].given)
		s->train.beta2 = v[O_BETA2].num;
	if (v[O_RHO].given)
		s->train.rho = v[O_RHO].num;
	if (v[O_EPSILON].given)
		s->train.epsilon = v[O_EPSILON].num;
	if (v[O_BATCH].given)
		s->train.batch_size = (int) v[O_BATCH].num;
	if (v[O_EPOCHS].given)
		s->train.epochs = (int) v[O_EPOCHS].num;
	if (v[O_L2].given)
		s->train.l2 = v[O_L2].num;
	if (v[O_SEED].given)
		s->train.seed = (uint64_t) v[O_SEED].num;
	if (v[O_SHUFFLE].given)
		s->train.shuffle = v[O_SHUFFLE].flag;
	if (v[O_SCALE].given)
		s->scale = (AeScaleMode) v[O_SCALE].choice;
	if (v[O_VALFRAC].given)
		s->train.validation_fraction = v[O_VALFRAC].num;
	if (v[O_PATIENCE].given)
		s->train.patience = (int) v[O_PATIENCE].num;
	if (v[O_MIN_DELTA].given)
		s->train.min_delta = v[O_MIN_DELTA].num;
	if (v[O_MAX_SECONDS].given)
		s->train.max_seconds = v[O_MAX_SECONDS].num;
	if (v[O_PRETRAIN].given)
		s->train.pretrain = (AePretrain) v[O_PRETRAIN].choice;
	if (v[O_PRETRAIN_EPOCHS].given)
		s->train.pretrain_epochs = (int) v[O_PRETRAIN_EPOCHS].num;
	if (v[O_FINETUNE_EPOCHS].given)
		s->train.finetune_epochs = (int) v[O_FINETUNE_EPOCHS].num;
	if (v[O_VERBOSE].given)
		s->verbose = v[O_VERBOSE].flag;
	s->record_timings = !v[O_RECORD_TIMINGS].given || v[O_RECORD_TIMINGS].flag;
	s->contamination = v[O_CONTAMINATION].given ? v[O_CONTAMINATION].num : AE_DEFAULT_CONTAMINATION;
	s->score = score_choices[v[O_SCORE].given ? v[O_SCORE].choice : 0];
	if (v[O_SOURCE_SPECIFIC].given)
	{
		if (for_fit)
			s->train.shuffle_buffer_rows = (int64_t) v[O_SOURCE_SPECIFIC].num;
		else
			s->max_rows = (int64) v[O_SOURCE_SPECIFIC].num;
	}

	parse_variant_options(v, funcname, &s->train.variant);
	parse_conv_options(v, funcname, &s->net.conv);
	if (s->train.variant.variant == AE_VARIANT_SPARSE &&
		s->net.activation != AE_ACT_SIGMOID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"variant\" \"sparse\" of %s needs \"activation\" \"sigmoid\", not \"%s\"",
						funcname, ae_activation_name(s->net.activation)),
				 errdetail("The sparsity penalty compares each code unit's mean activation, a probability, with \"sparsity_target\", so code units must output values in (0, 1)."),
				 errhint("Add \"activation\": \"sigmoid\", or use \"l1_activity\" for sparse codes with other activations.")));

	if (s->train.variant.variant == AE_VARIANT_VARIATIONAL &&
		s->train.pretrain != AE_PRETRAIN_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"variant\" \"variational\" of %s cannot be combined with \"pretrain\" \"layerwise\"",
						funcname),
				 errdetail("Layer-wise pretraining trains plain autoencoders layer by layer; a variational encoder's code is a distribution, which they do not learn.")));

	if (s->train.loss == AE_LOSS_BCE && !v[O_OUTPUT_ACTIVATION].given)
		s->net.output_activation = AE_ACT_SIGMOID;
	/* bce needs targets in [0, 1]: scale into it unless told otherwise */
	if (s->train.loss == AE_LOSS_BCE && !v[O_SCALE].given)
		s->scale = AE_SCALE_MINMAX;
	if (s->train.loss == AE_LOSS_BCE && s->net.output_activation != AE_ACT_SIGMOID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"loss\" \"bce\" of %s needs \"output_activation\" \"sigmoid\", not \"%s\"",
						funcname, ae_activation_name(s->net.output_activation)),
				 errhint("Binary cross-entropy compares outputs in [0, 1] with data in [0, 1].")));
	s->train.variant.loss = (int) s->train.loss;
	s->net.variational = s->train.variant.variant == AE_VARIANT_VARIATIONAL;
	if (s->train.nesterov && s->train.optimizer != AE_OPT_MOMENTUM)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"nesterov\" of %s needs \"optimizer\" \"momentum\"", funcname)));
	if (s->train.pretrain == AE_PRETRAIN_NONE &&
		(v[O_PRETRAIN_EPOCHS].given || v[O_FINETUNE_EPOCHS].given))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options \"pretrain_epochs\" and \"finetune_epochs\" of %s need \"pretrain\" \"layerwise\"",
						funcname)));
}

/*
 * Complete the network configuration once the width d is known: the
 * default architecture is one code layer of ceil(d/4) units.
 */
void
ae_finish_net_config(AeTrainSettings *s, int d, const char *funcname)
{
	AeError		err = {0};

	s->net.n_inputs = d;
	if (!s->hidden_given && s->net.conv.n_blocks > 0)
		s->net.n_hidden = 0;	/* the code: the last block's output */
	else if (!s->hidden_given)
	{
		s->net.n_hidden = 1;
		s->net.hidden[0] = Max(1, (d + 3) / 4);
	}
	if (ae_net_config_validate(&s->net, &err) != AE_OK ||
		ae_train_config_validate(&s->train, &err) != AE_OK ||
		ae_conv_train_check(&s->net, &s->train, &err) != AE_OK)
	{
		if (err.status == AE_ELIMIT)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s: %s", funcname, err.msg),
					 s->net.conv.n_blocks > 0 ?
					 errhint("Use fewer filters, more pooling or fewer or smaller hidden layers.") :
					 errhint("Use fewer or smaller hidden layers.")));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid options for %s: %s", funcname, err.msg)));
	}
}

/* The variant and the options that apply to it. */
static void
append_variant_options(StringInfo buf, const AeVariantConfig *v)
{
	appendStringInfo(buf, ", \"variant\": \"%s\"", ae_variant_name(v->variant));
	if (v->noise == AE_NOISE_MASKING)
		appendStringInfo(buf, ", \"noise\": {\"type\": \"masking\", \"rate\": %.15g}",
						 v->noise_rate);
	else if (v->noise == AE_NOISE_GAUSSIAN)
		appendStringInfo(buf, ", \"noise\": {\"type\": \"gaussian\", \"stddev\": %.15g}",
						 v->noise_stddev);
	if (v->variant == AE_VARIANT_SPARSE)
		appendStringInfo(buf, ", \"sparsity_target\": %.15g, \"sparsity_weight\": %.15g",
						 v->sparsity_target, v->sparsity_weight);
	if (v->variant == AE_VARIANT_CONTRACTIVE)
		appendStringInfo(buf, ", \"contractive_weight\": %.15g", v->contractive_weight);
	if (v->variant == AE_VARIANT_VARIATIONAL)
		appendStringInfo(buf, ", \"beta\": %.15g", v->beta);
	appendStringInfo(buf, ", \"l1_activity\": %.15g", v->l1_activity);
}

/* ", \"input_shape\": [...], \"conv\": [...]" of a convolutional network. */
void
ae_append_conv_json(StringInfo buf, const AeConvConfig *c)
{
	appendStringInfo(buf, "\"input_shape\": [%d, %d, %d], \"conv\": [",
					 c->height, c->width, c->channels);
	for (int b = 0; b < c->n_blocks; b++)
		appendStringInfo(buf, "%s{\"filters\": %d, \"kernel\": %d, \"pool\": %d}",
						 b ? ", " : "", c->filters[b], c->kernel[b], c->pool[b]);
	appendStringInfoChar(buf, ']');
}

/* The options a model was trained with, every default filled in. */
char *
ae_train_options_json(const AeTrainSettings *s)
{
	StringInfoData buf;
	AeTrainConfig t = s->train;

	ae_train_config_resolve(&t);
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	if (s->net.conv.n_blocks > 0)
	{
		ae_append_conv_json(&buf, &s->net.conv);
		if (s->net.n_hidden > 0)
			appendStringInfoString(&buf, ", ");
	}
	if (s->net.n_hidden > 0 || s->net.conv.n_blocks == 0)
	{
		appendStringInfoString(&buf, "\"hidden\": [");
		for (int i = 0; i < s->net.n_hidden; i++)
			appendStringInfo(&buf, "%s%d", i ? ", " : "", s->net.hidden[i]);
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfo(&buf, ", \"activation\": \"%s\", \"output_activation\": \"%s\", \"tied_weights\": %s",
					 ae_activation_name(s->net.activation),
					 ae_activation_name(s->net.output_activation),
					 s->net.tied_weights ? "true" : "false");
	appendStringInfo(&buf, ", \"loss\": \"%s\", \"optimizer\": \"%s\", \"learning_rate\": %.15g",
					 ae_loss_name(t.loss), ae_optimizer_name(t.optimizer), t.learning_rate);
	if (t.optimizer == AE_OPT_MOMENTUM)
		appendStringInfo(&buf, ", \"momentum\": %.15g, \"nesterov\": %s",
						 t.momentum, t.nesterov ? "true" : "false");
	if (t.optimizer == AE_OPT_ADAM)
		appendStringInfo(&buf, ", \"beta1\": %.15g, \"beta2\": %.15g", t.beta1, t.beta2);
	if (t.optimizer == AE_OPT_RMSPROP || t.optimizer == AE_OPT_ADADELTA)
		appendStringInfo(&buf, ", \"rho\": %.15g", t.rho);
	if (t.optimizer != AE_OPT_SGD && t.optimizer != AE_OPT_MOMENTUM)
		appendStringInfo(&buf, ", \"epsilon\": %.15g", t.epsilon);
	appendStringInfo(&buf, ", \"batch_size\": %d, \"epochs\": %d, \"l2\": %.15g, \"seed\": " UINT64_FORMAT
					 ", \"shuffle\": %s, \"scale\": \"%s\"",
					 t.batch_size, t.epochs, t.l2, (uint64) t.seed,
					 t.shuffle ? "true" : "false", ae_scale_name(s->scale));
	appendStringInfo(&buf, ", \"validation_fraction\": %.15g, \"patience\": %d, \"min_delta\": %.15g, \"max_seconds\": %.15g",
					 t.validation_fraction, t.patience, t.min_delta, t.max_seconds);
	appendStringInfo(&buf, ", \"record_timings\": %s", s->record_timings ? "true" : "false");
	append_variant_options(&buf, &t.variant);
	appendStringInfo(&buf, ", \"contamination\": %.15g, \"score\": \"%s\"",
					 s->contamination, s->score);
	appendStringInfo(&buf, ", \"pretrain\": \"%s\"",
					 t.pretrain == AE_PRETRAIN_LAYERWISE ? "layerwise" : "none");
	if (t.pretrain == AE_PRETRAIN_LAYERWISE)
		appendStringInfo(&buf, ", \"pretrain_epochs\": %d, \"finetune_epochs\": %d",
						 t.pretrain_epochs, t.finetune_epochs);
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/*
 * Refuse a training whose whole footprint (ae_trainer_memory_estimate:
 * weights, optimiser state, workspaces, buffers, codes) exceeds
 * autoencoder.max_trainer_memory, before anything is allocated.  Call
 * with the final settings (shuffle_buffer_rows capped at the rows).
 */
void
ae_check_trainer_memory(const AeTrainSettings *s, int64 n_rows, const char *funcname)
{
	double		need = ae_trainer_memory_estimate(&s->net, &s->train, n_rows);
	double		limit = (double) ae_guc_max_trainer_memory * 1024;

	if (need > limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s would need %.0f MB to train, more than autoencoder.max_trainer_memory (%.0f MB)",
						funcname, ceil(need / (1024 * 1024)), limit / (1024 * 1024)),
				 errdetail("The estimate counts the network's %zu parameters with their gradients and optimiser state, "
						   "mini-batch workspaces of %d rows, the shuffle buffer, the validation cache and layer-wise codes.",
						   ae_net_config_param_count(&s->net),
						   (int) Min((int64) s->train.batch_size, s->train.shuffle_buffer_rows)),
				 errhint("Use smaller \"hidden\" layers or a smaller \"batch_size\", or ask a superuser to raise autoencoder.max_trainer_memory.")));
}

/* Serialise a model into a new bytea (errors become ereports). */
bytea *
ae_model_to_bytea(AeModel *m, const char *context)
{
	AeError		err = {0};
	uint8_t    *bytes;
	size_t		len;
	bytea	   *result;

	if (ae_model_serialize(m, &bytes, &len, &err) != AE_OK)
		ae_report_engine_error(&err, context);
	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), bytes, len);
	pfree(bytes);
	return result;
}

/*
 * Emit the verbose per-epoch NOTICE.  The elapsed time goes into the
 * DETAIL, so that the message itself is stable from run to run (tests can
 * compare it with VERBOSITY terse).
 */
void
ae_notice_epoch(const char *funcname, const AeHistoryRow *row)
{
	if (!isnan(row->recon))
		ereport(NOTICE,
				(errmsg("%s: %s epoch %d: loss %.6g (reconstruction %.6g, KL %.6g)%s",
						funcname, row->phase, row->epoch, row->loss, row->recon, row->kl,
						isnan(row->val_loss) ? "" : psprintf(", val_loss %.6g", row->val_loss)),
				 errdetail("%.1f s since training began.", row->seconds)));
	else if (isnan(row->val_loss))
		ereport(NOTICE,
				(errmsg("%s: %s epoch %d: loss %.6g", funcname,
						row->phase, row->epoch, row->loss),
				 errdetail("%.1f s since training began.", row->seconds)));
	else
		ereport(NOTICE,
				(errmsg("%s: %s epoch %d: loss %.6g, val_loss %.6g", funcname,
						row->phase, row->epoch, row->loss, row->val_loss),
				 errdetail("%.1f s since training began.", row->seconds)));
}

/* An empty history log. */
void
ae_history_init(AeHistoryLog *log)
{
	log->n = 0;
	log->cap = 64;
	log->rows = palloc(sizeof(AeHistoryRow) * log->cap);
}

/* Append one epoch's row. */
void
ae_history_add(AeHistoryLog *log, const AeHistoryRow *row)
{
	if (log->n == log->cap)
	{
		log->cap *= 2;
		log->rows = repalloc_huge(log->rows, sizeof(AeHistoryRow) * log->cap);
	}
	log->rows[log->n++] = *row;
}

/*
 * The model of a finished trainer: its network, the scaling it was
 * trained with, the history, and the options used.  Frees the trainer.
 */
AeModel *
ae_model_from_trainer(const AeTrainSettings *set, AeTrainer *t,
					  const AeHistoryLog *log, int d, int64 n_rows,
					  const double *mean, const double *scale,
					  const char *funcname)
{
	AeError		err = {0};
	AeModel    *model;
	double		seconds = log->n > 0 ? log->rows[log->n - 1].seconds : 0;

	AeNet	   *net = ae_trainer_take_net(t);

	ae_trainer_free(t);
	if (!net)
		elog(ERROR, "%s: trainer returned no network", funcname);
	/* the code size: the last hidden layer's, or a convolutional stack's */
	model = ae_model_new(AE_KIND_AUTOENCODER, d, ae_net_code_size(net), &err);
	if (!model)
	{
		ae_net_free(net);
		ae_report_engine_error(&err, funcname);
	}
	model->net = net;
	model->scale_mode = set->scale;
	model->variant = set->train.variant;
	memcpy(model->mean, mean, sizeof(double) * d);
	memcpy(model->scale, scale, sizeof(double) * d);
	model->n_rows = n_rows;
	model->history = log->rows;
	model->n_history = log->n;
	model->train_seconds = seconds;
	if (!set->record_timings)
	{
		/* unknown (NULL in SQL), so equal inputs give byte-identical models */
		model->train_seconds = NAN;
		for (int i = 0; i < log->n; i++)
			log->rows[i].seconds = NAN;
	}
	model->ext_version = pstrdup(AUTOENCODER_VERSION);
	model->options_json = ae_train_options_json(set);
	if (ae_model_finish(model, &err) != AE_OK)
		ae_report_engine_error(&err, funcname);
	/* the default score and contamination; the aggregate adds quantiles */
	ae_model_set_detection(model, set->score, set->contamination);
	return model;
}

/* Start accumulating the statistics of rows of width d. */
void
ae_moments_acc_init(AeMomentsAcc *a, int d)
{
	if (!ae_feature_stats_init(&a->stats, d))
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory for the statistics of %d features", d)));
	a->pending = 0;
	a->buf = palloc(sizeof(float) * (Size) MOMENTS_BATCH * d);
}

/* Add the buffered rows as one batch. */
static void
moments_acc_flush(AeMomentsAcc *a)
{
	if (a->pending > 0)
		ae_feature_stats_add(&a->stats, a->buf, a->pending);
	a->pending = 0;
}

/* Add n float rows; full batches of MOMENTS_BATCH rows go in as they fill. */
void
ae_moments_acc_add_floats(AeMomentsAcc *a, const float *rows, int64 n)
{
	int			d = a->stats.d;
	int64		i = 0;

	while (i < n)
	{
		int			take = (int) Min(MOMENTS_BATCH - a->pending, n - i);

		memcpy(a->buf + (Size) a->pending * d, rows + (Size) i * d,
			   sizeof(float) * (Size) take * d);
		a->pending += take;
		i += take;
		if (a->pending == MOMENTS_BATCH)
		{
			moments_acc_flush(a);
			CHECK_FOR_INTERRUPTS();
		}
	}
}

/*
 * Mean and scale for the settings' scaling mode; releases the accumulator.
 * Binary cross-entropy needs targets in [0, 1]: refuse it unless every
 * scaled training value lies there (its loss is unbounded below otherwise).
 */
void
ae_moments_acc_scaling(AeMomentsAcc *a, const AeTrainSettings *set,
					   double *mean, double *scale, const char *funcname)
{
	AeFeatureStats *st = &a->stats;

	moments_acc_flush(a);
	ae_scaling_from_feature_stats(st, set->scale, mean, scale);
	if (set->train.loss == AE_LOSS_BCE)
	{
		for (int j = 0; j < st->d; j++)
		{
			double		lo = (st->min[j] - mean[j]) / scale[j];
			double		hi = (st->max[j] - mean[j]) / scale[j];

			/* rounding of exact 0 and 1 ends is not a range violation */
			if (lo < -1e-6 || hi > 1 + 1e-6)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"loss\" \"bce\" of %s needs scaled data in [0, 1], but feature %d spans [%g, %g] with \"scale\" \"%s\"",
								funcname, j + 1, lo, hi, ae_scale_name(set->scale)),
						 errdetail("Binary cross-entropy compares outputs in [0, 1] with targets in [0, 1]; outside it the loss has no minimum."),
						 errhint("Use \"scale\": \"minmax\" (the default with \"bce\"), or \"loss\": \"mse\".")));
		}
	}
	ae_feature_stats_free(st);
	pfree(a->buf);
}
