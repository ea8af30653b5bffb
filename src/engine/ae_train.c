/*-------------------------------------------------------------------------
 *
 * ae_train.c
 *	  The mini-batch trainer: phases, epochs over a streaming data source
 *	  with a bounded shuffle buffer, validation split, early stopping and
 *	  greedy layer-wise pretraining.
 *
 * Training is a sequence of phases: "train" (no pretraining), or
 * "pretrain-1" .. "pretrain-H" followed by "finetune".  Each call of
 * ae_trainer_step runs one epoch of the current phase; history epochs are
 * numbered from 1 within each phase.
 *
 * An epoch is one pass over the source: up to buffer rows are read, rows
 * whose values (with the seed) hash below validation_fraction go to the
 * validation set, whatever their position in the pass, the others are shuffled (seeded) and trained on in
 * mini-batches; repeat until the source is exhausted.  The validation loss
 * is computed after the pass with the epoch's final weights, from an
 * in-memory cache of the validation rows (as many rows as the shuffle
 * buffer, within AE_BUFFER_BYTES), or, if there are more of them, by a
 * second pass over the source.  The reported training loss is the mean of
 * the mini-batch losses (weighted by rows) during the epoch, without the
 * l2 term.
 *
 * Early stopping (patience > 0) applies within each phase and watches the
 * validation loss, or the training loss when there is no validation split;
 * the best weights of the phase are restored when the phase ends.
 * max_seconds ends all training after the epoch that passes it.
 *
 * Variants plug in without branches here beyond two calls: a denoising
 * autoencoder's mini-batch is corrupted by ae_noise_apply (its own seeded
 * stream, so shuffling is the same as a basic run's) and the clean batch
 * is the target; code-layer penalties (ae_penalty.c) are passed to
 * ae_nn_batch_grad in the phases whose network ends in the full network's
 * code layer (training, fine-tuning and the last pretraining layer).
 * Noise applies in every phase: layer-wise pretraining of a denoising
 * autoencoder trains stacked denoising autoencoders (Vincent et al. 2010).
 * A variational network's mini-batch goes to ae_vae_batch_grad instead,
 * with fresh reparameterisation noise from the same noise stream; its
 * reported loss is the negative ELBO per row (recon + beta KL), and the
 * history rows carry the two terms; validation uses z = mu.
 *
 * Layer-wise pretraining trains, for layer i, the shallow autoencoder
 * h(i-1) -> h(i) -> h(i-1) (initialised from the full network's initial
 * weights) on the codes of level i-1, which are computed once per layer
 * into a float matrix; the first one reconstructs the scaled input with the
 * configured loss and output activation, deeper ones reconstruct codes with
 * the hidden activation and mse.  Trained weights are copied into the full
 * network's encoder layer i and its mirror decoder layer.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_nn_int.h"
#include "ae_kernels.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Bytes allowed for each of the shuffle buffer and the validation cache. */
#define AE_BUFFER_BYTES		((size_t) 256 << 20)
/* Rows per chunk when computing pretraining codes. */
#define AE_CODES_CHUNK		256

typedef struct AePhase
{
	char		name[AE_PHASE_LEN];
	int			epochs;
	int			layer;			/* 0: full network; i: pretrain layer i */
} AePhase;

struct AeTrainer
{
	AeNetConfig ncfg;
	AeTrainConfig cfg;			/* resolved */
	double	   *mean;			/* n_inputs */
	double	   *scale;			/* n_inputs */
	AeNet	   *net;			/* the full network */

	AePhase		phases[AE_MAX_LAYERS + 1];
	int			n_phases;
	int			phase;			/* current phase */
	int			epoch;			/* epochs done in the current phase */
	bool		phase_active;
	bool		done;

	/* state of the current phase */
	AeNet	   *cur;			/* net trained now: net or a shallow one */
	AeLoss		loss;
	int			width;			/* input width of cur */
	AeOptState	opt;
	ae_real    *grad;
	ae_real    *best;			/* best parameters (patience > 0) */
	double		best_metric;
	bool		have_best;
	int			wait;
	AeBatchWork work;
	int			batch_rows;		/* rows of work and batch */
	ae_real    *batch;
	ae_real    *noisy;			/* corrupted batch (denoising) */
	ae_real    *eps;			/* reparameterisation noise (variational) */
	AeTangentWork tangent;		/* deep contractive penalty */
	bool		has_tangent;
	double		recon_sum;		/* variational terms of the epoch, row sums */
	double		kl_sum;
	const AeVariantConfig *penalties;	/* code-layer penalties, or NULL */
	int64_t		buf_rows;
	float	   *buf;			/* raw rows read from the source */
	int32_t    *perm;			/* training rows of buf, shuffled */
	int64_t		val_cap;
	ae_real    *val;			/* cached validation rows (scaled) */

	/* validation membership of the rows the codes come from (a bit each) */
	uint8_t    *val_mask;
	int64_t		val_mask_rows;

	/* pretraining codes of level codes_level (0: none) */
	float	   *codes;
	int64_t		codes_rows;
	int			codes_level;

	AeRng		rng;
	AeRng		noise_rng;		/* input corruption, never re-seeded */
	bool		started;
	struct timespec t0;
	int64_t		rows_last_pass;
};

/* ---------- configuration ---------- */

/* Fill the training defaults. */
void
ae_train_config_defaults(AeTrainConfig *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->loss = AE_LOSS_MSE;
	cfg->optimizer = AE_OPT_ADAM;
	cfg->nesterov = false;
	cfg->learning_rate = 0;		/* optimiser default */
	cfg->momentum = 0.9;
	cfg->beta1 = 0.9;
	cfg->beta2 = 0.999;
	cfg->rho = 0;				/* optimiser default */
	cfg->epsilon = 0;			/* optimiser default */
	cfg->batch_size = 64;
	cfg->epochs = 50;
	cfg->l2 = 0;
	cfg->seed = 42;
	cfg->shuffle = true;
	cfg->validation_fraction = 0;
	cfg->patience = 0;
	cfg->min_delta = 0;
	cfg->max_seconds = 0;
	cfg->pretrain = AE_PRETRAIN_NONE;
	cfg->pretrain_epochs = 10;
	cfg->finetune_epochs = -1;	/* = epochs */
	cfg->shuffle_buffer_rows = 65536;
	ae_variant_config_defaults(&cfg->variant);
}

/* Replace "default" sentinels by the optimiser's values. */
void
ae_train_config_resolve(AeTrainConfig *cfg)
{
	if (!(cfg->learning_rate > 0))
	{
		switch (cfg->optimizer)
		{
			case AE_OPT_SGD:
			case AE_OPT_MOMENTUM:
				cfg->learning_rate = 0.01;
				break;
			case AE_OPT_ADADELTA:
				cfg->learning_rate = 1.0;
				break;
			case AE_OPT_ADAM:
			case AE_OPT_RMSPROP:
			default:
				cfg->learning_rate = 1e-3;
				break;
		}
	}
	if (!(cfg->rho > 0))
		cfg->rho = cfg->optimizer == AE_OPT_ADADELTA ? 0.95 : 0.9;
	if (!(cfg->epsilon > 0))
		cfg->epsilon = cfg->optimizer == AE_OPT_ADADELTA ? 1e-6 : 1e-8;
	if (cfg->finetune_epochs < 0)
		cfg->finetune_epochs = cfg->epochs;
}

/* Check ranges of the training options (sentinels allowed). */
AeStatus
ae_train_config_validate(const AeTrainConfig *cfg, AeError *err)
{
	if ((int) cfg->loss < (int) AE_LOSS_MSE || (int) cfg->loss > (int) AE_LOSS_BCE)
		return ae_fail(err, AE_EINVAL, "unknown loss %d", (int) cfg->loss);
	if ((int) cfg->optimizer < (int) AE_OPT_ADAM ||
		(int) cfg->optimizer > (int) AE_OPT_ADADELTA)
		return ae_fail(err, AE_EINVAL, "unknown optimizer %d",
					   (int) cfg->optimizer);
	if ((int) cfg->pretrain < (int) AE_PRETRAIN_NONE ||
		(int) cfg->pretrain > (int) AE_PRETRAIN_LAYERWISE)
		return ae_fail(err, AE_EINVAL, "unknown pretraining mode %d",
					   (int) cfg->pretrain);
	if (!isfinite(cfg->learning_rate) || cfg->learning_rate > 1e6)
		return ae_fail(err, AE_EINVAL, "learning_rate must be finite");
	if (!(cfg->momentum >= 0 && cfg->momentum < 1))
		return ae_fail(err, AE_EINVAL, "momentum must be in [0, 1)");
	if (!(cfg->beta1 >= 0 && cfg->beta1 < 1) ||
		!(cfg->beta2 >= 0 && cfg->beta2 < 1))
		return ae_fail(err, AE_EINVAL, "beta1 and beta2 must be in [0, 1)");
	if (!(cfg->rho < 1) || !isfinite(cfg->rho))
		return ae_fail(err, AE_EINVAL, "rho must be below 1");
	if (!isfinite(cfg->epsilon) || cfg->epsilon > 1)
		return ae_fail(err, AE_EINVAL, "epsilon must be at most 1");
	if (cfg->batch_size < 1 || cfg->batch_size > 1000000)
		return ae_fail(err, AE_EINVAL, "batch_size must be in 1..1000000");
	if (cfg->epochs < 1 || cfg->epochs > 10000000)
		return ae_fail(err, AE_EINVAL, "epochs must be in 1..10000000");
	if (!(cfg->l2 >= 0) || !isfinite(cfg->l2))
		return ae_fail(err, AE_EINVAL, "l2 must be non-negative");
	if (!(cfg->validation_fraction >= 0 && cfg->validation_fraction < 1))
		return ae_fail(err, AE_EINVAL, "validation_fraction must be in [0, 1)");
	if (cfg->patience < 0)
		return ae_fail(err, AE_EINVAL, "patience must be non-negative");
	if (!(cfg->min_delta >= 0) || !isfinite(cfg->min_delta))
		return ae_fail(err, AE_EINVAL, "min_delta must be non-negative");
	if (!(cfg->max_seconds >= 0) || !isfinite(cfg->max_seconds))
		return ae_fail(err, AE_EINVAL, "max_seconds must be non-negative");
	if (cfg->pretrain == AE_PRETRAIN_LAYERWISE &&
		(cfg->pretrain_epochs < 1 || cfg->pretrain_epochs > 10000000))
		return ae_fail(err, AE_EINVAL, "pretrain_epochs must be in 1..10000000");
	if (cfg->finetune_epochs > 10000000)
		return ae_fail(err, AE_EINVAL, "finetune_epochs must be at most 10000000");
	if (cfg->shuffle_buffer_rows < 1)
		return ae_fail(err, AE_EINVAL, "shuffle_buffer_rows must be positive");
	return ae_variant_config_validate(&cfg->variant, -1, err);
}

/* ---------- helpers ---------- */

/* Seconds since t0. */
static double
elapsed_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double) (now.tv_sec - t0->tv_sec) +
		(double) (now.tv_nsec - t0->tv_nsec) * 1e-9;
}

/*
 * Validation membership of a row, from a hash of the seed and the row's
 * values: the same rows are held out on every pass whatever order the
 * source returns them in (a synchronised scan starts a table mid-way), and
 * equal rows are never split between training and validation.
 */
bool
ae_row_is_validation(uint64_t seed, const float *row, int width, double fraction)
{
	uint64_t	h = seed ^ 0x243F6A8885A308D3ull;

	if (!(fraction > 0))
		return false;
	for (int j = 0; j < width; j++)
	{
		float		v = row[j] + 0.0f;	/* -0 and +0 alike */
		uint32_t	bits;

		memcpy(&bits, &v, sizeof(bits));
		h = (h ^ bits) * 0x100000001B3ull;	/* FNV-1a, a word at a time */
	}
	return (double) (ae_splitmix64(&h) >> 11) * (1.0 / 9007199254740992.0) <
		fraction;
}

/*
 * Validation membership of the row at index of the current pass: by its
 * values for raw rows, by the mask recorded from the raw rows for codes
 * (deeper pretraining phases read codes in the order of the raw rows).
 */
static bool
row_is_validation(const AeTrainer *t, const float *row, int64_t index)
{
	if (!(t->cfg.validation_fraction > 0))
		return false;
	if (t->phases[t->phase].layer >= 2)
		return index < t->val_mask_rows &&
			((t->val_mask[index >> 3] >> (index & 7)) & 1) != 0;
	return ae_row_is_validation(t->cfg.seed, row, t->width,
								t->cfg.validation_fraction);
}

/* Rewind the in-memory matrix source. */
static AeStatus
matrix_rewind(void *ctx, AeError *err)
{
	((AeMatrixSource *) ctx)->pos = 0;
	return AE_OK;
}

/* Copy up to max_rows rows of the matrix source. */
static int64_t
matrix_read(void *ctx, float *buf, int64_t max_rows, AeError *err)
{
	AeMatrixSource *m = ctx;
	int64_t		n = m->rows - m->pos;

	if (n > max_rows)
		n = max_rows;
	if (n > 0)
		memcpy(buf, m->data + (size_t) m->pos * m->cols,
			   (size_t) n * m->cols * sizeof(float));
	m->pos += n;
	return n;
}

/* A data source over an in-memory matrix, read from its first row. */
AeDataSource
ae_matrix_source(AeMatrixSource *ms, const float *data, int64_t rows, int cols)
{
	AeDataSource src = {ms, matrix_rewind, matrix_read};

	ms->data = data;
	ms->rows = rows;
	ms->cols = cols;
	ms->pos = 0;
	return src;
}

/* Rewind a source, making sure a failure carries a message. */
static AeStatus
source_rewind(AeDataSource *src, AeError *err)
{
	AeStatus	st;

	if (err)
		err->status = AE_OK;
	st = src->rewind(src->ctx, err);
	if (st != AE_OK && err && err->status == AE_OK)
		ae_fail(err, st, "could not rewind the training data");
	return st;
}

/* Read up to max rows; -1 with err set on failure. */
static int64_t
source_read(AeDataSource *src, float *buf, int64_t max, AeError *err)
{
	int64_t		got;

	if (err)
		err->status = AE_OK;
	got = src->read(src->ctx, buf, max, err);
	if (got < 0)
	{
		if (!err || err->status == AE_OK)
			ae_fail(err, AE_EINVAL, "could not read the training data");
		return -1;
	}
	if (got > max)
	{
		ae_fail(err, AE_EINVAL, "data source returned more rows than asked for");
		return -1;
	}
	return got;
}

/* Fill buf with up to cap rows; sets *eof when the pass ended. */
static int64_t
fill_buffer(AeDataSource *src, float *buf, int64_t cap, int width, bool *eof,
			AeError *err)
{
	int64_t		filled = 0;

	while (filled < cap && !*eof)
	{
		int64_t		got = source_read(src, buf + (size_t) filled * width,
									  cap - filled, err);

		if (got < 0)
			return -1;
		if (got == 0)
			*eof = true;
		filled += got;
	}
	return filled;
}

/*
 * The next rows of a pass, at *rows: an in-memory matrix source lends them
 * in place (the autoencoder_train aggregate trains straight from its state,
 * without a copy of every row in the shuffle buffer); any other source is
 * read into buf.
 */
static int64_t
next_rows(AeDataSource *src, float *buf, int64_t cap, int width, bool *eof,
		  const float **rows, AeError *err)
{
	if (src->read == matrix_read)
	{
		AeMatrixSource *m = src->ctx;
		int64_t		n = m->rows - m->pos;

		if (n > cap)
			n = cap;
		if (n <= 0)
		{
			*eof = true;
			return 0;
		}
		if (m->cols != width)
		{
			ae_fail(err, AE_EINVAL, "matrix source is %d wide, not %d", m->cols, width);
			return -1;
		}
		*rows = m->data + (size_t) m->pos * m->cols;
		m->pos += n;
		return n;
	}
	*rows = buf;
	return fill_buffer(src, buf, cap, width, eof, err);
}

/*
 * Allocate nmemb*size bytes, not zeroed, with an overflow check: for the
 * shuffle buffer and the validation cache, sized for the largest input but
 * written before they are read, so that a small input touches (and pays
 * for) only the pages it fills.
 */
static void *
alloc_unzeroed(size_t nmemb, size_t size)
{
	size_t		total;

	if (!ae_size_mul(nmemb, size, &total))
		return NULL;
	return ae_alloc(total);
}

/* Scale one raw row into dst (identity without mean/scale); false if not finite. */
static bool
scale_row(const float *raw, const double *mean, const double *scale, int d,
		  ae_real *dst)
{
	return ae_k_scale_row(raw, mean, scale, d, dst);
}

/* Copy weights (when owned) and bias of one layer between networks. */
static void
copy_layer(AeNet *dst, int dl, const AeNet *src, int sl)
{
	const AeLayer *d = &dst->layers[dl];
	const AeLayer *s = &src->layers[sl];

	if (d->owns_weights && s->owns_weights)
		memcpy(dst->params + d->w_off, src->params + s->w_off,
			   (size_t) d->n_in * d->n_out * sizeof(ae_real));
	memcpy(dst->params + d->b_off, src->params + s->b_off,
		   (size_t) d->n_out * sizeof(ae_real));
}

/* ---------- creation ---------- */

/* Validate options, build and initialise the network, plan the phases. */
AeTrainer *
ae_trainer_create(const AeNetConfig *net, const AeTrainConfig *train,
				  const double *mean, const double *scale, AeError *err)
{
	AeTrainer  *t;
	int			d;

	if (ae_net_config_validate(net, err) != AE_OK ||
		ae_train_config_validate(train, err) != AE_OK)
		return NULL;
	if (train->loss == AE_LOSS_BCE && net->output_activation != AE_ACT_SIGMOID)
	{
		ae_fail(err, AE_EINVAL,
				"loss bce requires output_activation sigmoid");
		return NULL;
	}
	if (ae_variant_config_validate(&train->variant, (int) net->activation,
								   err) != AE_OK ||
		ae_conv_train_check(net, train, err) != AE_OK)
		return NULL;
	if (train->variant.variant == AE_VARIANT_VARIATIONAL &&
		train->pretrain != AE_PRETRAIN_NONE)
	{
		ae_fail(err, AE_EINVAL,
				"the variational variant cannot be pretrained layer by layer");
		return NULL;
	}
	d = net->n_inputs;
	for (int j = 0; j < d; j++)
	{
		if ((mean && !isfinite(mean[j])) ||
			(scale && (!isfinite(scale[j]) || scale[j] == 0)))
		{
			ae_fail(err, AE_EINVAL, "invalid scaling for feature %d", j + 1);
			return NULL;
		}
	}
	t = ae_alloc0(sizeof(AeTrainer));
	if (!t)
	{
		ae_fail(err, AE_ENOMEM, "out of memory creating the trainer");
		return NULL;
	}
	t->ncfg = *net;
	t->ncfg.variational = train->variant.variant == AE_VARIANT_VARIATIONAL;
	t->cfg = *train;
	ae_train_config_resolve(&t->cfg);
	t->mean = ae_alloc_array((size_t) d, sizeof(double));
	t->scale = ae_alloc_array((size_t) d, sizeof(double));
	if (!t->mean || !t->scale)
	{
		ae_trainer_free(t);
		ae_fail(err, AE_ENOMEM, "out of memory creating the trainer");
		return NULL;
	}
	for (int j = 0; j < d; j++)
	{
		t->mean[j] = mean ? mean[j] : 0.0;
		t->scale[j] = scale ? scale[j] : 1.0;
	}
	t->net = ae_net_create(&t->ncfg, err);
	if (!t->net)
	{
		ae_trainer_free(t);
		return NULL;
	}
	ae_net_init_weights(t->net, t->cfg.seed);

	if (t->cfg.pretrain == AE_PRETRAIN_LAYERWISE)
	{
		for (int i = 1; i <= net->n_hidden; i++)
		{
			AePhase    *p = &t->phases[t->n_phases++];

			/* i <= AE_MAX_LAYERS: the modulo only informs the compiler */
			snprintf(p->name, AE_PHASE_LEN, "pretrain-%d", i % 100);
			p->epochs = t->cfg.pretrain_epochs;
			p->layer = i;
		}
		if (t->cfg.finetune_epochs > 0)
		{
			AePhase    *p = &t->phases[t->n_phases++];

			snprintf(p->name, AE_PHASE_LEN, "finetune");
			p->epochs = t->cfg.finetune_epochs;
			p->layer = 0;
		}
	}
	else
	{
		AePhase    *p = &t->phases[t->n_phases++];

		snprintf(p->name, AE_PHASE_LEN, "train");
		p->epochs = t->cfg.epochs;
		p->layer = 0;
	}
	ae_rng_seed(&t->rng, t->cfg.seed ^ 0x5DEECE66DF00Dull);
	ae_rng_seed(&t->noise_rng, t->cfg.seed ^ 0xC0440153A11CEull);
	return t;
}

/* ---------- pretraining codes ---------- */

/*
 * Compute the codes of level "level" (output of encoder layer level-1) for
 * every row, from the scaled source (level 1) or the previous codes.
 */
static AeStatus
compute_codes(AeTrainer *t, AeDataSource *src, int level, AeError *err)
{
	AeNet	   *net = t->net;
	const AeLayer *ly = &net->layers[level - 1];
	int			win = ly->n_in;
	int			wout = ly->n_out;
	AeMatrixSource ms;
	AeDataSource msrc = {&ms, matrix_rewind, matrix_read};
	AeDataSource *in = src;
	AeBatchWork w;
	float	   *raw = NULL;
	ae_real    *xin = NULL;
	float	   *codes = NULL;
	int64_t		cap = 0;
	int64_t		rows = 0;
	bool		eof = false;
	AeStatus	st;

	if (level == 1)
	{
		ae_free(t->val_mask);
		t->val_mask = NULL;
		t->val_mask_rows = 0;
	}
	if (level > 1)
	{
		ms.data = t->codes;
		ms.rows = t->codes_rows;
		ms.cols = win;
		ms.pos = 0;
		in = &msrc;
	}
	st = ae_work_init(&w, net, AE_CODES_CHUNK, err);
	if (st != AE_OK)
		return st;
	raw = ae_alloc_array((size_t) AE_CODES_CHUNK * win, sizeof(float));
	xin = ae_alloc_array((size_t) AE_CODES_CHUNK * win, sizeof(ae_real));
	if (!raw || !xin)
	{
		st = ae_fail(err, AE_ENOMEM, "out of memory computing codes");
		goto done;
	}
	st = source_rewind(in, err);
	if (st != AE_OK)
		goto done;
	for (;;)
	{
		int64_t		m = fill_buffer(in, raw, AE_CODES_CHUNK, win, &eof, err);

		if (m < 0)
		{
			st = err ? err->status : AE_EINVAL;
			goto done;
		}
		if (m == 0)
			break;
		ae_check_interrupts();
		for (int64_t i = 0; i < m; i++)
		{
			if (!scale_row(raw + (size_t) i * win,
						   level == 1 ? t->mean : NULL,
						   level == 1 ? t->scale : NULL, win,
						   xin + (size_t) i * win))
			{
				st = ae_fail(err, AE_EDATA,
							 "row %lld has a non-finite value after scaling",
							 (long long) (rows + i + 1));
				goto done;
			}
		}
		if (rows + m > cap)
		{
			int64_t		ncap = cap ? cap * 2 : 1024;
			float	   *nc;

			while (ncap < rows + m)
				ncap *= 2;
			nc = ae_alloc_array((size_t) ncap, (size_t) wout * sizeof(float));
			if (nc && level == 1 && t->cfg.validation_fraction > 0)
			{
				uint8_t    *nm = ae_alloc0((size_t) ncap / 8 + 1);

				if (nm && t->val_mask)
					memcpy(nm, t->val_mask, (size_t) cap / 8 + 1);
				ae_free(t->val_mask);
				t->val_mask = nm;
				if (!nm)
				{
					ae_free(nc);
					nc = NULL;
				}
			}
			if (!nc)
			{
				st = ae_fail(err, AE_ENOMEM,
							 "out of memory storing codes of %lld rows",
							 (long long) ncap);
				goto done;
			}
			if (rows)
				memcpy(nc, codes, (size_t) rows * wout * sizeof(float));
			ae_free(codes);
			codes = nc;
			cap = ncap;
		}
		if (level == 1 && t->val_mask)
		{
			for (int64_t i = 0; i < m; i++)
				if (ae_row_is_validation(t->cfg.seed, raw + (size_t) i * win, win,
										 t->cfg.validation_fraction))
					t->val_mask[(rows + i) >> 3] |= (uint8_t) (1 << ((rows + i) & 7));
			t->val_mask_rows = rows + m;
		}
		ae_nn_forward_range(net, &w, xin, (int) m, level - 1, level - 1);
		{
			const ae_real *o = w.act[level];
			float	   *dst = codes + (size_t) rows * wout;

			for (size_t i = 0; i < (size_t) m * wout; i++)
				dst[i] = (float) o[i];
		}
		rows += m;
	}
	if (level == 1)
		t->rows_last_pass = rows;
	ae_free(t->codes);
	t->codes = codes;
	t->codes_rows = rows;
	t->codes_level = level;
	codes = NULL;
	st = AE_OK;

done:
	ae_free(codes);
	ae_free(raw);
	ae_free(xin);
	ae_work_free(&w);
	return st;
}

/* ---------- phases ---------- */

/* Release the per-phase buffers. */
static void
phase_free(AeTrainer *t)
{
	ae_opt_free(&t->opt);
	ae_work_free(&t->work);
	ae_free(t->grad);
	ae_free(t->best);
	ae_free(t->batch);
	ae_free(t->noisy);
	ae_free(t->eps);
	t->noisy = t->eps = NULL;
	if (t->has_tangent)
		ae_tangent_free(&t->tangent);
	t->has_tangent = false;
	t->work.tangent = NULL;
	ae_free(t->buf);
	ae_free(t->perm);
	ae_free(t->val);
	t->grad = t->best = t->batch = t->val = NULL;
	t->buf = NULL;
	t->perm = NULL;
	if (t->cur && t->cur != t->net)
		ae_net_free(t->cur);
	t->cur = NULL;
	t->phase_active = false;
}

/*
 * Rows of the shuffle buffer, the mini-batch and the validation cache of a
 * phase whose input is width wide: the buffer within AE_BUFFER_BYTES and
 * shuffle_buffer_rows (callers set that to the rows they have), the batch
 * within the buffer.
 */
static void
plan_buffers(const AeTrainConfig *c, int width, int64_t *buf_rows,
			 int *batch_rows, int64_t *val_cap)
{
	int64_t		rows = (int64_t) (AE_BUFFER_BYTES / ((size_t) width * sizeof(float)));

	if (rows < c->batch_size)
		rows = c->batch_size;
	if (rows > c->shuffle_buffer_rows)
		rows = c->shuffle_buffer_rows;
	if (rows > INT32_MAX)
		rows = INT32_MAX;
	*buf_rows = rows;
	*batch_rows = c->batch_size < rows ? c->batch_size : (int) rows;
	*val_cap = 0;
	if (c->validation_fraction > 0)
	{
		*val_cap = (int64_t) (AE_BUFFER_BYTES / ((size_t) width * sizeof(ae_real)));
		if (*val_cap > rows)
			*val_cap = rows;
	}
}

/* Bytes of ae_work_init's workspace: rows through layers of these widths. */
static double
workspace_bytes(const int *widths, int n_layers, int64_t rows)
{
	double		floats = 0;
	int			max_width = 0;

	for (int l = 0; l <= n_layers; l++)
		if (widths[l] > max_width)
			max_width = widths[l];
	for (int l = 1; l <= n_layers; l++)
		floats += widths[l];	/* out[l] */
	floats += widths[n_layers]; /* zout */
	floats += 2.0 * max_width;	/* delta_a, delta_b */
	floats += widths[n_layers / 2]; /* dcode: the code layer's gradient */
	return floats * (double) rows * sizeof(ae_real);
}

/* Optimiser state vectors per parameter (ae_opt_init). */
static int
optimizer_vectors(AeOptimizer o)
{
	switch (o)
	{
		case AE_OPT_SGD:
			return 0;
		case AE_OPT_MOMENTUM:
		case AE_OPT_RMSPROP:
			return 1;
		case AE_OPT_ADAM:
		case AE_OPT_ADADELTA:
			return 2;
	}
	return 2;
}

/* Peak bytes of a trainer; see ae_nn.h. */
double
ae_trainer_memory_estimate(const AeNetConfig *net, const AeTrainConfig *train,
						   int64_t n_rows)
{
	AeTrainConfig c = *train;
	AeNetConfig nc = *net;
	int			H = net->n_hidden;
	int			level[AE_MAX_LAYERS + 1];	/* level widths: d, h1 .. hH */
	int			widths[2 * AE_MAX_LAYERS + 1];
	double		full;
	double		fixed;
	double		peak = 0;
	int			first_phase = 0;
	int			max_level = 0;

	ae_train_config_resolve(&c);
	/* as ae_trainer_create: the variant decides; the count has the head */
	nc.variational = c.variant.variant == AE_VARIANT_VARIATIONAL;
	full = (double) ae_net_config_param_count(&nc);
	level[0] = net->n_inputs;
	for (int i = 1; i <= H; i++)
		level[i] = net->hidden[i - 1];
	/* the trainer, the full network and a shallow one, row scratch, mean and scale */
	fixed = sizeof(AeTrainer) + 2.0 * sizeof(AeNet) + full * sizeof(ae_real) +
		2.0 * net->n_inputs * sizeof(double);
	for (int i = 0; i <= H; i++)
	{
		fixed += 4.0 * level[i] * sizeof(ae_real);	/* row scratch, over-counted */
		if (level[i] > max_level)
			max_level = level[i];
	}

	/* phases: 1..H pretrain layer i, 0 the full network */
	if (c.pretrain == AE_PRETRAIN_LAYERWISE)
		first_phase = 1;
	for (int p = first_phase; p <= (first_phase ? H + 1 : 0); p++)
	{
		int			i = p <= H ? p : 0; /* H + 1: finetune */
		int			width = i == 0 ? level[0] : level[i - 1];
		int			n_layers;
		double		np;
		double		bytes;
		double		codes = 0;
		int64_t		buf_rows,
					val_cap;
		int			batch_rows;
		double		conv_extra = 0;

		if (first_phase && i == 0 && c.finetune_epochs <= 0)
			continue;
		if (i == 0 && net->conv.n_blocks > 0)
		{
			/* pretraining is refused: only this phase */
			np = full;
			plan_buffers(&c, width, &buf_rows, &batch_rows, &val_cap);
			conv_extra = ae_conv_work_bytes(net, batch_rows, widths, &n_layers);
		}
		else if (i == 0)
		{
			n_layers = 2 * H;
			for (int l = 0; l <= H; l++)
				widths[l] = level[l];
			for (int l = 1; l <= H; l++)
				widths[H + l] = level[H - l];
			np = full;
		}
		else
		{
			n_layers = 2;
			widths[0] = widths[2] = level[i - 1];
			widths[1] = level[i];
			np = (double) level[i - 1] * level[i] * (net->tied_weights ? 1 : 2) +
				level[i] + level[i - 1];
		}
		plan_buffers(&c, width, &buf_rows, &batch_rows, &val_cap);
		bytes = fixed + conv_extra + (i > 0 ? np * sizeof(ae_real) : 0);
		bytes += np * sizeof(ae_real) * (1 + optimizer_vectors(c.optimizer) +
										 (c.patience > 0 ? 1 : 0));
		bytes += (double) buf_rows * width * sizeof(float) + (double) buf_rows * sizeof(int32_t);
		bytes += (double) batch_rows * width * sizeof(ae_real) *
			(c.variant.noise != AE_NOISE_NONE ? 2 : 1);	/* batch, noisy copy */
		bytes += (double) val_cap * width * sizeof(ae_real);
		bytes += workspace_bytes(widths, n_layers, batch_rows);
		if (nc.variational)
		{
			/*
			 * logvar, z, dlogvar and eps, a batch each (the head's parameters
			 * are in np already)
			 */
			bytes += 4.0 * batch_rows * widths[n_layers / 2] * sizeof(ae_real);
		}
		if (i == 0 && H > 1 && c.variant.variant == AE_VARIANT_CONTRACTIVE)
		{
			/*
			 * the deep contractive tangent workspace (ae_tangent_init): the
			 * probe, t and v of every encoder level, four adjoint buffers
			 */
			double		tw = level[0] + 4.0 * max_level;

			for (int l = 1; l <= H; l++)
				tw += 2.0 * level[l];
			bytes += tw * batch_rows * sizeof(ae_real);
		}
		if (i >= 2)
		{
			/* codes of level i-1, while the phase runs ... */
			codes = (double) n_rows * level[i - 1] * sizeof(float) + n_rows / 8.0 + 1;
			bytes += codes;
			/*
			 * ... and while they are computed: the previous level's codes,
			 * the new ones growing by doubling (old and new buffer), and a
			 * chunk's workspace through the full network
			 */
			for (int l = 0; l <= H; l++)
				widths[l] = level[l];
			for (int l = 1; l <= H; l++)
				widths[H + l] = level[H - l];
			codes = fixed + (double) n_rows * sizeof(float) *
				((i >= 3 ? level[i - 2] : 0) + 3.0 * level[i - 1]) +
				workspace_bytes(widths, 2 * H, AE_CODES_CHUNK) +
				(double) AE_CODES_CHUNK * level[i - 2] * (sizeof(float) + sizeof(ae_real));
		}
		if (bytes > peak)
			peak = bytes;
		if (codes > peak)
			peak = codes;
	}
	return peak;
}

/* Set up the current phase: its network, data and optimiser state. */
static AeStatus
phase_begin(AeTrainer *t, AeDataSource *src, AeError *err)
{
	const AePhase *p = &t->phases[t->phase];
	const AeTrainConfig *c = &t->cfg;
	int			L = t->net->n_layers;
	size_t		np;
	bool		lends;
	AeStatus	st;

	memset(&t->work, 0, sizeof(t->work));
	memset(&t->opt, 0, sizeof(t->opt));
	t->epoch = 0;
	t->have_best = false;
	t->wait = 0;
	t->best_metric = INFINITY;

	if (p->layer == 0)
	{
		t->cur = t->net;
		t->loss = c->loss;
	}
	else
	{
		int			i = p->layer;
		AeNetConfig sc;

		if (i >= 2 && t->codes_level != i - 1)
		{
			st = compute_codes(t, src, i - 1, err);
			if (st != AE_OK)
				return st;
		}
		memset(&sc, 0, sizeof(sc));
		sc.n_inputs = t->net->layers[i - 1].n_in;
		sc.n_hidden = 1;
		sc.hidden[0] = t->net->layers[i - 1].n_out;
		sc.activation = t->ncfg.activation;
		sc.output_activation = t->net->layers[L - i].act;
		sc.tied_weights = t->ncfg.tied_weights;
		t->cur = ae_net_create(&sc, err);
		if (!t->cur)
			return err ? err->status : AE_ENOMEM;
		copy_layer(t->cur, 0, t->net, i - 1);
		copy_layer(t->cur, 1, t->net, L - i);
		t->loss = (i == 1) ? c->loss : AE_LOSS_MSE;
	}
	t->penalties = (p->layer == 0 || p->layer == t->net->cfg.n_hidden) ?
		&c->variant : NULL;
	t->phase_active = true;
	t->width = t->cur->cfg.n_inputs;
	np = t->cur->n_params;

	plan_buffers(c, t->width, &t->buf_rows, &t->batch_rows, &t->val_cap);
	/*
	 * An in-memory matrix lends its rows (next_rows): no shuffle buffer, so
	 * no byte limit on the rows shuffled together; codes are lent too.
	 */
	lends = src->read == matrix_read;
	if (lends)
		t->buf_rows = c->shuffle_buffer_rows < INT32_MAX ? c->shuffle_buffer_rows : INT32_MAX;
	if (!lends && p->layer < 2)
		t->buf = alloc_unzeroed((size_t) t->buf_rows,
								(size_t) t->width * sizeof(float));
	t->perm = alloc_unzeroed((size_t) t->buf_rows, sizeof(int32_t));
	t->batch = ae_alloc_array((size_t) t->batch_rows,
							  (size_t) t->width * sizeof(ae_real));
	t->grad = ae_alloc_array(np, sizeof(ae_real));
	if (c->variant.noise != AE_NOISE_NONE)
		t->noisy = ae_alloc_array((size_t) t->batch_rows,
								  (size_t) t->width * sizeof(ae_real));
	if (t->cur->cfg.variational)
		t->eps = ae_alloc_array((size_t) t->batch_rows,
								(size_t) t->cur->head.n_out * sizeof(ae_real));
	if (t->val_cap > 0)
		t->val = alloc_unzeroed((size_t) t->val_cap,
								(size_t) t->width * sizeof(ae_real));
	if (c->patience > 0)
		t->best = ae_alloc_array(np, sizeof(ae_real));
	if ((!lends && p->layer < 2 && !t->buf) || !t->perm || !t->batch || !t->grad ||
		(c->variant.noise != AE_NOISE_NONE && !t->noisy) ||
		(t->cur->cfg.variational && !t->eps) ||
		(t->val_cap > 0 && !t->val) || (c->patience > 0 && !t->best))
	{
		phase_free(t);
		return ae_fail(err, AE_ENOMEM, "out of memory for training buffers");
	}
	st = ae_work_init(&t->work, t->cur, t->batch_rows, err);
	if (st == AE_OK && t->penalties &&
		t->penalties->variant == AE_VARIANT_CONTRACTIVE && t->cur->cfg.n_hidden > 1)
	{
		st = ae_tangent_init(&t->tangent, t->cur, t->batch_rows, err);
		t->has_tangent = st == AE_OK;
		t->work.tangent = t->has_tangent ? &t->tangent : NULL;
	}
	if (st == AE_OK)
		st = ae_opt_init(&t->opt, c, np, err);
	if (st != AE_OK)
	{
		phase_free(t);
		return st;
	}
	return AE_OK;
}

/* Finish the current phase: restore the best weights, hand them on. */
static void
phase_end(AeTrainer *t)
{
	const AePhase *p = &t->phases[t->phase];

	if (t->have_best)
		memcpy(t->cur->params, t->best, t->cur->n_params * sizeof(ae_real));
	if (p->layer > 0)
	{
		int			i = p->layer;
		int			L = t->net->n_layers;

		copy_layer(t->net, i - 1, t->cur, 0);
		copy_layer(t->net, L - i, t->cur, 1);
		if (i == t->net->cfg.n_hidden)
		{
			ae_free(t->codes);
			ae_free(t->val_mask);
			t->val_mask = NULL;
			t->val_mask_rows = 0;
			t->codes = NULL;
			t->codes_rows = 0;
			t->codes_level = 0;
		}
	}
	phase_free(t);
}

/* ---------- one epoch ---------- */

/* Mean loss of n scaled rows x (forward only), accumulated as a row sum. */
static double
eval_rows(AeTrainer *t, const ae_real *x, int n)
{
	AeNet	   *net = t->cur;
	int			L = net->n_layers;

	if (net->cfg.variational)
		return ae_vae_batch_grad(net, &t->work, x, n, t->loss, 0,
								 t->cfg.variant.beta, NULL, NULL, NULL, NULL, NULL) * n;
	ae_nn_forward(net, &t->work, x, n);
	return ae_loss_eval(t->loss, net->layers[L - 1].act, t->work.zout,
						t->work.act[L], x, (size_t) n * t->width, NULL) * n;
}

/* Validation loss by a second pass over the source (cache overflowed). */
static AeStatus
val_second_pass(AeTrainer *t, AeDataSource *src, const double *mean,
				const double *scale, double *sum, int64_t *count, AeError *err)
{
	int			d = t->width;
	int64_t		row = 0;
	int			nb = 0;
	bool		eof = false;
	AeStatus	st;

	*sum = 0;
	*count = 0;
	st = source_rewind(src, err);
	if (st != AE_OK)
		return st;
	for (;;)
	{
		const float *rows;
		int64_t		filled = next_rows(src, t->buf, t->buf_rows, d, &eof, &rows, err);

		if (filled < 0)
			return err ? err->status : AE_EINVAL;
		if (filled == 0)
			break;
		ae_check_interrupts();
		for (int64_t i = 0; i < filled; i++, row++)
		{
			if (!row_is_validation(t, rows + (size_t) i * d, row))
				continue;
			if (!scale_row(rows + (size_t) i * d, mean, scale, d,
						   t->batch + (size_t) nb * d))
				return ae_fail(err, AE_EDATA,
							   "row %lld has a non-finite value after scaling",
							   (long long) row + 1);
			if (++nb == t->batch_rows)
			{
				*sum += eval_rows(t, t->batch, nb);
				*count += nb;
				nb = 0;
			}
		}
	}
	if (nb > 0)
	{
		*sum += eval_rows(t, t->batch, nb);
		*count += nb;
	}
	return AE_OK;
}

/* Train one epoch of the current phase; mean train and validation loss. */
static AeStatus
run_epoch(AeTrainer *t, AeDataSource *src, double *loss_out, double *val_out,
		  AeError *err)
{
	const AeTrainConfig *c = &t->cfg;
	AeNet	   *net = t->cur;
	int			d = t->width;
	double		frac = c->validation_fraction;
	const double *mean = t->mean;
	const double *scale = t->scale;
	AeMatrixSource ms;
	AeDataSource msrc = {&ms, matrix_rewind, matrix_read};
	AeDataSource *in = src;
	int64_t		row = 0;
	int64_t		n_train = 0;
	int64_t		n_cached = 0;
	bool		overflow = false;
	bool		eof = false;
	double		loss_sum = 0;
	AeStatus	st;

	t->recon_sum = t->kl_sum = 0;

	if (t->phases[t->phase].layer >= 2)
	{
		ms.data = t->codes;
		ms.rows = t->codes_rows;
		ms.cols = d;
		ms.pos = 0;
		in = &msrc;
		mean = scale = NULL;
	}

	st = source_rewind(in, err);
	if (st != AE_OK)
		return st;
	for (;;)
	{
		const float *rows;
		int64_t		filled = next_rows(in, t->buf, t->buf_rows, d, &eof, &rows, err);
		int32_t		ntr = 0;

		if (filled < 0)
			return err ? err->status : AE_EINVAL;
		if (filled == 0)
			break;

		/* split into training rows and (cached) validation rows */
		for (int64_t i = 0; i < filled; i++)
		{
			if (frac > 0 && row_is_validation(t, rows + (size_t) i * d, row + i))
			{
				if (n_cached < t->val_cap)
				{
					if (!scale_row(rows + (size_t) i * d, mean, scale, d,
								   t->val + (size_t) n_cached * d))
						return ae_fail(err, AE_EDATA,
									   "row %lld has a non-finite value after scaling",
									   (long long) (row + i + 1));
					n_cached++;
				}
				else
					overflow = true;
			}
			else
				t->perm[ntr++] = (int32_t) i;
		}
		row += filled;

		if (c->shuffle)
		{
			for (int32_t i = ntr - 1; i > 0; i--)
			{
				int32_t		j = (int32_t) ae_rng_below(&t->rng, (uint64_t) i + 1);
				int32_t		tmp = t->perm[i];

				t->perm[i] = t->perm[j];
				t->perm[j] = tmp;
			}
		}

		for (int32_t b0 = 0; b0 < ntr; b0 += t->batch_rows)
		{
			int			m = (ntr - b0 < t->batch_rows) ? ntr - b0 : t->batch_rows;
			double		l;

			ae_check_interrupts();
			for (int r = 0; r < m; r++)
			{
				int32_t		src_row = t->perm[b0 + r];

				if (!scale_row(rows + (size_t) src_row * d, mean, scale, d,
							   t->batch + (size_t) r * d))
					return ae_fail(err, AE_EDATA,
								   "row %lld has a non-finite value after scaling",
								   (long long) (row - filled + src_row + 1));
			}
			if (t->eps)
			{
				AeVaeTerms terms;

				for (size_t i = 0; i < (size_t) m * net->head.n_out; i++)
					t->eps[i] = (ae_real) ae_rng_normal(&t->noise_rng);
				l = ae_vae_batch_grad(net, &t->work, t->batch, m, t->loss, c->l2,
									  c->variant.beta, t->penalties, t->eps,
									  NULL, t->grad, &terms);
				t->recon_sum += terms.recon * m;
				t->kl_sum += terms.kl * m;
			}
			else
			{
				if (t->noisy)
					ae_noise_apply(&c->variant, &t->noise_rng, t->batch, t->noisy,
								   (size_t) m * d);
				/* Hutchinson probes of the deep contractive penalty */
				if (t->has_tangent)
					for (size_t i = 0; i < (size_t) m * d; i++)
						t->tangent.probe[i] = (ae_real) ae_rng_normal(&t->noise_rng);
				l = ae_nn_batch_grad(net, &t->work, t->noisy ? t->noisy : t->batch,
									 t->batch, m, t->loss, c->l2, t->penalties,
									 t->grad, NULL);
			}
			if (!isfinite(l))
				return ae_fail(err, AE_ENUMERIC,
							   "training diverged (non-finite loss); try a smaller learning_rate");
			ae_opt_step(&t->opt, net->params, t->grad);
			loss_sum += l * m;
			n_train += m;
		}
	}
	if (in == src)
		t->rows_last_pass = row;
	if (n_train == 0 && row > 0)
		return ae_fail(err, AE_EDATA,
					   "all %lld rows fell into the validation share: rows are held out by a hash of their values, so equal rows go together; lower validation_fraction or change seed",
					   (long long) row);
	if (n_train == 0)
		return ae_fail(err, AE_EDATA, "no rows to train on");
	*loss_out = loss_sum / (double) n_train;
	t->recon_sum /= (double) n_train;
	t->kl_sum /= (double) n_train;

	*val_out = NAN;
	if (frac > 0)
	{
		double		vsum = 0;
		int64_t		vcount = 0;

		if (!overflow)
		{
			for (int64_t r0 = 0; r0 < n_cached; r0 += t->batch_rows)
			{
				int			m = (n_cached - r0 < t->batch_rows) ?
					(int) (n_cached - r0) : t->batch_rows;

				ae_check_interrupts();
				vsum += eval_rows(t, t->val + (size_t) r0 * d, m);
			}
			vcount = n_cached;
		}
		else
		{
			st = val_second_pass(t, in, mean, scale, &vsum, &vcount, err);
			if (st != AE_OK)
				return st;
		}
		if (vcount > 0)
			*val_out = vsum / (double) vcount;
	}
	return AE_OK;
}

/* ---------- step API ---------- */

/* Run the next epoch and report it. */
AeStatus
ae_trainer_step(AeTrainer *t, AeDataSource *src, AeHistoryRow *row,
				bool *done, AeError *err)
{
	const AePhase *p;
	double		loss = 0,
				val = NAN,
				metric,
				secs;
	bool		stop_phase = false;
	bool		stop_all = false;
	AeStatus	st;

	*done = t->done;
	if (t->done || !t->net)
		return ae_fail(err, AE_EINVAL, "training has already finished");
	if (!t->started)
	{
		clock_gettime(CLOCK_MONOTONIC, &t->t0);
		t->started = true;
	}
	if (!t->phase_active)
	{
		st = phase_begin(t, src, err);
		if (st != AE_OK)
			return st;
	}
	p = &t->phases[t->phase];
	st = run_epoch(t, src, &loss, &val, err);
	if (st != AE_OK)
		return st;
	t->epoch++;
	secs = elapsed_since(&t->t0);

	memset(row, 0, sizeof(*row));
	row->epoch = t->epoch;
	snprintf(row->phase, AE_PHASE_LEN, "%s", p->name);
	row->loss = loss;
	row->val_loss = val;
	row->recon = t->ncfg.variational ? t->recon_sum : NAN;
	row->kl = t->ncfg.variational ? t->kl_sum : NAN;
	row->seconds = secs;

	metric = isnan(val) ? loss : val;
	if (t->cfg.patience > 0)
	{
		if (!t->have_best || metric < t->best_metric - t->cfg.min_delta)
		{
			t->best_metric = metric;
			memcpy(t->best, t->cur->params, t->cur->n_params * sizeof(ae_real));
			t->have_best = true;
			t->wait = 0;
		}
		else if (++t->wait >= t->cfg.patience)
			stop_phase = true;
	}
	if (t->cfg.max_seconds > 0 && secs >= t->cfg.max_seconds)
		stop_all = true;
	if (t->epoch >= p->epochs || stop_phase || stop_all)
	{
		phase_end(t);
		t->phase++;
		if (stop_all || t->phase >= t->n_phases)
			t->done = true;
	}
	*done = t->done;
	return AE_OK;
}

/* Detach the network (best weights of the running phase if any). */
AeNet *
ae_trainer_take_net(AeTrainer *t)
{
	AeNet	   *net;

	if (t->phase_active)
		phase_end(t);
	net = t->net;
	t->net = NULL;
	t->done = true;
	return net;
}

/* The network being trained, still owned by the trainer. */
AeNet *
ae_trainer_net(AeTrainer *t)
{
	return t->net;
}

/* Rows read in the last pass over the caller's source. */
int64_t
ae_trainer_rows(const AeTrainer *t)
{
	return t->rows_last_pass;
}

/* Free the trainer and whatever it still owns. */
void
ae_trainer_free(AeTrainer *t)
{
	if (!t)
		return;
	phase_free(t);
	ae_net_free(t->net);
	ae_free(t->codes);
	ae_free(t->val_mask);
	ae_free(t->mean);
	ae_free(t->scale);
	ae_free(t);
}
