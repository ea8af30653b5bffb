/*-------------------------------------------------------------------------
 *
 * test_kernels.c
 *	  Unit tests of the engine's SIMD kernels (ae_kernels.c): every kernel
 *	  at every level this CPU supports against a plain scalar reference
 *	  (the loops the kernels replaced), and whole trainings at the baseline
 *	  and the widest level against each other.
 *
 * The kernels promise the same IEEE operations in the same order at every
 * level, so with the project's flags (no FMA in either level) results are
 * identical; the checks allow a float tolerance (REL_TOL) so that a build
 * that lets the compiler fuse multiply-adds still passes, while a wrong
 * formula, a lane mix-up or a mishandled tail (sizes that are not a
 * multiple of the vector width are tested) fails by far more.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ae_kernels.h"
#include "ae_test.h"

/* relative tolerance between levels and against the reference (float) */
#define REL_TOL 1e-6

static const size_t sizes[] = {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 33, 100};
#define N_SIZES (sizeof(sizes) / sizeof(sizes[0]))
#define MAXN 100

/* Deterministic values in [-3, 3] with exact zeros and negative zeros. */
static void
fill(ae_real *x, size_t n, uint64_t seed)
{
	AeRng		rng;

	ae_rng_seed(&rng, seed);
	for (size_t i = 0; i < n; i++)
	{
		x[i] = (ae_real) (6 * ae_rng_uniform(&rng) - 3);
		if (i % 11 == 5)
			x[i] = 0;
		if (i % 13 == 7)
			x[i] = -0.0f;
	}
}

/* Levels to test: the baseline and, if the CPU has it, AVX2. */
static int
levels(AeSimdLevel *out)
{
	int			n = 0;

	out[n++] = AE_SIMD_BASELINE;
	if (ae_simd_detect() >= AE_SIMD_AVX2)
		out[n++] = AE_SIMD_AVX2;
	else
		printf("note: this CPU has no AVX2; only the baseline level is tested\n");
	return n;
}

/* a and b agree within REL_TOL (bitwise for equal values, NaN for NaN). */
static bool
close_enough(ae_real a, ae_real b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return fabs((double) a - (double) b) <=
		REL_TOL * fmax(1e-30, fmax(fabs((double) a), fabs((double) b)));
}

/* The activation loops the kernels replaced. */
static void
ref_forward(AeActivation act, ae_real *z, size_t n)
{
	for (size_t i = 0; i < n; i++)
		switch (act)
		{
			case AE_ACT_LINEAR:
				break;
			case AE_ACT_RELU:
				z[i] = z[i] > 0 ? z[i] : 0;
				break;
			case AE_ACT_SIGMOID:
				z[i] = 1 / (1 + AE_EXP(-z[i]));
				break;
			case AE_ACT_TANH:
				z[i] = AE_TANH(z[i]);
				break;
			case AE_ACT_ELU:
				z[i] = z[i] > 0 ? z[i] : AE_EXPM1(z[i]);
				break;
			case AE_ACT_LEAKY_RELU:
				z[i] = z[i] > 0 ? z[i] : (ae_real) AE_LEAKY_SLOPE * z[i];
				break;
		}
}

static void
ref_backward(AeActivation act, const ae_real *a, ae_real *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		switch (act)
		{
			case AE_ACT_LINEAR:
				break;
			case AE_ACT_RELU:
				g[i] = a[i] > 0 ? g[i] : 0;
				break;
			case AE_ACT_SIGMOID:
				g[i] *= a[i] * (1 - a[i]);
				break;
			case AE_ACT_TANH:
				g[i] *= 1 - a[i] * a[i];
				break;
			case AE_ACT_ELU:
				g[i] = a[i] > 0 ? g[i] : g[i] * (a[i] + 1);
				break;
			case AE_ACT_LEAKY_RELU:
				g[i] = a[i] > 0 ? g[i] : (ae_real) AE_LEAKY_SLOPE * g[i];
				break;
		}
}

/* Activations forward and backward, every size, every level. */
static void
test_activations(void)
{
	AeSimdLevel lv[2];
	int			nl = levels(lv);

	for (int act = AE_ACT_LINEAR; act <= AE_ACT_LEAKY_RELU; act++)
		for (size_t s = 0; s < N_SIZES; s++)
			for (int l = 0; l < nl; l++)
			{
				size_t		n = sizes[s];
				ae_real		z[MAXN],
							zr[MAXN],
							a[MAXN],
							g[MAXN],
							gr[MAXN];
				int			bad = 0;

				AE_CHECK(ae_simd_set_level(lv[l]) == lv[l], "level %d", lv[l]);
				fill(z, n, 1 + s);
				memcpy(zr, z, sizeof(ae_real) * n);
				ae_act_forward((AeActivation) act, z, n);
				ref_forward((AeActivation) act, zr, n);
				for (size_t i = 0; i < n; i++)
					bad += !close_enough(z[i], zr[i]);
				AE_CHECK(bad == 0, "forward act %d n %zu level %s: %d differ",
						 act, n, ae_simd_name(lv[l]), bad);

				memcpy(a, z, sizeof(ae_real) * n);
				fill(g, n, 100 + s);
				memcpy(gr, g, sizeof(ae_real) * n);
				ae_act_backward((AeActivation) act, a, g, n);
				ref_backward((AeActivation) act, a, gr, n);
				bad = 0;
				for (size_t i = 0; i < n; i++)
					bad += !close_enough(g[i], gr[i]);
				AE_CHECK(bad == 0, "backward act %d n %zu level %s: %d differ",
						 act, n, ae_simd_name(lv[l]), bad);
			}
	ae_simd_set_level(ae_simd_detect());
}

/* Bias rows and column sums (the bias gradient), odd widths included. */
static void
test_bias_and_col_sums(void)
{
	AeSimdLevel lv[2];
	int			nl = levels(lv);
	static const int widths[] = {1, 3, 8, 9, 17, 33};

	for (int l = 0; l < nl; l++)
		for (int w = 0; w < 6; w++)
		{
			int			m = widths[w],
						n = 5;
			ae_real		y[5 * 33],
						yr[5 * 33],
						b[33],
						s[33];
			int			bad = 0;

			ae_simd_set_level(lv[l]);
			fill(y, (size_t) n * m, 7 + w);
			fill(b, (size_t) m, 70 + w);
			memcpy(yr, y, sizeof(ae_real) * n * m);
			ae_k_add_bias(y, b, n, m);
			for (int i = 0; i < n; i++)
				for (int j = 0; j < m; j++)
					yr[i * m + j] += b[j];
			for (int i = 0; i < n * m; i++)
				bad += !close_enough(y[i], yr[i]);
			AE_CHECK(bad == 0, "add_bias m %d level %s: %d differ", m,
					 ae_simd_name(lv[l]), bad);

			ae_k_col_sums(y, n, m, s);
			bad = 0;
			for (int j = 0; j < m; j++)
			{
				ae_real		acc = 0;

				for (int i = 0; i < n; i++)
					acc += y[i * m + j];
				bad += !close_enough(s[j], acc);
			}
			AE_CHECK(bad == 0, "col_sums m %d level %s: %d differ", m,
					 ae_simd_name(lv[l]), bad);
		}
	ae_simd_set_level(ae_simd_detect());
}

/* Adam against the scalar update it replaced, over several steps. */
static void
test_adam(void)
{
	AeSimdLevel lv[2];
	int			nl = levels(lv);

	for (int l = 0; l < nl; l++)
		for (size_t s = 0; s < N_SIZES; s++)
		{
			size_t		n = sizes[s];
			ae_real		p[MAXN],
						m1[MAXN] = {0},
						m2[MAXN] = {0},
						pr[MAXN],
						r1[MAXN] = {0},
						r2[MAXN] = {0},
						g[MAXN];
			ae_real		b1 = 0.9f,
						b2 = 0.999f,
						eps = 1e-8f;
			int			bad = 0;

			ae_simd_set_level(lv[l]);
			fill(p, n, 3 + s);
			memcpy(pr, p, sizeof(ae_real) * n);
			for (int t = 1; t <= 5; t++)
			{
				ae_real		step = (ae_real) (0.01 / (1 - pow(0.9, t)));
				ae_real		isb2 = (ae_real) (1 / sqrt(1 - pow(0.999, t)));

				fill(g, n, 30 * t + s);
				ae_k_adam(p, m1, m2, g, n, b1, b2, step, isb2, eps);
				for (size_t i = 0; i < n; i++)
				{
					r1[i] = b1 * r1[i] + (1 - b1) * g[i];
					r2[i] = b2 * r2[i] + (1 - b2) * g[i] * g[i];
					pr[i] -= step * r1[i] / (AE_SQRT(r2[i]) * isb2 + eps);
				}
			}
			for (size_t i = 0; i < n; i++)
				bad += !close_enough(p[i], pr[i]) ||
					!close_enough(m1[i], r1[i]) || !close_enough(m2[i], r2[i]);
			AE_CHECK(bad == 0, "adam n %zu level %s: %d differ", n,
					 ae_simd_name(lv[l]), bad);
		}
	ae_simd_set_level(ae_simd_detect());
}

/* Row scaling: values, and a non-finite result anywhere is reported. */
static void
test_scale_row(void)
{
	AeSimdLevel lv[2];
	int			nl = levels(lv);

	for (int l = 0; l < nl; l++)
		for (size_t s = 1; s < N_SIZES; s++)
		{
			int			d = (int) sizes[s];
			float		raw[MAXN];
			double		mean[MAXN],
						scale[MAXN];
			ae_real		x[MAXN],
						dst[MAXN];
			int			bad = 0;

			ae_simd_set_level(lv[l]);
			fill(x, (size_t) d, 50 + s);
			for (int j = 0; j < d; j++)
			{
				raw[j] = (float) x[j] * 100;
				mean[j] = j * 0.25;
				scale[j] = 0.5 + j;
			}
			AE_CHECK(ae_k_scale_row(raw, mean, scale, d, dst), "finite row d %d", d);
			for (int j = 0; j < d; j++)
				bad += !close_enough(dst[j],
									 (ae_real) (((double) raw[j] - mean[j]) / scale[j]));
			AE_CHECK(ae_k_scale_row(raw, NULL, NULL, d, dst), "finite raw row d %d", d);
			for (int j = 0; j < d; j++)
				bad += dst[j] != (ae_real) raw[j];
			AE_CHECK(bad == 0, "scale_row d %d level %s: %d differ", d,
					 ae_simd_name(lv[l]), bad);

			/* one bad value at each position: first, in a vector, in the tail */
			for (int j = 0; j < d; j++)
			{
				float		keep = raw[j];
				double		keep_scale = scale[j];

				raw[j] = NAN;
				AE_CHECK(!ae_k_scale_row(raw, mean, scale, d, dst), "NaN at %d of %d", j, d);
				AE_CHECK(!ae_k_scale_row(raw, NULL, NULL, d, dst), "raw NaN at %d of %d", j, d);
				raw[j] = INFINITY;
				AE_CHECK(!ae_k_scale_row(raw, NULL, NULL, d, dst), "raw inf at %d of %d", j, d);
				raw[j] = 3e38f;
				scale[j] = 1e-3;	/* finite input, result overflows float */
				AE_CHECK(!ae_k_scale_row(raw, mean, scale, d, dst), "overflow at %d of %d", j, d);
				raw[j] = keep;
				scale[j] = keep_scale;
			}
		}
	ae_simd_set_level(ae_simd_detect());
}

/* Train one network at a level; reconstructions of the data into out. */
static void
train_at(AeSimdLevel level, AeActivation act, const float *x, int64_t n, int d,
		 float *out, double *loss)
{
	AeNetConfig nc;
	AeTrainConfig tc;
	AeError		err;
	AeTrainer  *t;
	AeMatrixSource ms;
	AeDataSource src;
	AeHistoryRow row;
	bool		done = false;
	AeNet	   *net;
	double		mean[12],
				scale[12];

	ae_simd_set_level(level);
	ae_net_config_defaults(&nc);
	ae_train_config_defaults(&tc);
	nc.n_inputs = d;
	nc.n_hidden = 2;
	nc.hidden[0] = 9;
	nc.hidden[1] = 3;
	nc.activation = act;
	tc.epochs = 8;
	tc.batch_size = 16;
	tc.seed = 7;
	for (int j = 0; j < d; j++)
	{
		mean[j] = 0.1 * j;
		scale[j] = 1 + 0.2 * j;
	}
	t = ae_trainer_create(&nc, &tc, mean, scale, &err);
	AE_CHECK(t != NULL, "trainer: %s", err.msg);
	if (!t)
		return;
	src = ae_matrix_source(&ms, x, n, d);
	while (!done)
		if (ae_trainer_step(t, &src, &row, &done, &err) != AE_OK)
		{
			AE_CHECK(false, "step: %s", err.msg);
			break;
		}
	*loss = row.loss;
	net = ae_trainer_take_net(t);
	AE_CHECK(ae_net_forward_batch(net, x, n, NULL, out, &err) == AE_OK, "forward");
	ae_net_free(net);
	ae_trainer_free(t);
}

/* Whole trainings agree between the baseline and the widest level. */
static void
test_training_across_levels(void)
{
	enum
	{
	N = 200, D = 12};
	static float x[N * D],
				out0[N * D],
				out1[N * D];
	AeRng		rng;
	AeSimdLevel best = ae_simd_detect();
	static const AeActivation acts[] = {AE_ACT_RELU, AE_ACT_TANH, AE_ACT_ELU,
	AE_ACT_LEAKY_RELU, AE_ACT_SIGMOID};

	ae_rng_seed(&rng, 99);
	for (int i = 0; i < N * D; i++)
		x[i] = (float) (4 * ae_rng_uniform(&rng) - 2 + (i % D) * 0.1);
	if (best == AE_SIMD_BASELINE)
		printf("note: this CPU has no AVX2; training compared with itself\n");
	for (int a = 0; a < 5; a++)
	{
		double		l0 = 0,
					l1 = 0;
		int			bad = 0;

		train_at(AE_SIMD_BASELINE, acts[a], x, N, D, out0, &l0);
		train_at(best, acts[a], x, N, D, out1, &l1);
		/* 8 epochs of Adam amplify a last-bit difference: allow 1e-4 */
		for (int i = 0; i < N * D; i++)
			bad += fabs((double) out0[i] - out1[i]) >
				1e-4 * fmax(1, fabs((double) out0[i]));
		AE_CHECK(bad == 0, "activation %d: %d reconstructions differ", acts[a], bad);
		AE_CHECK_CLOSE(l0, l1, 1e-4);
		AE_CHECK(l0 > 0 && isfinite(l0), "loss %g", l0);
	}
	ae_simd_set_level(best);
}

AE_TEST_MAIN("kernels",
			 AE_TEST(test_activations),
			 AE_TEST(test_bias_and_col_sums),
			 AE_TEST(test_adam),
			 AE_TEST(test_scale_row),
			 AE_TEST(test_training_across_levels))
