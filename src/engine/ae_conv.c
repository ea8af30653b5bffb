/*-------------------------------------------------------------------------
 *
 * ae_conv.c
 *	  Image layers of convolutional autoencoders: 'same' convolution with
 *	  stride 1, max pooling that keeps its argmax, nearest-neighbour
 *	  upsampling, their backward passes, the layer stack a configuration
 *	  describes, and the CONV section of the model format.
 *
 * Rows are images, height x width x channels with channels last (as Keras
 * lays them out), so a mini-batch of n rows is an n x h x w x c tensor in
 * row-major order.  A convolution is lowered to one GEMM per chunk of
 * images: im2col copies each pixel's k x k x c_in neighbourhood into a row
 * of a (images * h * w) x (k * k * c_in) matrix, which times the filter
 * matrix transposed (c_out x k * k * c_in) gives the output tensor in the
 * same row-major layout.  Backward, the filter gradient is D^T col and the
 * input gradient D W scattered back by col2im.  The im2col workspace holds
 * at most AE_CONV_COL_CAP floats (or one image), whatever the batch size.
 *
 * CONV payload, version 1 (little-endian): u32 height, u32 width,
 *	 u32 channels, u32 n_blocks, then per block u32 filters, u32 kernel,
 *	 u32 pool.  The weights stay in the NNET section, whose layout the
 *	 blocks determine (ae_nn.c).
 *
 *-------------------------------------------------------------------------
 */
#include "ae_nn_int.h"
#include "ae_kernels.h"

#include <string.h>

/* ---------- configuration ---------- */

/* Check the convolutional part of a configuration against the rest. */
AeStatus
ae_conv_config_check(const AeNetConfig *cfg, AeError *err)
{
	const AeConvConfig *c = &cfg->conv;
	int64_t		h = c->height,
				w = c->width,
				ch = c->channels;

	if (c->n_blocks < 1 || c->n_blocks > AE_MAX_CONV_BLOCKS)
		return ae_fail(err, AE_EINVAL,
					   "option \"conv\" has %d blocks, expected 1 to %d",
					   c->n_blocks, AE_MAX_CONV_BLOCKS);
	if (h < 1 || w < 1 || ch < 1 || h > AE_MAX_CONV_UNITS ||
		w > AE_MAX_CONV_UNITS || ch > AE_MAX_CONV_UNITS ||
		h * w * ch != (int64_t) cfg->n_inputs)
		return ae_fail(err, AE_EINVAL,
					   "option \"input_shape\" [%lld, %lld, %lld] does not describe rows of %d values",
					   (long long) h, (long long) w, (long long) ch,
					   cfg->n_inputs);
	if (cfg->tied_weights)
		return ae_fail(err, AE_EINVAL,
					   "option \"tied_weights\" does not apply to a convolutional network");
	if (cfg->variational)
		return ae_fail(err, AE_EINVAL,
					   "option \"conv\" cannot be combined with the variational variant");
	if (cfg->n_hidden < 0 || cfg->n_hidden > AE_MAX_CONV_HIDDEN)
		return ae_fail(err, AE_EINVAL,
					   "option \"hidden\" has %d layers after a convolutional stack, at most %d",
					   cfg->n_hidden, AE_MAX_CONV_HIDDEN);
	for (int b = 0; b < c->n_blocks; b++)
	{
		int			f = c->filters[b];
		int			k = c->kernel[b];
		int			p = c->pool[b];

		if (f < 1 || f > AE_MAX_CONV_FILTERS)
			return ae_fail(err, AE_EINVAL,
						   "option \"conv\" block %d has %d filters, expected 1 to %d",
						   b + 1, f, AE_MAX_CONV_FILTERS);
		if (k < 1 || k > AE_MAX_CONV_KERNEL || k % 2 == 0)
			return ae_fail(err, AE_EINVAL,
						   "option \"conv\" block %d has kernel %d, expected an odd size from 1 to %d",
						   b + 1, k, AE_MAX_CONV_KERNEL);
		if (p < 1 || p > AE_MAX_CONV_POOL)
			return ae_fail(err, AE_EINVAL,
						   "option \"conv\" block %d has pool %d, expected 1 to %d",
						   b + 1, p, AE_MAX_CONV_POOL);
		if (h * w * f > AE_MAX_CONV_UNITS)
			return ae_fail(err, AE_ELIMIT,
						   "option \"conv\" block %d makes a %lldx%lldx%d activation of %lld values, at most %d",
						   b + 1, (long long) h, (long long) w, f,
						   (long long) (h * w * f), AE_MAX_CONV_UNITS);
		if (h % p != 0 || w % p != 0)
			return ae_fail(err, AE_EINVAL,
						   "option \"conv\" block %d has pool %d, which does not divide its %lldx%lld input",
						   b + 1, p, (long long) h, (long long) w);
		h /= p;
		w /= p;
		ch = f;
	}
	if (h * w * ch > AE_MAX_UNITS)
		return ae_fail(err, AE_ELIMIT,
					   "option \"conv\" ends in a %lldx%lldx%lld stack of %lld values, at most %d",
					   (long long) h, (long long) w, (long long) ch,
					   (long long) (h * w * ch), AE_MAX_UNITS);
	return AE_OK;
}

/* An image layer of kind at h x w x cin. */
static AeLayer
image_layer(AeLayerKind kind, int h, int w, int cin, int cout, int k,
			AeActivation act)
{
	AeLayer		ly;

	memset(&ly, 0, sizeof(ly));
	ly.kind = kind;
	ly.h = h;
	ly.w = w;
	ly.c_in = cin;
	ly.c_out = cout;
	ly.k = k;
	ly.act = act;
	ly.n_in = h * w * cin;
	if (kind == AE_LAYER_CONV)
		ly.n_out = h * w * cout;
	else if (kind == AE_LAYER_POOL)
		ly.n_out = (h / k) * (w / k) * cout;
	else
		ly.n_out = (h * k) * (w * k) * cout;
	ly.owns_weights = kind == AE_LAYER_CONV;
	return ly;
}

/* A dense layer. */
static AeLayer
dense_layer(int n_in, int n_out, AeActivation act)
{
	AeLayer		ly;

	memset(&ly, 0, sizeof(ly));
	ly.kind = AE_LAYER_DENSE;
	ly.n_in = n_in;
	ly.n_out = n_out;
	ly.act = act;
	ly.owns_weights = true;
	return ly;
}

/* The layer stack of a checked convolutional configuration. */
int
ae_conv_build_layers(const AeNetConfig *cfg, AeLayer *layers, int *n_enc)
{
	const AeConvConfig *c = &cfg->conv;
	int			h = c->height,
				w = c->width,
				ch = c->channels;
	int			n = 0;
	int			flat;

	for (int b = 0; b < c->n_blocks; b++)
	{
		layers[n++] = image_layer(AE_LAYER_CONV, h, w, ch, c->filters[b],
								  c->kernel[b], cfg->activation);
		ch = c->filters[b];
		if (c->pool[b] > 1)
		{
			layers[n++] = image_layer(AE_LAYER_POOL, h, w, ch, ch, c->pool[b],
									  AE_ACT_LINEAR);
			h /= c->pool[b];
			w /= c->pool[b];
		}
	}
	flat = h * w * ch;
	for (int i = 0; i < cfg->n_hidden; i++)
		layers[n++] = dense_layer(i == 0 ? flat : cfg->hidden[i - 1],
								  cfg->hidden[i], cfg->activation);
	*n_enc = n;
	for (int i = cfg->n_hidden - 1; i >= 0; i--)
		layers[n++] = dense_layer(cfg->hidden[i], i == 0 ? flat : cfg->hidden[i - 1],
								  cfg->activation);
	for (int b = c->n_blocks - 1; b >= 0; b--)
	{
		layers[n++] = image_layer(AE_LAYER_CONV, h, w, ch, c->filters[b],
								  c->kernel[b], cfg->activation);
		ch = c->filters[b];
		if (c->pool[b] > 1)
		{
			layers[n++] = image_layer(AE_LAYER_UPSAMPLE, h, w, ch, ch,
									  c->pool[b], AE_ACT_LINEAR);
			h *= c->pool[b];
			w *= c->pool[b];
		}
	}
	layers[n++] = image_layer(AE_LAYER_CONV, h, w, ch, c->channels,
							  c->kernel[0], cfg->output_activation);
	return n;
}

/* Weights a layer owns (dense: n_in x n_out; convolution: c_out x k k c_in). */
size_t
ae_layer_weight_count(const AeLayer *ly)
{
	switch (ly->kind)
	{
		case AE_LAYER_DENSE:
			return (size_t) ly->n_in * (size_t) ly->n_out;
		case AE_LAYER_CONV:
			return (size_t) ly->c_out * ly->k * ly->k * ly->c_in;
		default:
			return 0;
	}
}

/* Biases of a layer. */
size_t
ae_layer_bias_count(const AeLayer *ly)
{
	switch (ly->kind)
	{
		case AE_LAYER_DENSE:
			return (size_t) ly->n_out;
		case AE_LAYER_CONV:
			return (size_t) ly->c_out;
		default:
			return 0;
	}
}

/* im2col floats of one row through a convolution. */
size_t
ae_conv_col_per_row(const AeLayer *ly)
{
	if (ly->kind != AE_LAYER_CONV || ly->k == 1)
		return 0;
	return (size_t) ly->h * ly->w * ly->k * ly->k * ly->c_in;
}

/* ---------- im2col / col2im ---------- */

/*
 * One image x (h x w x c) into col: row y*w+x holds the k x k x c
 * neighbourhood of pixel (y, x), zero outside the image.
 */
static void
im2col(const ae_real *x, int h, int w, int c, int k, ae_real *col)
{
	int			pad = k / 2;
	size_t		krow = (size_t) k * c;

	for (int y = 0; y < h; y++)
		for (int xx = 0; xx < w; xx++)
		{
			ae_real    *dst = col + ((size_t) y * w + xx) * krow * k;
			int			x0 = xx - pad;
			int			lo = x0 < 0 ? -x0 : 0;
			int			hi = x0 + k > w ? w - x0 : k;	/* kx in [lo, hi) */

			for (int ky = 0; ky < k; ky++, dst += krow)
			{
				int			iy = y + ky - pad;

				if (iy < 0 || iy >= h)
				{
					memset(dst, 0, krow * sizeof(ae_real));
					continue;
				}
				if (lo > 0)
					memset(dst, 0, (size_t) lo * c * sizeof(ae_real));
				memcpy(dst + (size_t) lo * c,
					   x + ((size_t) iy * w + x0 + lo) * c,
					   (size_t) (hi - lo) * c * sizeof(ae_real));
				if (hi < k)
					memset(dst + (size_t) hi * c, 0,
						   (size_t) (k - hi) * c * sizeof(ae_real));
			}
		}
}

/* The adjoint of im2col: add each col entry back to its pixel of dx. */
static void
col2im(const ae_real *col, int h, int w, int c, int k, ae_real *dx)
{
	int			pad = k / 2;
	size_t		krow = (size_t) k * c;

	memset(dx, 0, (size_t) h * w * c * sizeof(ae_real));
	for (int y = 0; y < h; y++)
		for (int xx = 0; xx < w; xx++)
		{
			const ae_real *src = col + ((size_t) y * w + xx) * krow * k;
			int			x0 = xx - pad;
			int			lo = x0 < 0 ? -x0 : 0;
			int			hi = x0 + k > w ? w - x0 : k;

			for (int ky = 0; ky < k; ky++, src += krow)
			{
				int			iy = y + ky - pad;
				ae_real    *d;
				const ae_real *s;
				size_t		cnt;

				if (iy < 0 || iy >= h)
					continue;
				d = dx + ((size_t) iy * w + x0 + lo) * c;
				s = src + (size_t) lo * c;
				cnt = (size_t) (hi - lo) * c;
				for (size_t i = 0; i < cnt; i++)
					d[i] += s[i];
			}
		}
}

/* Images per im2col chunk of a convolution. */
static int
chunk_images(const AeLayer *ly, size_t col_floats, int n)
{
	size_t		per = ae_conv_col_per_row(ly);
	size_t		m;

	if (per == 0)
		return n;
	m = col_floats / per;
	if (m < 1)
		m = 1;					/* ae_work_init always holds one image */
	return m < (size_t) n ? (int) m : n;
}

/* ---------- forward ---------- */

static void
conv_forward(const AeNet *net, const AeLayer *ly, const ae_real *x, int n,
			 ae_real *y, ae_real *col, size_t col_floats)
{
	const ae_real *W = net->params + ly->w_off;
	int			kkc = ly->k * ly->k * ly->c_in;
	int			hw = ly->h * ly->w;
	int			chunk = chunk_images(ly, col_floats, n);
	size_t		per = ae_conv_col_per_row(ly);

	for (int i0 = 0; i0 < n; i0 += chunk)
	{
		int			m = n - i0 < chunk ? n - i0 : chunk;
		const ae_real *A = x + (size_t) i0 * ly->n_in;

		if (per > 0)
		{
			for (int j = 0; j < m; j++)
				im2col(x + (size_t) (i0 + j) * ly->n_in, ly->h, ly->w,
					   ly->c_in, ly->k, col + (size_t) j * per);
			A = col;
		}
		AE_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, m * hw, ly->c_out,
				kkc, 1, A, kkc, W, kkc, 0, y + (size_t) i0 * ly->n_out,
				ly->c_out);
	}
	ae_k_add_bias(y, net->params + ly->b_off, n * hw, ly->c_out);
}

static void
pool_forward(const AeLayer *ly, const ae_real *x, int n, ae_real *y,
			 int32_t *argmax)
{
	int			p = ly->k,
				c = ly->c_in,
				w = ly->w;
	int			ho = ly->h / p,
				wo = ly->w / p;

	for (int i = 0; i < n; i++)
	{
		const ae_real *xi = x + (size_t) i * ly->n_in;
		ae_real    *yi = y + (size_t) i * ly->n_out;
		int32_t    *ai = argmax + (size_t) i * ly->n_out;

		for (int oy = 0; oy < ho; oy++)
			for (int ox = 0; ox < wo; ox++)
			{
				ae_real    *o = yi + ((size_t) oy * wo + ox) * c;
				int32_t    *a = ai + ((size_t) oy * wo + ox) * c;

				for (int py = 0; py < p; py++)
					for (int px = 0; px < p; px++)
					{
						int32_t		base = ((oy * p + py) * w + ox * p + px) * c;
						const ae_real *s = xi + base;

						if (py == 0 && px == 0)
						{
							for (int ch = 0; ch < c; ch++)
							{
								o[ch] = s[ch];
								a[ch] = base + ch;
							}
							continue;
						}
						for (int ch = 0; ch < c; ch++)
							if (s[ch] > o[ch])
							{
								o[ch] = s[ch];
								a[ch] = base + ch;
							}
					}
			}
	}
}

static void
upsample_forward(const AeLayer *ly, const ae_real *x, int n, ae_real *y)
{
	int			p = ly->k,
				c = ly->c_in,
				w = ly->w;
	int			ho = ly->h * p,
				wo = ly->w * p;

	for (int i = 0; i < n; i++)
	{
		const ae_real *xi = x + (size_t) i * ly->n_in;
		ae_real    *yi = y + (size_t) i * ly->n_out;

		for (int oy = 0; oy < ho; oy++)
			for (int ox = 0; ox < wo; ox++)
				memcpy(yi + ((size_t) oy * wo + ox) * c,
					   xi + ((size_t) (oy / p) * w + ox / p) * c,
					   (size_t) c * sizeof(ae_real));
	}
}

/* Forward n rows of an image layer (no activation). */
void
ae_conv_layer_forward(const AeNet *net, const AeLayer *ly, const ae_real *x,
					  int n, ae_real *y, ae_real *col, size_t col_floats,
					  int32_t *argmax)
{
	switch (ly->kind)
	{
		case AE_LAYER_CONV:
			conv_forward(net, ly, x, n, y, col, col_floats);
			break;
		case AE_LAYER_POOL:
			pool_forward(ly, x, n, y, argmax);
			break;
		case AE_LAYER_UPSAMPLE:
			upsample_forward(ly, x, n, y);
			break;
		case AE_LAYER_DENSE:
			break;				/* not an image layer */
	}
}

/* ---------- backward ---------- */

static void
conv_backward(const AeNet *net, const AeLayer *ly, const ae_real *x,
			  const ae_real *D, int n, ae_real *grad, ae_real *dx,
			  ae_real *col, ae_real *dcol, size_t col_floats)
{
	const ae_real *W = net->params + ly->w_off;
	ae_real    *gW = grad + ly->w_off;
	int			kkc = ly->k * ly->k * ly->c_in;
	int			hw = ly->h * ly->w;
	int			chunk = chunk_images(ly, col_floats, n);
	size_t		per = ae_conv_col_per_row(ly);

	ae_k_col_sums(D, n * hw, ly->c_out, grad + ly->b_off);
	for (int i0 = 0; i0 < n; i0 += chunk)
	{
		int			m = n - i0 < chunk ? n - i0 : chunk;
		const ae_real *Di = D + (size_t) i0 * ly->n_out;
		const ae_real *A = x + (size_t) i0 * ly->n_in;

		if (per > 0)
		{
			for (int j = 0; j < m; j++)
				im2col(x + (size_t) (i0 + j) * ly->n_in, ly->h, ly->w,
					   ly->c_in, ly->k, col + (size_t) j * per);
			A = col;
		}
		AE_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, ly->c_out, kkc,
				m * hw, 1, Di, ly->c_out, A, kkc, i0 > 0 ? 1 : 0, gW, kkc);
		if (!dx)
			continue;
		if (per == 0)
		{
			/* 1 x 1 kernel: the input gradient is D W directly */
			AE_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, m * hw, kkc,
					ly->c_out, 1, Di, ly->c_out, W, kkc, 0,
					dx + (size_t) i0 * ly->n_in, kkc);
			continue;
		}
		AE_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, m * hw, kkc,
				ly->c_out, 1, Di, ly->c_out, W, kkc, 0, dcol, kkc);
		for (int j = 0; j < m; j++)
			col2im(dcol + (size_t) j * per, ly->h, ly->w, ly->c_in, ly->k,
				   dx + (size_t) (i0 + j) * ly->n_in);
	}
}

static void
pool_backward(const AeLayer *ly, const ae_real *D, int n, ae_real *dx,
			  const int32_t *argmax)
{
	memset(dx, 0, (size_t) n * ly->n_in * sizeof(ae_real));
	for (int i = 0; i < n; i++)
	{
		const ae_real *Di = D + (size_t) i * ly->n_out;
		const int32_t *ai = argmax + (size_t) i * ly->n_out;
		ae_real    *dxi = dx + (size_t) i * ly->n_in;

		for (int o = 0; o < ly->n_out; o++)
			dxi[ai[o]] += Di[o];
	}
}

static void
upsample_backward(const AeLayer *ly, const ae_real *D, int n, ae_real *dx)
{
	int			p = ly->k,
				c = ly->c_in,
				w = ly->w;
	int			ho = ly->h * p,
				wo = ly->w * p;

	memset(dx, 0, (size_t) n * ly->n_in * sizeof(ae_real));
	for (int i = 0; i < n; i++)
	{
		const ae_real *Di = D + (size_t) i * ly->n_out;
		ae_real    *dxi = dx + (size_t) i * ly->n_in;

		for (int oy = 0; oy < ho; oy++)
			for (int ox = 0; ox < wo; ox++)
			{
				const ae_real *s = Di + ((size_t) oy * wo + ox) * c;
				ae_real    *d = dxi + ((size_t) (oy / p) * w + ox / p) * c;

				for (int ch = 0; ch < c; ch++)
					d[ch] += s[ch];
			}
	}
}

/* Backward through an image layer (see ae_nn_int.h). */
void
ae_conv_layer_backward(const AeNet *net, const AeLayer *ly, const ae_real *x,
					   const ae_real *D, int n, ae_real *grad, ae_real *dx,
					   ae_real *col, ae_real *dcol, size_t col_floats,
					   const int32_t *argmax)
{
	switch (ly->kind)
	{
		case AE_LAYER_CONV:
			conv_backward(net, ly, x, D, n, grad, dx, col, dcol, col_floats);
			break;
		case AE_LAYER_POOL:
			if (dx)
				pool_backward(ly, D, n, dx, argmax);
			break;
		case AE_LAYER_UPSAMPLE:
			if (dx)
				upsample_backward(ly, D, n, dx);
			break;
		case AE_LAYER_DENSE:
			break;
	}
}

/* ---------- the CONV section ---------- */

/* Append the CONV payload. */
void
ae_conv_write(const AeConvConfig *conv, AeWriter *w)
{
	ae_write_u32(w, (uint32_t) conv->height);
	ae_write_u32(w, (uint32_t) conv->width);
	ae_write_u32(w, (uint32_t) conv->channels);
	ae_write_u32(w, (uint32_t) conv->n_blocks);
	for (int b = 0; b < conv->n_blocks; b++)
	{
		ae_write_u32(w, (uint32_t) conv->filters[b]);
		ae_write_u32(w, (uint32_t) conv->kernel[b]);
		ae_write_u32(w, (uint32_t) conv->pool[b]);
	}
}

/* Read a CONV payload; every count is range-checked before use. */
AeStatus
ae_conv_read(AeReader *r, AeConvConfig *conv, AeError *err)
{
	uint32_t	v[4];

	memset(conv, 0, sizeof(*conv));
	for (int i = 0; i < 4; i++)
		v[i] = ae_read_u32(r);
	if (r->failed)
		return ae_fail(err, AE_ECORRUPT, "model convolution section is truncated");
	if (v[0] < 1 || v[0] > AE_MAX_CONV_UNITS || v[1] < 1 ||
		v[1] > AE_MAX_CONV_UNITS || v[2] < 1 || v[2] > AE_MAX_CONV_UNITS ||
		v[3] < 1 || v[3] > AE_MAX_CONV_BLOCKS)
		return ae_fail(err, AE_ECORRUPT,
					   "model convolution section has an invalid shape");
	conv->height = (int) v[0];
	conv->width = (int) v[1];
	conv->channels = (int) v[2];
	conv->n_blocks = (int) v[3];
	for (int b = 0; b < conv->n_blocks; b++)
	{
		uint32_t	f = ae_read_u32(r);
		uint32_t	k = ae_read_u32(r);
		uint32_t	p = ae_read_u32(r);

		if (r->failed)
			return ae_fail(err, AE_ECORRUPT, "model convolution section is truncated");
		if (f < 1 || f > AE_MAX_CONV_FILTERS || k < 1 ||
			k > AE_MAX_CONV_KERNEL || p < 1 || p > AE_MAX_CONV_POOL)
			return ae_fail(err, AE_ECORRUPT,
						   "model convolution section has an invalid block %d", b + 1);
		conv->filters[b] = (int) f;
		conv->kernel[b] = (int) k;
		conv->pool[b] = (int) p;
	}
	return AE_OK;
}

/* ---------- training ---------- */

/* Training options a convolutional network does not support. */
AeStatus
ae_conv_train_check(const AeNetConfig *net, const AeTrainConfig *train,
					AeError *err)
{
	const AeVariantConfig *v = &train->variant;

	if (net->conv.n_blocks == 0)
		return AE_OK;
	if (train->pretrain != AE_PRETRAIN_NONE)
		return ae_fail(err, AE_EINVAL,
					   "option \"pretrain\" \"layerwise\" cannot be combined with \"conv\"");
	if (v->variant != AE_VARIANT_BASIC && v->variant != AE_VARIANT_DENOISING)
		return ae_fail(err, AE_EINVAL,
					   "option \"variant\" \"%s\" cannot be combined with \"conv\"",
					   ae_variant_name(v->variant));
	if (v->l1_activity != 0)
		return ae_fail(err, AE_EINVAL,
					   "option \"l1_activity\" cannot be combined with \"conv\"");
	return AE_OK;
}

/*
 * Bytes a convolutional network adds to a rows-row workspace and to the
 * network itself beyond dense layers of the same widths: im2col and its
 * gradient, pooling argmax, the code gradient, the one-row scratch.  The
 * layer widths (input first) go to widths, their count to *n_layers.
 */
double
ae_conv_work_bytes(const AeNetConfig *cfg, int64_t rows, int *widths,
				   int *n_layers)
{
	AeLayer		layers[AE_NN_MAX_NET_LAYERS];
	int			n_enc;
	int			L = ae_conv_build_layers(cfg, layers, &n_enc);
	double		per = 0,
				col,
				bytes = 0;
	int			max_width = cfg->n_inputs;

	widths[0] = cfg->n_inputs;
	for (int l = 0; l < L; l++)
	{
		double		c = (double) ae_conv_col_per_row(&layers[l]);

		widths[l + 1] = layers[l].n_out;
		if (layers[l].n_out > max_width)
			max_width = layers[l].n_out;
		if (c > per)
			per = c;
		if (layers[l].kind == AE_LAYER_POOL)
			bytes += (double) rows * layers[l].n_out * sizeof(int32_t);
	}
	*n_layers = L;
	col = per * rows;
	if (col > (double) AE_CONV_COL_CAP)
		col = per > (double) AE_CONV_COL_CAP ? per : (double) AE_CONV_COL_CAP;
	bytes += 2.0 * col * sizeof(ae_real);
	bytes += (double) rows * layers[n_enc - 1].n_out * sizeof(ae_real);
	bytes += per * sizeof(ae_real) + (double) max_width * sizeof(int32_t) +
		2.0 * max_width * sizeof(ae_real);
	return bytes;
}
