/*-------------------------------------------------------------------------
 *
 * ae_nn.c
 *	  The autoencoder network: configuration defaults and checks, layer
 *	  layout and initialisation, mini-batch forward and backward passes
 *	  over BLAS, one-row and batch inference, introspection, and the NNET
 *	  section of the model format.
 *
 * Layers are dense: y = act(x W^T + b), evaluated for a whole mini-batch
 * with one GEMM and a tight loop for bias and activation.  Losses live in
 * ae_nn_loss.c, optimisers in ae_optim.c and the training loop in
 * ae_train.c, so new layer kinds and new penalties stay independent.
 *
 * NNET payload, version 1 (little-endian):
 *	 u32 version, u32 n_inputs, u32 n_hidden, u32 hidden[n_hidden],
 *	 u32 activation, u32 output_activation, u32 flags (bit 0: tied weights),
 *	 u64 n_params, then n_params float32: all weight matrices in layer
 *	 order (n_out x n_in row-major; tied decoders have none), then all
 *	 biases in layer order.  The payload must be consumed exactly.
 * Version 2 is the same with flag bit 1 (variational): the code layer is
 *	 linear whatever the activation (it outputs mu), and a log-variance head
 *	 of the code layer's shape follows: its weights after every layer's
 *	 weights, its biases after every layer's biases.  Networks without the
 *	 flag are still written as version 1.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_nn_int.h"
#include "ae_kernels.h"

#include <math.h>
#include <string.h>

#define AE_NNET_FLAG_TIED		0x0001u
#define AE_NNET_FLAG_VARIATIONAL 0x0002u
#define AE_NNET_KNOWN_FLAGS		(AE_NNET_FLAG_TIED | AE_NNET_FLAG_VARIATIONAL)
#define AE_FORWARD_CHUNK		256
/* Largest network: its float32 parameters must fit in a model. */
#define AE_MAX_PARAMS			(AE_MAX_MODEL_BYTES / sizeof(float))

/* ---------- configuration ---------- */

/* Fill the network defaults: one code layer of 2 units, relu, linear out. */
void
ae_net_config_defaults(AeNetConfig *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->n_inputs = 0;
	cfg->n_hidden = 1;
	cfg->hidden[0] = 2;
	cfg->activation = AE_ACT_RELU;
	cfg->output_activation = AE_ACT_LINEAR;
	cfg->tied_weights = false;
}

/* Width of level i: 0 is the input, 1..n_hidden the encoder layers. */
static int
level_width(const AeNetConfig *cfg, int i)
{
	return i == 0 ? cfg->n_inputs : cfg->hidden[i - 1];
}

/* Count stored parameters of a (range-checked) config without overflow. */
static bool
config_param_count(const AeNetConfig *cfg, size_t *n_params, size_t *n_weights)
{
	size_t		weights = 0;
	size_t		biases = 0;

	if (cfg->conv.n_blocks > 0)
	{
		/* bounded by ae_conv_config_check: no overflow in size_t */
		AeLayer		layers[AE_NN_MAX_NET_LAYERS];
		int			n_enc;
		int			L = ae_conv_build_layers(cfg, layers, &n_enc);

		for (int l = 0; l < L; l++)
		{
			weights += ae_layer_weight_count(&layers[l]);
			biases += ae_layer_bias_count(&layers[l]);
		}
		*n_params = weights + biases;
		*n_weights = weights;
		return true;
	}
	for (int i = 0; i < cfg->n_hidden; i++)
	{
		size_t		a = (size_t) level_width(cfg, i);
		size_t		b = (size_t) level_width(cfg, i + 1);
		size_t		m;

		if (!ae_size_mul(a, b, &m) ||
			!ae_size_add(weights, m, &weights))
			return false;
		if (!cfg->tied_weights && !ae_size_add(weights, m, &weights))
			return false;
		/* encoder bias b, decoder bias a */
		if (!ae_size_add(biases, a, &biases) ||
			!ae_size_add(biases, b, &biases))
			return false;
		/* the log-variance head mirrors the code layer */
		if (cfg->variational && i == cfg->n_hidden - 1 &&
			(!ae_size_add(weights, m, &weights) ||
			 !ae_size_add(biases, b, &biases)))
			return false;
	}
	if (!ae_size_add(weights, biases, n_params))
		return false;
	*n_weights = weights;
	return true;
}

/*
 * Check ranges of a configuration.  Internal networks (the shallow
 * autoencoders of layer-wise pretraining) may use any activation at the
 * output; user-facing ones only linear or sigmoid.
 */
static AeStatus
config_check(const AeNetConfig *cfg, bool any_output, AeError *err)
{
	size_t		np,
				nw;

	if (cfg->n_inputs < 1 || cfg->n_inputs > AE_MAX_UNITS ||
		cfg->n_inputs > AE_MAX_FEATURES)
		return ae_fail(err, AE_EINVAL, "number of inputs %d out of range 1..%d",
					   cfg->n_inputs, AE_MAX_UNITS);
	if ((cfg->n_hidden < 1 && cfg->conv.n_blocks == 0) ||
		cfg->n_hidden < 0 || cfg->n_hidden > AE_MAX_LAYERS)
		return ae_fail(err, AE_EINVAL,
					   "number of hidden layers %d out of range 1..%d",
					   cfg->n_hidden, AE_MAX_LAYERS);
	for (int i = 0; i < cfg->n_hidden; i++)
		if (cfg->hidden[i] < 1 || cfg->hidden[i] > AE_MAX_UNITS)
			return ae_fail(err, AE_EINVAL,
						   "hidden layer %d has %d units, expected 1..%d",
						   i + 1, cfg->hidden[i], AE_MAX_UNITS);
	if ((int) cfg->activation < (int) AE_ACT_LINEAR ||
		(int) cfg->activation > (int) AE_ACT_LEAKY_RELU)
		return ae_fail(err, AE_EINVAL, "unknown activation %d",
					   (int) cfg->activation);
	if ((int) cfg->output_activation < (int) AE_ACT_LINEAR ||
		(int) cfg->output_activation > (int) AE_ACT_LEAKY_RELU ||
		(!any_output && cfg->output_activation != AE_ACT_LINEAR &&
		 cfg->output_activation != AE_ACT_SIGMOID))
		return ae_fail(err, AE_EINVAL,
					   "output activation must be linear or sigmoid");
	if (cfg->conv.n_blocks != 0 && ae_conv_config_check(cfg, err) != AE_OK)
		return err ? err->status : AE_EINVAL;
	if (!config_param_count(cfg, &np, &nw))
		return ae_fail(err, AE_ELIMIT, "network too large: more than %zu parameters",
					   (size_t) AE_MAX_PARAMS);
	if (np > AE_MAX_PARAMS)
		return ae_fail(err, AE_ELIMIT, "network too large: %zu parameters, at most %zu",
					   np, (size_t) AE_MAX_PARAMS);
	return AE_OK;
}

/* Parameters of a network configuration (0 if it cannot be counted). */
size_t
ae_net_config_param_count(const AeNetConfig *cfg)
{
	size_t		np,
				nw;

	return config_param_count(cfg, &np, &nw) ? np : 0;
}

/* Check ranges of a network configuration. */
AeStatus
ae_net_config_validate(const AeNetConfig *cfg, AeError *err)
{
	return config_check(cfg, false, err);
}

/* SQL-facing name of an activation. */
const char *
ae_activation_name(AeActivation a)
{
	switch (a)
	{
		case AE_ACT_LINEAR:
			return "linear";
		case AE_ACT_RELU:
			return "relu";
		case AE_ACT_SIGMOID:
			return "sigmoid";
		case AE_ACT_TANH:
			return "tanh";
		case AE_ACT_ELU:
			return "elu";
		case AE_ACT_LEAKY_RELU:
			return "leaky_relu";
	}
	return "unknown";
}

/* SQL-facing name of an optimiser. */
const char *
ae_optimizer_name(AeOptimizer o)
{
	switch (o)
	{
		case AE_OPT_ADAM:
			return "adam";
		case AE_OPT_SGD:
			return "sgd";
		case AE_OPT_MOMENTUM:
			return "momentum";
		case AE_OPT_RMSPROP:
			return "rmsprop";
		case AE_OPT_ADADELTA:
			return "adadelta";
	}
	return "unknown";
}

/* SQL-facing name of a loss. */
const char *
ae_loss_name(AeLoss l)
{
	switch (l)
	{
		case AE_LOSS_MSE:
			return "mse";
		case AE_LOSS_BCE:
			return "bce";
	}
	return "unknown";
}

/* ---------- construction ---------- */

/* Allocate the parameters and one-row scratch of a laid-out network. */
static AeNet *
net_alloc_buffers(AeNet *net, AeError *err)
{
	net->params = ae_alloc_array(net->n_params, sizeof(ae_real));
	net->row_a = ae_alloc_array((size_t) net->max_width, sizeof(ae_real));
	net->row_b = ae_alloc_array((size_t) net->max_width, sizeof(ae_real));
	if (net->col_per_row > 0)
		net->row_col = ae_alloc_array(net->col_per_row, sizeof(ae_real));
	if (net->cfg.conv.n_blocks > 0)
		net->row_idx = ae_alloc_array((size_t) net->max_width, sizeof(int32_t));
	if (!net->params || !net->row_a || !net->row_b ||
		(net->col_per_row > 0 && !net->row_col) ||
		(net->cfg.conv.n_blocks > 0 && !net->row_idx))
	{
		ae_fail(err, AE_ENOMEM, "out of memory allocating %zu parameters",
				net->n_params);
		ae_net_free(net);
		return NULL;
	}
	return net;
}

/*
 * Lay out a convolutional network (ae_conv.c builds the stack): every
 * owned weight matrix in layer order, then every bias vector.
 */
static AeNet *
create_conv(AeNet *net, AeError *err)
{
	size_t		w_off = 0;
	size_t		b_off;

	net->n_layers = ae_conv_build_layers(&net->cfg, net->layers, &net->n_enc);
	config_param_count(&net->cfg, &net->n_params, &net->n_weights);
	b_off = net->n_weights;
	net->max_width = net->cfg.n_inputs;
	for (int l = 0; l < net->n_layers; l++)
	{
		AeLayer    *ly = &net->layers[l];
		size_t		per = ae_conv_col_per_row(ly);

		ly->w_off = w_off;
		ly->b_off = b_off;
		w_off += ae_layer_weight_count(ly);
		b_off += ae_layer_bias_count(ly);
		if (ly->n_out > net->max_width)
			net->max_width = ly->n_out;
		if (per > net->col_per_row)
			net->col_per_row = per;
	}
	return net_alloc_buffers(net, err);
}

/* Allocate a network (any output activation allowed); parameters zero. */
AeNet *
ae_net_create(const AeNetConfig *cfg, AeError *err)
{
	AeNet	   *net;
	int			H = cfg->n_hidden;
	int			L = 2 * H;
	size_t		w_off = 0;
	size_t		b_off;

	if (config_check(cfg, true, err) != AE_OK)
		return NULL;
	net = ae_alloc0(sizeof(AeNet));
	if (!net)
	{
		ae_fail(err, AE_ENOMEM, "out of memory creating network");
		return NULL;
	}
	net->cfg = *cfg;
	for (int i = H; i < AE_MAX_LAYERS; i++)
		net->cfg.hidden[i] = 0;
	if (cfg->conv.n_blocks > 0)
		return create_conv(net, err);
	net->n_layers = L;
	net->n_enc = H;
	config_param_count(cfg, &net->n_params, &net->n_weights);
	b_off = net->n_weights;
	net->max_width = 0;
	for (int i = 0; i <= H; i++)
		if (level_width(cfg, i) > net->max_width)
			net->max_width = level_width(cfg, i);

	for (int l = 0; l < L; l++)
	{
		AeLayer    *ly = &net->layers[l];

		if (l < H)
		{
			ly->n_in = level_width(cfg, l);
			ly->n_out = level_width(cfg, l + 1);
		}
		else
		{
			int			j = L - l;

			ly->n_in = level_width(cfg, j);
			ly->n_out = level_width(cfg, j - 1);
		}
		ly->act = (l == L - 1) ? cfg->output_activation : cfg->activation;
		if (cfg->variational && l == H - 1)
			ly->act = AE_ACT_LINEAR;	/* mu */
		if (l >= H && cfg->tied_weights)
		{
			const AeLayer *twin = &net->layers[L - 1 - l];

			ly->owns_weights = false;
			ly->transposed = true;
			ly->w_off = twin->w_off;
		}
		else
		{
			ly->owns_weights = true;
			ly->transposed = false;
			ly->w_off = w_off;
			w_off += (size_t) ly->n_in * (size_t) ly->n_out;
		}
		ly->b_off = b_off;
		b_off += (size_t) ly->n_out;
	}
	memset(&net->head, 0, sizeof(net->head));
	if (cfg->variational)
	{
		net->head = net->layers[H - 1];
		net->head.owns_weights = true;
		net->head.transposed = false;
		net->head.w_off = w_off;
		net->head.b_off = b_off;
	}

	return net_alloc_buffers(net, err);
}

/* Free a network; NULL is ignored. */
void
ae_net_free(AeNet *net)
{
	if (!net)
		return;
	ae_free(net->params);
	ae_free(net->row_a);
	ae_free(net->row_b);
	ae_free(net->row_col);
	ae_free(net->row_idx);
	ae_free(net);
}

/* He uniform for the relu family, Glorot uniform otherwise; zero biases. */
void
ae_net_init_weights(AeNet *net, uint64_t seed)
{
	AeRng		rng;

	ae_rng_seed(&rng, seed ^ 0x5EEDC0DE1A7E5ull);
	memset(net->params, 0, net->n_params * sizeof(ae_real));
	for (int l = 0; l <= net->n_layers; l++)
	{
		const AeLayer *ly = l < net->n_layers ? &net->layers[l] : &net->head;
		size_t		n = ae_layer_weight_count(ly);
		ae_real    *w = net->params + ly->w_off;
		double		fan_in = ly->n_in,
					fan_out = ly->n_out;
		double		limit;

		if (!ly->owns_weights)
			continue;
		if (ly->kind == AE_LAYER_CONV)
		{
			fan_in = (double) ly->k * ly->k * ly->c_in;
			fan_out = (double) ly->k * ly->k * ly->c_out;
		}
		if (ly->act == AE_ACT_RELU || ly->act == AE_ACT_ELU ||
			ly->act == AE_ACT_LEAKY_RELU)
			limit = sqrt(6.0 / fan_in);
		else
			limit = sqrt(6.0 / (fan_in + fan_out));
		for (size_t i = 0; i < n; i++)
			w[i] = (ae_real) ((2.0 * ae_rng_uniform(&rng) - 1.0) * limit);
	}
}

/* ---------- activations ---------- */

/* ae_act_forward and ae_act_backward are in ae_kernels.c (SIMD). */

/* ---------- batch forward / backward ---------- */

/* y = x W^T + b for n rows of a layer (no activation). */
void
ae_layer_affine(const AeNet *net, const AeLayer *ly, const ae_real *x, int n,
				ae_real *y)
{
	const ae_real *W = net->params + ly->w_off;
	const ae_real *b = net->params + ly->b_off;
	int			m = ly->n_out;

	if (!ly->transposed)
		AE_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, n, m, ly->n_in,
				1, x, ly->n_in, W, ly->n_in, 0, y, m);
	else
		AE_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, m, ly->n_in,
				1, x, ly->n_in, W, m, 0, y, m);
	ae_k_add_bias(y, b, n, m);
}

/* Allocate a workspace for up to rows rows. */
AeStatus
ae_work_init(AeBatchWork *w, const AeNet *net, int rows, AeError *err)
{
	size_t		mw = (size_t) net->max_width;
	int			L = net->n_layers;

	memset(w, 0, sizeof(*w));
	w->rows = rows;
	w->n_layers = L;
	for (int l = 0; l < L; l++)
	{
		w->out[l + 1] = ae_alloc_array((size_t) rows * net->layers[l].n_out,
									   sizeof(ae_real));
		w->act[l + 1] = w->out[l + 1];
		if (!w->out[l + 1])
			goto oom;
	}
	w->zout = ae_alloc_array((size_t) rows * net->layers[L - 1].n_out,
							 sizeof(ae_real));
	w->delta_a = ae_alloc_array((size_t) rows * mw, sizeof(ae_real));
	w->delta_b = ae_alloc_array((size_t) rows * mw, sizeof(ae_real));
	w->dcode = ae_alloc_array((size_t) rows * net->layers[net->n_enc - 1].n_out,
							  sizeof(ae_real));
	if (!w->zout || !w->delta_a || !w->delta_b || !w->dcode)
		goto oom;
	if (net->col_per_row > 0)
	{
		/* whole batch if small, else AE_CONV_COL_CAP, at least one image */
		w->col_floats = net->col_per_row * (size_t) rows;
		if (w->col_floats > AE_CONV_COL_CAP)
			w->col_floats = AE_CONV_COL_CAP > net->col_per_row ?
				AE_CONV_COL_CAP : net->col_per_row;
		w->col = ae_alloc_array(w->col_floats, sizeof(ae_real));
		w->dcol = ae_alloc_array(w->col_floats, sizeof(ae_real));
		if (!w->col || !w->dcol)
			goto oom;
	}
	for (int l = 0; l < L; l++)
		if (net->layers[l].kind == AE_LAYER_POOL &&
			!(w->argmax[l] = ae_alloc_array((size_t) rows * net->layers[l].n_out,
											sizeof(int32_t))))
			goto oom;
	if (net->cfg.variational)
	{
		size_t		k = (size_t) net->head.n_out;

		w->logvar = ae_alloc_array((size_t) rows * k, sizeof(ae_real));
		w->z = ae_alloc_array((size_t) rows * k, sizeof(ae_real));
		w->dlogvar = ae_alloc_array((size_t) rows * k, sizeof(ae_real));
		if (!w->logvar || !w->z || !w->dlogvar)
			goto oom;
	}
	return AE_OK;

oom:
	ae_work_free(w);
	return ae_fail(err, AE_ENOMEM, "out of memory for a %d-row workspace", rows);
}

/* Free a workspace's buffers. */
void
ae_work_free(AeBatchWork *w)
{
	for (int l = 0; l <= AE_NN_MAX_NET_LAYERS; l++)
	{
		ae_free(w->out[l]);
		w->out[l] = NULL;
		w->act[l] = NULL;
	}
	ae_free(w->zout);
	ae_free(w->delta_a);
	ae_free(w->delta_b);
	ae_free(w->dcode);
	ae_free(w->logvar);
	ae_free(w->z);
	ae_free(w->dlogvar);
	ae_free(w->col);
	ae_free(w->dcol);
	for (int l = 0; l < AE_NN_MAX_NET_LAYERS; l++)
	{
		ae_free(w->argmax[l]);
		w->argmax[l] = NULL;
	}
	w->col = w->dcol = NULL;
	w->zout = w->delta_a = w->delta_b = w->dcode = NULL;
	w->logvar = w->z = w->dlogvar = NULL;
}

/* Forward layers first..last of n rows; x is the input of layer first. */
void
ae_nn_forward_range(const AeNet *net, AeBatchWork *w, const ae_real *x, int n,
					int first, int last)
{
	int			L = net->n_layers;

	w->act[first] = x;
	for (int l = first; l <= last; l++)
	{
		const AeLayer *ly = &net->layers[l];
		ae_real    *y = w->out[l + 1];
		size_t		cnt = (size_t) n * ly->n_out;

		if (ly->kind == AE_LAYER_DENSE)
			ae_layer_affine(net, ly, w->act[l], n, y);
		else
			ae_conv_layer_forward(net, ly, w->act[l], n, y, w->col,
								  w->col_floats, w->argmax[l]);
		if (l == L - 1)
			memcpy(w->zout, y, cnt * sizeof(ae_real));
		ae_act_forward(ly->act, y, cnt);
		w->act[l + 1] = y;
	}
}

/* Full forward pass of n rows. */
void
ae_nn_forward(const AeNet *net, AeBatchWork *w, const ae_real *x, int n)
{
	ae_nn_forward_range(net, w, x, n, 0, net->n_layers - 1);
}

/*
 * Back-propagate layers hi down to lo; D is d/d(pre-activation) of layer hi
 * and must be w->delta_a or delta_b.  dcode (or NULL) is added at the code
 * level H when lo < H.  Returns d/d(act[lo]) before the activation
 * derivative of layer lo-1, or NULL when lo is 0.
 */
static ae_real *
backward_layers(const AeNet *net, AeBatchWork *w, int n, ae_real *D,
				int hi, int lo, const ae_real *dcode, ae_real *grad)
{
	ae_real    *other = (D == w->delta_a) ? w->delta_b : w->delta_a;

	for (int l = hi; l >= lo; l--)
	{
		const AeLayer *ly = &net->layers[l];
		const ae_real *X = w->act[l];
		const ae_real *W = net->params + ly->w_off;
		ae_real    *gW = grad + ly->w_off;
		ae_real    *gb = grad + ly->b_off;
		int			m = ly->n_out;
		int			k = ly->n_in;
		/* a tied matrix gets its decoder part first, then the encoder's */
		ae_real		beta = (net->cfg.tied_weights && ly->owns_weights) ? 1 : 0;

		if (ly->kind != AE_LAYER_DENSE)
		{
			ae_conv_layer_backward(net, ly, X, D, n, grad, l == 0 ? NULL : other,
								   w->col, w->dcol, w->col_floats, w->argmax[l]);
			if (l == 0)
				return NULL;
			goto next;
		}
		if (!ly->transposed)
			AE_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, m, k, n,
					1, D, m, X, k, beta, gW, k);
		else
			AE_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, k, m, n,
					1, X, k, D, m, beta, gW, m);

		ae_k_col_sums(D, n, m, gb);

		if (l == 0)
			return NULL;
		if (!ly->transposed)
			AE_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, m,
					1, D, m, W, k, 0, other, k);
		else
			AE_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, n, k, m,
					1, D, m, W, m, 0, other, k);
next:
		if (l == lo)
			return other;
		/* other is now d/d(act[l]); penalties act on the code, level H */
		if (dcode && l == net->n_enc)
			for (size_t i = 0; i < (size_t) n * k; i++)
				other[i] += dcode[i];
		ae_act_backward(net->layers[l - 1].act, w->act[l], other,
						(size_t) n * k);
		{
			ae_real    *tmp = D;

			D = other;
			other = tmp;
		}
	}
	return D;
}

/* Back-propagate after ae_nn_forward; dz must be w->delta_a or delta_b. */
void
ae_nn_backward(const AeNet *net, AeBatchWork *w, int n, ae_real *dz,
			   const ae_real *dcode, ae_real *grad)
{
	backward_layers(net, w, n, dz, net->n_layers - 1, 0, dcode, grad);
}

/* Back-propagate layers hi .. lo (see ae_nn_int.h). */
ae_real *
ae_nn_backward_range(const AeNet *net, AeBatchWork *w, int n, ae_real *D,
					 int hi, int lo, ae_real *grad)
{
	return backward_layers(net, w, n, D, hi, lo, NULL, grad);
}

/* ---------- inference ---------- */

/* Dense or convolutional: what per-row scoring kernels may assume. */
AeNetKind
ae_net_kind(const AeNet *net)
{
	return net->cfg.conv.n_blocks > 0 ? AE_NET_CONV : AE_NET_DENSE;
}

/* Number of inputs (features). */
int
ae_net_n_inputs(const AeNet *net)
{
	return net->cfg.n_inputs;
}

/* Width of the code layer. */
int
ae_net_code_size(const AeNet *net)
{
	return net->layers[net->n_enc - 1].n_out;
}

/* Copy out the architecture. */
void
ae_net_get_config(const AeNet *net, AeNetConfig *cfg)
{
	*cfg = net->cfg;
}

/* Run layers first..last on one row held in net->row_a; result in *res. */
static ae_real *
row_forward(AeNet *net, int first, int last)
{
	ae_real    *x = net->row_a;
	ae_real    *y = net->row_b;

	for (int l = first; l <= last; l++)
	{
		ae_real    *t;
		const AeLayer *ly = &net->layers[l];

		if (ly->kind == AE_LAYER_DENSE)
			ae_layer_affine(net, ly, x, 1, y);
		else
			ae_conv_layer_forward(net, ly, x, 1, y, net->row_col,
								  net->col_per_row, net->row_idx);
		ae_act_forward(net->layers[l].act, y, (size_t) net->layers[l].n_out);
		t = x;
		x = y;
		y = t;
	}
	return x;
}

/* Encode one scaled row (n_inputs floats) into code (code_size floats). */
void
ae_net_encode(AeNet *net, const float *x, float *code)
{
	int			d = net->cfg.n_inputs;
	int			k = ae_net_code_size(net);
	ae_real    *r;

	for (int i = 0; i < d; i++)
		net->row_a[i] = (ae_real) x[i];
	r = row_forward(net, 0, net->n_enc - 1);
	for (int i = 0; i < k; i++)
		code[i] = (float) r[i];
}

/* Decode one code into a scaled reconstruction (n_inputs floats). */
void
ae_net_decode(AeNet *net, const float *code, float *out)
{
	int			d = net->cfg.n_inputs;
	int			k = ae_net_code_size(net);
	ae_real    *r;

	for (int i = 0; i < k; i++)
		net->row_a[i] = (ae_real) code[i];
	r = row_forward(net, net->n_enc, net->n_layers - 1);
	for (int i = 0; i < d; i++)
		out[i] = (float) r[i];
}

/* Reconstruct n rows (and optionally their codes), in chunks. */
AeStatus
ae_net_forward_batch(AeNet *net, const float *x, int64_t n, float *code,
					 float *out, AeError *err)
{
	AeBatchWork w;
	int			d = net->cfg.n_inputs;
	int			k = ae_net_code_size(net);
	int			H = net->n_enc;
	int			chunk;
	AeStatus	st;

#ifdef AE_NN_DOUBLE
	ae_real    *xin;
#endif

	if (n < 0)
		return ae_fail(err, AE_EINVAL, "negative row count");
	if (n == 0)
		return AE_OK;
	chunk = n < AE_FORWARD_CHUNK ? (int) n : AE_FORWARD_CHUNK;
	st = ae_work_init(&w, net, chunk, err);
	if (st != AE_OK)
		return st;
#ifdef AE_NN_DOUBLE
	xin = ae_alloc_array((size_t) chunk * d, sizeof(ae_real));
	if (!xin)
	{
		ae_work_free(&w);
		return ae_fail(err, AE_ENOMEM, "out of memory");
	}
#endif
	for (int64_t r0 = 0; r0 < n; r0 += chunk)
	{
		int			m = (n - r0 < chunk) ? (int) (n - r0) : chunk;
		const float *xr = x + (size_t) r0 * d;
		const ae_real *in;

#ifdef AE_NN_DOUBLE
		for (size_t i = 0; i < (size_t) m * d; i++)
			xin[i] = xr[i];
		in = xin;
#else
		in = xr;
#endif
		ae_nn_forward(net, &w, in, m);
		if (code)
		{
			const ae_real *c = w.act[H];

			for (size_t i = 0; i < (size_t) m * k; i++)
				code[(size_t) r0 * k + i] = (float) c[i];
		}
		if (out)
		{
			const ae_real *o = w.act[net->n_layers];

			for (size_t i = 0; i < (size_t) m * d; i++)
				out[(size_t) r0 * d + i] = (float) o[i];
		}
	}
#ifdef AE_NN_DOUBLE
	ae_free(xin);
#endif
	ae_work_free(&w);
	return AE_OK;
}

/* ---------- introspection ---------- */

/* Stored floats: weights (shared once when tied) plus all biases. */
int64_t
ae_net_parameter_count(const AeNet *net)
{
	return (int64_t) net->n_params;
}

/* Encoder plus decoder layers. */
int
ae_net_layer_count(const AeNet *net)
{
	return net->n_layers;
}

/* The layer numbered layer: AE_NET_LOGVAR_HEAD, or 0 .. n_layers-1; NULL if none. */
static const AeLayer *
layer_at(const AeNet *net, int layer)
{
	if (layer == AE_NET_LOGVAR_HEAD)
		return net->cfg.variational ? &net->head : NULL;
	if (layer < 0 || layer >= net->n_layers)
		return NULL;
	return &net->layers[layer];
}

/*
 * Input and output width of a layer (0 and 0 if out of range); layer
 * AE_NET_LOGVAR_HEAD is a variational network's log-variance head.
 */
void
ae_net_layer_shape(const AeNet *net, int layer, int *n_in, int *n_out)
{
	const AeLayer *ly = layer_at(net, layer);

	*n_in = ly ? ly->n_in : 0;
	*n_out = ly ? ly->n_out : 0;
}

/* Units of a layer: outputs of a dense layer, filters of a convolution. */
int
ae_net_unit_count(const AeNet *net, int layer)
{
	const AeLayer *ly = layer_at(net, layer);

	if (!ly)
		return 0;
	switch (ly->kind)
	{
		case AE_LAYER_DENSE:
			return ly->n_out;
		case AE_LAYER_CONV:
			return ly->c_out;
		default:
			return 0;
	}
}

/* Incoming weights of one unit: n_in, or kernel x kernel x channels. */
int
ae_net_unit_weight_count(const AeNet *net, int layer)
{
	const AeLayer *ly = layer_at(net, layer);

	if (!ly)
		return 0;
	switch (ly->kind)
	{
		case AE_LAYER_DENSE:
			return ly->n_in;
		case AE_LAYER_CONV:
			return ly->k * ly->k * ly->c_in;
		default:
			return 0;
	}
}

/* Kind and shape of a layer (see ae_nn.h); kind NULL if out of range. */
void
ae_net_layer_info(const AeNet *net, int layer, AeLayerInfo *info)
{
	static const char *const kinds[] = {"dense", "conv", "maxpool", "upsample"};
	const AeLayer *ly = layer_at(net, layer);

	memset(info, 0, sizeof(*info));
	if (!ly)
		return;
	info->kind = kinds[ly->kind];
	info->height = ly->h;
	info->width = ly->w;
	info->channels_in = ly->c_in;
	info->channels_out = ly->c_out;
	info->size = ly->k;
	info->activation = ly->act;
	info->parameters = ly->owns_weights ?
		(int64_t) (ae_layer_weight_count(ly) + ae_layer_bias_count(ly)) :
		(int64_t) ae_layer_bias_count(ly);
}

/* Encoder layers: the code is the last one's output. */
int
ae_net_encoder_layers(const AeNet *net)
{
	return net->n_enc;
}

/* Incoming weights (n_in) and bias of one unit; zeros if out of range. */
void
ae_net_unit_weights(const AeNet *net, int layer, int unit, float *weights,
					float *bias)
{
	const AeLayer *ly = layer_at(net, layer);
	const ae_real *W;

	if (!ly)
	{
		if (bias)
			*bias = 0;
		return;
	}
	if (unit < 0 || unit >= ae_net_unit_count(net, layer))
	{
		if (weights)
			memset(weights, 0, (size_t) ae_net_unit_weight_count(net, layer) * sizeof(float));
		if (bias)
			*bias = 0;
		return;
	}
	W = net->params + ly->w_off;
	if (ly->kind == AE_LAYER_CONV)
	{
		int			per = ae_net_unit_weight_count(net, layer);

		if (weights)
			for (int i = 0; i < per; i++)
				weights[i] = (float) W[(size_t) unit * per + i];
		if (bias)
			*bias = (float) net->params[ly->b_off + unit];
		return;
	}
	if (weights)
	{
		for (int i = 0; i < ly->n_in; i++)
			weights[i] = (float) (ly->transposed ?
								  W[(size_t) i * ly->n_out + unit] :
								  W[(size_t) unit * ly->n_in + i]);
	}
	if (bias)
		*bias = (float) net->params[ly->b_off + unit];
}

/* ---------- serialisation ---------- */

/* Append the NNET payload. */
void
ae_net_write(const AeNet *net, AeWriter *w)
{
	const AeNetConfig *cfg = &net->cfg;

	ae_write_u32(w, cfg->variational ? 2 : 1);
	ae_write_u32(w, (uint32_t) cfg->n_inputs);
	ae_write_u32(w, (uint32_t) cfg->n_hidden);
	for (int i = 0; i < cfg->n_hidden; i++)
		ae_write_u32(w, (uint32_t) cfg->hidden[i]);
	ae_write_u32(w, (uint32_t) cfg->activation);
	ae_write_u32(w, (uint32_t) cfg->output_activation);
	ae_write_u32(w, (cfg->tied_weights ? AE_NNET_FLAG_TIED : 0) |
				 (cfg->variational ? AE_NNET_FLAG_VARIATIONAL : 0));
	ae_write_u64(w, (uint64_t) net->n_params);
#ifdef AE_NN_DOUBLE
	for (size_t i = 0; i < net->n_params; i++)
	{
		float		f = (float) net->params[i];

		ae_write_f32s(w, &f, 1);
	}
#else
	ae_write_f32s(w, net->params, net->n_params);
#endif
}

/* Parse and validate an NNET payload that must fill the whole reader. */
AeNet *
ae_net_read(AeReader *r, int n_features, AeError *err)
{
	return ae_net_read_conv(r, n_features, NULL, err);
}

/* The same, for a network with the convolutional blocks conv (or NULL). */
AeNet *
ae_net_read_conv(AeReader *r, int n_features, const AeConvConfig *conv,
				 AeError *err)
{
	AeNetConfig cfg;
	uint32_t	version;
	uint32_t	u;
	uint32_t	flags;
	uint64_t	stored;
	size_t		np,
				nw,
				bytes;
	AeNet	   *net;
	AeError		sub;

	memset(&cfg, 0, sizeof(cfg));
	if (conv)
		cfg.conv = *conv;
	version = ae_read_u32(r);
	if (r->failed)
		goto truncated;
	if (version == 0)
		goto corrupt;
	if (version > AE_NNET_VERSION)
	{
		ae_fail(err, AE_EVERSION,
				"network section version %u is newer than supported (%d)",
				version, AE_NNET_VERSION);
		return NULL;
	}
	u = ae_read_u32(r);
	if (r->failed)
		goto truncated;
	if (u < 1 || u > AE_MAX_UNITS || (int64_t) u != (int64_t) n_features)
	{
		ae_fail(err, AE_ECORRUPT,
				"network has %u inputs but the model has %d features",
				u, n_features);
		return NULL;
	}
	cfg.n_inputs = (int) u;
	u = ae_read_u32(r);
	if (r->failed)
		goto truncated;
	if ((u < 1 && !conv) || u > AE_MAX_LAYERS)
	{
		ae_fail(err, AE_ECORRUPT, "invalid number of hidden layers %u", u);
		return NULL;
	}
	cfg.n_hidden = (int) u;
	for (int i = 0; i < cfg.n_hidden; i++)
	{
		u = ae_read_u32(r);
		if (r->failed)
			goto truncated;
		if (u < 1 || u > AE_MAX_UNITS)
		{
			ae_fail(err, AE_ECORRUPT, "invalid width %u of hidden layer %d",
					u, i + 1);
			return NULL;
		}
		cfg.hidden[i] = (int) u;
	}
	u = ae_read_u32(r);
	if (u > (uint32_t) AE_ACT_LEAKY_RELU)
		goto corrupt;
	cfg.activation = (AeActivation) u;
	u = ae_read_u32(r);
	if (u > (uint32_t) AE_ACT_LEAKY_RELU)
		goto corrupt;
	cfg.output_activation = (AeActivation) u;
	flags = ae_read_u32(r);
	if (flags & ~AE_NNET_KNOWN_FLAGS)
		goto corrupt;
	cfg.tied_weights = (flags & AE_NNET_FLAG_TIED) != 0;
	cfg.variational = (flags & AE_NNET_FLAG_VARIATIONAL) != 0;
	/* canonical: version 2 exactly when variational */
	if (cfg.variational != (version == 2))
		goto corrupt;
	stored = ae_read_u64(r);
	if (r->failed)
		goto truncated;
	if (ae_net_config_validate(&cfg, &sub) != AE_OK)
	{
		ae_fail(err, AE_ECORRUPT, "invalid network: %s", sub.msg);
		return NULL;
	}
	/* sizes come from the checked config; compare before allocating */
	if (!config_param_count(&cfg, &np, &nw) || stored != (uint64_t) np ||
		!ae_size_mul(np, sizeof(float), &bytes))
		goto corrupt;
	if (ae_reader_remaining(r) != bytes)
	{
		ae_fail(err, AE_ECORRUPT,
				"network payload has %zu bytes of weights, expected %zu",
				ae_reader_remaining(r), bytes);
		return NULL;
	}
	net = ae_net_create(&cfg, err);
	if (!net)
		return NULL;
#ifdef AE_NN_DOUBLE
	for (size_t i = 0; i < np; i++)
	{
		float		f;

		ae_read_f32s(r, &f, 1);
		net->params[i] = f;
	}
#else
	ae_read_f32s(r, net->params, np);
#endif
	if (r->failed)
	{
		ae_net_free(net);
		goto truncated;
	}
	for (size_t i = 0; i < np; i++)
	{
		if (!isfinite(net->params[i]))
		{
			ae_net_free(net);
			ae_fail(err, AE_ECORRUPT, "network parameter %zu is not finite", i);
			return NULL;
		}
	}
	return net;

truncated:
	ae_fail(err, AE_ECORRUPT, "network section is truncated");
	return NULL;
corrupt:
	ae_fail(err, AE_ECORRUPT, "network section is corrupt");
	return NULL;
}
