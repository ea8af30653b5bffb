/*-------------------------------------------------------------------------
 *
 * test_conv.c
 *	  Unit tests of the convolutional layers (ae_conv.c): forward passes
 *	  against direct loops, finite-difference gradients of each image layer
 *	  and of whole networks (odd sizes, several channels, a kernel larger
 *	  than its image, 1x1 kernels, pooling by 3), im2col chunking, option
 *	  checks, the CONV section, training and the memory estimate.
 *
 * Built twice like test_nn: the gradient checks run in the double build
 * (test_conv_double) with central differences, h = 1e-5: the worst
 * relative error measured is 5.7e-6 (leaky relu next to its kink;
 * AE_TEST_VERBOSE=1 prints them all), a wrong gradient (col2im one pixel
 * off, planted) gives 1; the tolerance is 1e-4.  Random inputs make ties in max pooling (where the gradient is
 * undefined) have probability zero.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ae_model.h"
#include "ae_nn_int.h"
#include "ae_test.h"

#ifdef AE_NN_DOUBLE
#define SUITE "conv_double"
#else
#define SUITE "conv"
#endif

static AeRng test_rng;

static double
urand(void)
{
	return ae_rng_uniform(&test_rng);
}

/* 9x6x3 images; blocks 4 filters 3x3 pool 3, then 2 filters 5x5 on 3x2. */
static void
config_odd(AeNetConfig *nc)
{
	ae_net_config_defaults(nc);
	nc->n_inputs = 9 * 6 * 3;
	nc->n_hidden = 0;
	nc->activation = AE_ACT_TANH;
	nc->output_activation = AE_ACT_LINEAR;
	nc->conv = (AeConvConfig) {2, 9, 6, 3, {4, 2}, {3, 5}, {3, 1}};
}

/* 4x4x2 images; 3 filters 1x1 pool 2, a dense code of 2, sigmoid output. */
static void
config_dense_code(AeNetConfig *nc)
{
	ae_net_config_defaults(nc);
	nc->n_inputs = 4 * 4 * 2;
	nc->n_hidden = 2;
	nc->hidden[0] = 5;
	nc->hidden[1] = 2;
	nc->activation = AE_ACT_ELU;
	nc->output_activation = AE_ACT_SIGMOID;
	nc->conv = (AeConvConfig) {1, 4, 4, 2, {3}, {1}, {2}};
}

static AeNet *
random_net(const AeNetConfig *nc, uint64_t seed)
{
	AeError		err;
	AeNet	   *net = ae_net_create(nc, &err);

	AE_CHECK(net != NULL, "create: %s", err.msg);
	if (!net)
		return NULL;
	ae_net_init_weights(net, seed);
	for (size_t i = net->n_weights; i < net->n_params; i++)
		net->params[i] = (ae_real) (0.2 * (urand() - 0.5));
	return net;
}

/* ---------- forward against direct loops ---------- */

/* Direct 'same' convolution of one image. */
static double
direct_conv(const AeNet *net, const AeLayer *ly, const ae_real *x, int y,
			int xx, int f)
{
	const ae_real *W = net->params + ly->w_off;
	int			k = ly->k,
				pad = ly->k / 2;
	double		s = net->params[ly->b_off + f];

	for (int ky = 0; ky < k; ky++)
		for (int kx = 0; kx < k; kx++)
			for (int c = 0; c < ly->c_in; c++)
			{
				int			iy = y + ky - pad,
							ix = xx + kx - pad;

				if (iy < 0 || iy >= ly->h || ix < 0 || ix >= ly->w)
					continue;
				s += W[((size_t) f * k * k + ky * k + kx) * ly->c_in + c] *
					x[((size_t) iy * ly->w + ix) * ly->c_in + c];
			}
	return s;
}

static void
test_forward_direct(void)
{
	AeNetConfig nc;
	AeNet	   *net;
	AeBatchWork w;
	AeError		err;
	int			n = 3;
	ae_real    *x;
	double		worst = 0;

	ae_rng_seed(&test_rng, 7);
	config_odd(&nc);
	net = random_net(&nc, 3);
	if (!net)
		return;
	x = malloc(sizeof(ae_real) * n * nc.n_inputs);
	for (int i = 0; i < n * nc.n_inputs; i++)
		x[i] = (ae_real) (2 * urand() - 1);
	AE_CHECK(ae_work_init(&w, net, n, &err) == AE_OK, "%s", err.msg);
	ae_nn_forward(net, &w, x, n);
	for (int l = 0; l < net->n_layers; l++)
	{
		const AeLayer *ly = &net->layers[l];

		for (int i = 0; i < n; i++)
		{
			const ae_real *in = w.act[l] + (size_t) i * ly->n_in;
			const ae_real *out = w.act[l + 1] + (size_t) i * ly->n_out;

			if (ly->kind == AE_LAYER_CONV)
			{
				for (int y = 0; y < ly->h; y++)
					for (int xx = 0; xx < ly->w; xx++)
						for (int f = 0; f < ly->c_out; f++)
						{
							double		z = direct_conv(net, ly, in, y, xx, f);
							ae_real		a = (ae_real) z;

							ae_act_forward(ly->act, &a, 1);
							worst = fmax(worst, fabs(a - out[((size_t) y * ly->w + xx) * ly->c_out + f]));
						}
			}
			else if (ly->kind == AE_LAYER_POOL)
			{
				int			p = ly->k;

				for (int y = 0; y < ly->h / p; y++)
					for (int xx = 0; xx < ly->w / p; xx++)
						for (int c = 0; c < ly->c_in; c++)
						{
							double		m = -INFINITY;

							for (int a = 0; a < p; a++)
								for (int b = 0; b < p; b++)
									m = fmax(m, in[((size_t) (y * p + a) * ly->w + xx * p + b) * ly->c_in + c]);
							worst = fmax(worst, fabs(m - out[((size_t) y * (ly->w / p) + xx) * ly->c_in + c]));
						}
			}
			else if (ly->kind == AE_LAYER_UPSAMPLE)
			{
				int			p = ly->k;

				for (int y = 0; y < ly->h * p; y++)
					for (int xx = 0; xx < ly->w * p; xx++)
						for (int c = 0; c < ly->c_in; c++)
							worst = fmax(worst, fabs(in[((size_t) (y / p) * ly->w + xx / p) * ly->c_in + c] -
													 out[((size_t) y * ly->w * p + xx) * ly->c_in + c]));
			}
		}
	}
	AE_CHECK(worst < 1e-5, "forward differs from direct loops by %g", worst);
	AE_CHECK(net->n_layers == 7 && net->n_enc == 3,
			 "layers %d, encoder %d (expected conv pool conv | conv conv up conv)",
			 net->n_layers, net->n_enc);
	AE_CHECK(ae_net_code_size(net) == 3 * 2 * 2, "code size %d", ae_net_code_size(net));
	AE_CHECK(ae_net_kind(net) == AE_NET_CONV, "kind");
	free(x);
	ae_work_free(&w);
	ae_net_free(net);
}

/* One-row inference (its own scratch) agrees with the batch pass. */
static void
check_row_matches_batch(const AeNetConfig *nc)
{
	AeNet	   *net;
	AeError		err;
	int			n = 4,
				d = nc->n_inputs,
				k;
	float	   *x,
			   *out,
			   *code,
			   *row_out,
			   *row_code;
	double		worst = 0;

	net = random_net(nc, 5);
	if (!net)
		return;
	k = ae_net_code_size(net);
	x = malloc(sizeof(float) * n * d);
	out = malloc(sizeof(float) * n * d);
	code = malloc(sizeof(float) * n * k);
	row_out = malloc(sizeof(float) * d);
	row_code = malloc(sizeof(float) * k);
	for (int i = 0; i < n * d; i++)
		x[i] = (float) urand();
	AE_CHECK(ae_net_forward_batch(net, x, n, code, out, &err) == AE_OK, "%s", err.msg);
	for (int i = 0; i < n; i++)
	{
		ae_net_encode(net, x + (size_t) i * d, row_code);
		ae_net_decode(net, row_code, row_out);
		for (int j = 0; j < k; j++)
			worst = fmax(worst, fabs(row_code[j] - code[i * k + j]));
		for (int j = 0; j < d; j++)
			worst = fmax(worst, fabs(row_out[j] - out[(size_t) i * d + j]));
	}
	AE_CHECK(worst < 1e-5, "one-row and batch passes differ by %g", worst);
	free(x);
	free(out);
	free(code);
	free(row_out);
	free(row_code);
	ae_net_free(net);
}

static void
test_row_matches_batch(void)
{
	AeNetConfig nc;

	ae_rng_seed(&test_rng, 8);
	config_odd(&nc);
	check_row_matches_batch(&nc);
	config_dense_code(&nc);
	check_row_matches_batch(&nc);
}

/* ---------- gradients ---------- */

#ifdef AE_NN_DOUBLE

#define GC_H 1e-5
#define GC_TOL 1e-4

static double
rel_err(double a, double b)
{
	return fabs(a - b) / fmax(fabs(a) + fabs(b), 1e-6);
}

/*
 * Each image layer alone: f = sum(G * layer(x)) for a random G; compare
 * the input gradient and (convolutions) the filter and bias gradients.
 */
static void
check_layers(const AeNetConfig *nc, const char *what)
{
	AeNet	   *net = random_net(nc, 9);
	AeBatchWork w;
	AeError		err;
	int			n = 3;

	if (!net)
		return;
	AE_CHECK(ae_work_init(&w, net, n, &err) == AE_OK, "%s", err.msg);
	for (int l = 0; l < net->n_layers; l++)
	{
		const AeLayer *ly = &net->layers[l];
		size_t		nin = (size_t) n * ly->n_in,
					nout = (size_t) n * ly->n_out;
		ae_real    *x = malloc(sizeof(ae_real) * nin);
		ae_real    *y = malloc(sizeof(ae_real) * nout);
		ae_real    *G = malloc(sizeof(ae_real) * nout);
		ae_real    *dx = malloc(sizeof(ae_real) * nin);
		ae_real    *grad = calloc(net->n_params, sizeof(ae_real));
		double		worst = 0,
					gmax = 0;

		if (ly->kind == AE_LAYER_DENSE)
			goto next;
		for (size_t i = 0; i < nin; i++)
			x[i] = (ae_real) (2 * urand() - 1);
		for (size_t i = 0; i < nout; i++)
			G[i] = (ae_real) (2 * urand() - 1);
		ae_conv_layer_forward(net, ly, x, n, y, w.col, w.col_floats, w.argmax[l]);
		ae_conv_layer_backward(net, ly, x, G, n, grad, dx, w.col, w.dcol,
							   w.col_floats, w.argmax[l]);
		/* the first image's inputs (the others share the code path) */
		for (size_t i = 0; i < (size_t) ly->n_in; i++)
		{
			ae_real		v = x[i];
			double		fp = 0,
						fm = 0;

			x[i] = v + GC_H;
			ae_conv_layer_forward(net, ly, x, n, y, w.col, w.col_floats, w.argmax[l]);
			for (size_t j = 0; j < nout; j++)
				fp += G[j] * y[j];
			x[i] = v - GC_H;
			ae_conv_layer_forward(net, ly, x, n, y, w.col, w.col_floats, w.argmax[l]);
			for (size_t j = 0; j < nout; j++)
				fm += G[j] * y[j];
			x[i] = v;
			worst = fmax(worst, rel_err(dx[i], (fp - fm) / (2 * GC_H)));
			gmax = fmax(gmax, fabs(dx[i]));
		}
		if (ly->kind == AE_LAYER_CONV)
		{
			size_t		lo = ly->w_off,
						hi = ly->w_off + ae_layer_weight_count(ly);

			for (size_t pass = 0; pass < 2; pass++)
			{
				for (size_t i = lo; i < hi; i++)
				{
					ae_real		v = net->params[i];
					double		fp = 0,
								fm = 0;

					net->params[i] = v + GC_H;
					ae_conv_layer_forward(net, ly, x, n, y, w.col, w.col_floats, NULL);
					for (size_t j = 0; j < nout; j++)
						fp += G[j] * y[j];
					net->params[i] = v - GC_H;
					ae_conv_layer_forward(net, ly, x, n, y, w.col, w.col_floats, NULL);
					for (size_t j = 0; j < nout; j++)
						fm += G[j] * y[j];
					net->params[i] = v;
					worst = fmax(worst, rel_err(grad[i], (fp - fm) / (2 * GC_H)));
				}
				lo = ly->b_off;
				hi = ly->b_off + ae_layer_bias_count(ly);
			}
		}
		AE_CHECK(worst < GC_TOL, "%s layer %d (kind %d, k %d): relative error %g",
				 what, l, (int) ly->kind, ly->k, worst);
		AE_CHECK(gmax > 1e-3, "%s layer %d: no input gradient", what, l);
		if (getenv("AE_TEST_VERBOSE"))
			printf("  %s layer %d kind %d: worst relative error %.2e\n", what, l,
				   (int) ly->kind, worst);
next:
		free(x);
		free(y);
		free(G);
		free(dx);
		free(grad);
	}
	ae_work_free(&w);
	ae_net_free(net);
}

static void
test_grad_layers(void)
{
	AeNetConfig nc;

	ae_rng_seed(&test_rng, 21);
	config_odd(&nc);
	check_layers(&nc, "odd");
	config_dense_code(&nc);
	check_layers(&nc, "1x1");
}

/* Whole network: loss gradient against central differences. */
static void
check_network(const AeNetConfig *nc, AeLoss loss, double l2, const char *what)
{
	AeNet	   *net = random_net(nc, 13);
	AeBatchWork w;
	AeError		err;
	int			n = 2,
				d = nc->n_inputs,
				L;
	ae_real    *x = malloc(sizeof(ae_real) * n * d);
	ae_real    *grad;
	double		worst = 0;
	double		lmax[AE_NN_MAX_NET_LAYERS] = {0};

	if (!net)
		return;
	L = net->n_layers;
	for (int i = 0; i < n * d; i++)
		x[i] = (ae_real) (loss == AE_LOSS_BCE ? urand() : 2 * urand() - 1);
	AE_CHECK(ae_work_init(&w, net, n, &err) == AE_OK, "%s", err.msg);
	grad = calloc(net->n_params, sizeof(ae_real));
	ae_nn_batch_grad(net, &w, x, x, n, loss, l2, NULL, grad, NULL);
	for (size_t i = 0; i < net->n_params; i++)
	{
		ae_real		v = net->params[i];
		double		f[2];

		for (int s = 0; s < 2; s++)
		{
			net->params[i] = v + (s ? -GC_H : GC_H);
			ae_nn_forward(net, &w, x, n);
			f[s] = ae_loss_eval(loss, net->layers[L - 1].act, w.zout, w.act[L], x,
								(size_t) n * d, NULL);
			for (size_t j = 0; j < net->n_weights; j++)
				f[s] += 0.5 * l2 * net->params[j] * net->params[j];
		}
		net->params[i] = v;
		worst = fmax(worst, rel_err(grad[i], (f[0] - f[1]) / (2 * GC_H)));
		for (int l = 0; l < L; l++)
		{
			const AeLayer *ly = &net->layers[l];

			if ((i >= ly->w_off && i < ly->w_off + ae_layer_weight_count(ly)) ||
				(i >= ly->b_off && i < ly->b_off + ae_layer_bias_count(ly)))
				lmax[l] = fmax(lmax[l], fabs(grad[i]));
		}
	}
	AE_CHECK(worst < GC_TOL, "%s: worst relative error %g", what, worst);
	for (int l = 0; l < L; l++)
		if (net->layers[l].owns_weights)
			AE_CHECK(lmax[l] > 1e-6, "%s: layer %d has no gradient", what, l);
	if (getenv("AE_TEST_VERBOSE"))
		printf("  %s: worst relative error %.2e over %zu parameters\n", what,
			   worst, net->n_params);
	free(grad);
	free(x);
	ae_work_free(&w);
	ae_net_free(net);
}

static void
test_grad_network(void)
{
	AeNetConfig nc;

	ae_rng_seed(&test_rng, 22);
	config_odd(&nc);
	check_network(&nc, AE_LOSS_MSE, 0, "odd/tanh/mse");
	nc.activation = AE_ACT_LEAKY_RELU;
	check_network(&nc, AE_LOSS_MSE, 0.1, "odd/leaky/mse/l2");
	config_dense_code(&nc);
	check_network(&nc, AE_LOSS_BCE, 0, "1x1/dense code/elu/bce");
}
#endif							/* AE_NN_DOUBLE */

/* im2col in chunks of one image gives the batch's gradient. */
static void
test_chunked_col(void)
{
	AeNetConfig nc;
	AeNet	   *net;
	AeBatchWork w;
	AeError		err;
	int			n = 5;
	ae_real    *x,
			   *g1,
			   *g2;
	double		worst = 0;
	size_t		full;

	ae_rng_seed(&test_rng, 31);
	config_odd(&nc);
	net = random_net(&nc, 17);
	if (!net)
		return;
	x = malloc(sizeof(ae_real) * n * nc.n_inputs);
	for (int i = 0; i < n * nc.n_inputs; i++)
		x[i] = (ae_real) (2 * urand() - 1);
	g1 = calloc(net->n_params, sizeof(ae_real));
	g2 = calloc(net->n_params, sizeof(ae_real));
	AE_CHECK(ae_work_init(&w, net, n, &err) == AE_OK, "%s", err.msg);
	full = w.col_floats;
	AE_CHECK(full == net->col_per_row * n, "workspace holds %zu floats", full);
	ae_nn_batch_grad(net, &w, x, x, n, AE_LOSS_MSE, 0, NULL, g1, NULL);
	w.col_floats = net->col_per_row;	/* one image per GEMM */
	ae_nn_batch_grad(net, &w, x, x, n, AE_LOSS_MSE, 0, NULL, g2, NULL);
	w.col_floats = full;
	for (size_t i = 0; i < net->n_params; i++)
		worst = fmax(worst, fabs(g1[i] - g2[i]) / fmax(fabs(g1[i]), 1e-3));
	AE_CHECK(worst < 1e-4, "chunked gradient differs by %g", worst);
	free(x);
	free(g1);
	free(g2);
	ae_work_free(&w);
	ae_net_free(net);
}

/* ---------- options ---------- */

static void
expect_fail(const AeNetConfig *nc, AeStatus status, const char *needle)
{
	AeError		err = {0};
	AeStatus	st = ae_net_config_validate(nc, &err);

	AE_CHECK(st == status, "status %d, expected %d (%s)", (int) st, (int) status, err.msg);
	AE_CHECK(strstr(err.msg, needle) != NULL, "message \"%s\" lacks \"%s\"", err.msg, needle);
}

static void
test_config_checks(void)
{
	AeNetConfig nc;
	AeTrainConfig tc;
	AeError		err;

	config_odd(&nc);
	AE_CHECK(ae_net_config_validate(&nc, &err) == AE_OK, "%s", err.msg);
	nc.n_inputs = 161;
	expect_fail(&nc, AE_EINVAL, "\"input_shape\"");
	config_odd(&nc);
	nc.conv.kernel[1] = 4;
	expect_fail(&nc, AE_EINVAL, "block 2 has kernel 4");
	config_odd(&nc);
	nc.conv.pool[0] = 2;
	expect_fail(&nc, AE_EINVAL, "pool 2, which does not divide its 9x6 input");
	config_odd(&nc);
	nc.conv.filters[0] = 0;
	expect_fail(&nc, AE_EINVAL, "block 1 has 0 filters");
	config_odd(&nc);
	nc.tied_weights = true;
	expect_fail(&nc, AE_EINVAL, "\"tied_weights\"");
	/* 128 filters on a 100x100 image: refused before allocating */
	ae_net_config_defaults(&nc);
	nc.n_hidden = 0;
	nc.n_inputs = 100 * 100;
	nc.conv = (AeConvConfig) {1, 100, 100, 1, {128}, {3}, {4}};
	expect_fail(&nc, AE_ELIMIT, "1280000 values");
	/* the code is bounded like a dense layer */
	ae_net_config_defaults(&nc);
	nc.n_hidden = 0;
	nc.n_inputs = 100 * 100;
	nc.conv = (AeConvConfig) {1, 100, 100, 1, {8}, {3}, {1}};
	expect_fail(&nc, AE_ELIMIT, "80000 values, at most 16000");

	config_odd(&nc);
	ae_train_config_defaults(&tc);
	AE_CHECK(ae_conv_train_check(&nc, &tc, &err) == AE_OK, "%s", err.msg);
	tc.variant.variant = AE_VARIANT_SPARSE;
	AE_CHECK(ae_conv_train_check(&nc, &tc, &err) == AE_EINVAL &&
			 strstr(err.msg, "\"sparse\"") != NULL, "sparse: %s", err.msg);
	tc.variant.variant = AE_VARIANT_DENOISING;
	AE_CHECK(ae_conv_train_check(&nc, &tc, &err) == AE_OK, "%s", err.msg);
	tc.pretrain = AE_PRETRAIN_LAYERWISE;
	AE_CHECK(ae_conv_train_check(&nc, &tc, &err) == AE_EINVAL &&
			 strstr(err.msg, "\"pretrain\"") != NULL, "pretrain: %s", err.msg);
}

/* ---------- format ---------- */

static AeModel *
conv_model(const AeNetConfig *nc)
{
	AeError		err;
	AeModel    *m;
	AeNet	   *net = random_net(nc, 41);

	if (!net)
		return NULL;
	m = ae_model_new(AE_KIND_AUTOENCODER, nc->n_inputs, ae_net_code_size(net), &err);
	AE_CHECK(m != NULL, "%s", err.msg);
	if (!m)
		return NULL;
	for (int j = 0; j < nc->n_inputs; j++)
	{
		m->mean[j] = 0.1 * j;
		m->scale[j] = 1 + 0.01 * j;
	}
	m->net = net;
	AE_CHECK(ae_model_finish(m, &err) == AE_OK, "%s", err.msg);
	return m;
}

static void
test_model_roundtrip(void)
{
	AeNetConfig nc;
	AeModel    *m,
			   *back;
	AeError		err;
	uint8_t    *bytes;
	size_t		len;
	double		x[9 * 6 * 3],
				a[9 * 6 * 3],
				b[9 * 6 * 3];

	ae_rng_seed(&test_rng, 51);
	config_odd(&nc);
	m = conv_model(&nc);
	if (!m)
		return;
	AE_CHECK(ae_model_serialize(m, &bytes, &len, &err) == AE_OK, "%s", err.msg);
	back = ae_model_deserialize(bytes, len, &err);
	AE_CHECK(back != NULL, "read back: %s", err.msg);
	if (back)
	{
		AeNetConfig bc;

		ae_net_get_config(back->net, &bc);
		AE_CHECK(memcmp(&bc.conv, &nc.conv, sizeof(nc.conv)) == 0, "conv blocks differ");
		for (int j = 0; j < nc.n_inputs; j++)
			x[j] = urand();
		ae_model_reconstruct(m, x, a);
		ae_model_reconstruct(back, x, b);
		/* stored as float32: exact in the float build */
		for (int j = 0; j < nc.n_inputs; j++)
#ifdef AE_NN_DOUBLE
			AE_CHECK_CLOSE(a[j], b[j], 1e-5);
#else
			AE_CHECK(a[j] == b[j], "output %d: %g vs %g", j, a[j], b[j]);
#endif
		ae_model_free(back);
	}
	/* every truncation and every single-byte change is refused or read */
	for (size_t cut = 0; cut < len; cut += 7)
	{
		back = ae_model_deserialize(bytes, cut, &err);
		AE_CHECK(back == NULL, "a %zu-byte prefix read as a model", cut);
	}
	/* without the CONV section the weights do not fit any dense network */
	{
		/* CONV is the third section: header 32, META, SCAL */
		size_t		pos = 32;
		uint8_t    *cut;
		size_t		clen;
		uint32_t	slen,
					tag = 0;

		for (int s = 0; s < 3; s++)
		{
			memcpy(&tag, bytes + pos, 4);
			memcpy(&slen, bytes + pos + 8, 4);
			if (s < 2)
				pos += 12 + slen;
		}
		AE_CHECK(tag == AE_SEC_CONV, "third section is %08x", tag);
		clen = len - 12 - slen;
		cut = malloc(len);
		memcpy(cut, bytes, pos);
		memcpy(cut + pos, bytes + pos + 12 + slen, len - pos - 12 - slen);
		{
			uint32_t	nsec,
						total = (uint32_t) clen,
						zero = 0,
						crc;

			memcpy(&nsec, cut + 20, 4);
			nsec--;
			memcpy(cut + 20, &nsec, 4);
			memcpy(cut + 24, &total, 4);
			memcpy(cut + 28, &zero, 4);
			crc = ae_crc32(0, cut, clen);
			memcpy(cut + 28, &crc, 4);
		}
		back = ae_model_deserialize(cut, clen, &err);
		AE_CHECK(back == NULL && err.status == AE_ECORRUPT,
				 "a conv model without its CONV section: %s", back ? "read" : err.msg);
		ae_model_free(back);
		free(cut);
	}
	ae_free(bytes);
	ae_model_free(m);
}

/* ---------- training ---------- */

/* Blurry blobs on 8x8: something a convolution can learn. */
static float *
blob_images(int n, uint64_t seed)
{
	float	   *x = malloc(sizeof(float) * n * 64);

	ae_rng_seed(&test_rng, seed);
	for (int i = 0; i < n; i++)
	{
		double		cy = 1 + 6 * urand(),
					cx = 1 + 6 * urand(),
					r = 1 + 2 * urand();

		for (int y = 0; y < 8; y++)
			for (int xx = 0; xx < 8; xx++)
				x[i * 64 + y * 8 + xx] =
					(float) exp(-((y - cy) * (y - cy) + (xx - cx) * (xx - cx)) / (r * r));
	}
	return x;
}

static AeNet *
train_conv(const AeNetConfig *nc, const AeTrainConfig *tc, const float *x,
		   int n, double *first, double *last)
{
	AeError		err;
	AeTrainer  *t = ae_trainer_create(nc, tc, NULL, NULL, &err);
	AeMatrixSource ms;
	AeDataSource src = ae_matrix_source(&ms, x, n, nc->n_inputs);
	bool		done = false;
	AeNet	   *net;

	AE_CHECK(t != NULL, "trainer: %s", err.msg);
	if (!t)
		return NULL;
	while (!done)
	{
		AeHistoryRow row;

		if (ae_trainer_step(t, &src, &row, &done, &err) != AE_OK)
		{
			AE_CHECK(false, "step: %s", err.msg);
			break;
		}
		if (row.epoch == 1)
			*first = row.loss;
		*last = row.loss;
	}
	net = ae_trainer_take_net(t);
	ae_trainer_free(t);
	return net;
}

static void
test_training(void)
{
	AeNetConfig nc;
	AeTrainConfig tc;
	float	   *x = blob_images(100, 61);
	double		f1,
				l1,
				f2,
				l2;
	AeNet	   *a,
			   *b;

	ae_net_config_defaults(&nc);
	nc.n_inputs = 64;
	nc.n_hidden = 0;
	nc.output_activation = AE_ACT_SIGMOID;
	nc.conv = (AeConvConfig) {2, 8, 8, 1, {8, 4}, {3, 3}, {2, 2}};
	ae_train_config_defaults(&tc);
	tc.epochs = 8;
	tc.batch_size = 25;
	tc.learning_rate = 0.01;
	tc.variant.variant = AE_VARIANT_DENOISING;
	tc.variant.noise = AE_NOISE_MASKING;
	tc.variant.noise_rate = 0.2;
	a = train_conv(&nc, &tc, x, 100, &f1, &l1);
	b = train_conv(&nc, &tc, x, 100, &f2, &l2);
	if (getenv("AE_TEST_VERBOSE"))
		printf("  loss %g -> %g\n", f1, l1);
	/* measured (deterministic): 0.166 -> 0.056, 0.34 of the first epoch's */
	AE_CHECK(l1 < 0.5 * f1, "loss %g -> %g", f1, l1);
	if (a && b)
	{
		AE_CHECK(a->n_params == b->n_params &&
				 memcmp(a->params, b->params, a->n_params * sizeof(ae_real)) == 0,
				 "same seed, different weights");
		AE_CHECK(f1 == f2 && l1 == l2, "same seed, different losses");
	}
	ae_net_free(a);
	ae_net_free(b);
	free(x);
}

/* ---------- memory estimate ---------- */

static void
test_memory_estimate(void)
{
	AeNetConfig nc;
	AeTrainConfig tc;
	float	   *x = blob_images(120, 71);
	double		est,
				f,
				l;
	AeNet	   *net;

	ae_net_config_defaults(&nc);
	nc.n_inputs = 64;
	nc.n_hidden = 1;
	nc.hidden[0] = 6;
	nc.conv = (AeConvConfig) {2, 8, 8, 1, {16, 8}, {5, 3}, {2, 1}};
	ae_train_config_defaults(&tc);
	tc.epochs = 1;
	tc.batch_size = 50;
	tc.patience = 2;
	tc.validation_fraction = 0.2;
	tc.shuffle_buffer_rows = 1000;
	est = ae_trainer_memory_estimate(&nc, &tc, 120);
	ae_test_mem_live = ae_test_mem_peak = 0;
	ae_set_allocator(ae_test_peak_alloc, ae_test_peak_free);
	net = train_conv(&nc, &tc, x, 120, &f, &l);
	ae_net_free(net);
	ae_set_allocator(NULL, NULL);
	AE_CHECK(ae_test_mem_live == 0, "%zu bytes leaked", ae_test_mem_live);
	AE_CHECK(est >= (double) ae_test_mem_peak && est <= 2.0 * ae_test_mem_peak,
			 "estimate %.0f, peak %zu", est, ae_test_mem_peak);
	if (getenv("AE_TEST_VERBOSE"))
		printf("  memory estimate %.0f, peak %zu (ratio %.2f)\n", est, ae_test_mem_peak,
			   est / ae_test_mem_peak);
	free(x);
}

AE_TEST_MAIN(SUITE,
			 AE_TEST(test_forward_direct),
			 AE_TEST(test_row_matches_batch),
#ifdef AE_NN_DOUBLE
			 AE_TEST(test_grad_layers),
			 AE_TEST(test_grad_network),
#endif
			 AE_TEST(test_chunked_col),
			 AE_TEST(test_config_checks),
			 AE_TEST(test_model_roundtrip),
			 AE_TEST(test_training),
			 AE_TEST(test_memory_estimate))
