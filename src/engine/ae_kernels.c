/*-------------------------------------------------------------------------
 *
 * ae_kernels.c
 *	  Elementwise loops of the neural engine, compiled for the x86-64
 *	  baseline and for AVX2, with the level chosen at run time.
 *
 * Profiles of training showed these loops, written plainly, taking about
 * half of the time at -O2: GCC's -O2 cost model does not vectorise loops
 * of unknown length, and relu's "z > 0 ? z : 0" compiled to a branch per
 * element that the data makes unpredictable.  The bodies (in
 * ae_kernels_impl.h) use vector types and lane masks instead, and are
 * instantiated twice; the first call picks the widest level the CPU (and
 * the operating system) supports.  No level uses fused multiply-add and
 * sums keep their order, so results do not depend on the level.
 * Activations that need exp or tanh call libm per element at every level,
 * so a model scores exactly as before.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_kernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define AE_HAVE_AVX2_PATH 1
#endif

#ifdef AE_NN_DOUBLE
typedef int64_t ae_sint;
#else
typedef int32_t ae_sint;
#endif

typedef struct AeKernelTable
{
	void		(*act_forward) (AeActivation act, ae_real *z, size_t count);
	void		(*act_backward) (AeActivation act, const ae_real *a, ae_real *g,
								 size_t count);
	void		(*add_bias) (ae_real *y, const ae_real *b, int n, int m);
	void		(*col_sums) (const ae_real *D, int n, int m, ae_real *out);
	void		(*adam) (ae_real *p, ae_real *m1, ae_real *m2, const ae_real *g,
						 size_t n, ae_real b1, ae_real b2, ae_real step,
						 ae_real isb2, ae_real eps);
	bool		(*scale_row) (const float *raw, const double *mean,
							  const double *scale, int d, ae_real *dst);
} AeKernelTable;

/* Activations computed through libm, identical at every level. */
static void
act_forward_libm(AeActivation act, ae_real *z, size_t count)
{
	size_t		i;

	switch (act)
	{
		case AE_ACT_SIGMOID:
			for (i = 0; i < count; i++)
				z[i] = 1 / (1 + AE_EXP(-z[i]));
			break;
		case AE_ACT_TANH:
			for (i = 0; i < count; i++)
				z[i] = AE_TANH(z[i]);
			break;
		case AE_ACT_ELU:
			for (i = 0; i < count; i++)
				z[i] = z[i] > 0 ? z[i] : AE_EXPM1(z[i]);
			break;
		default:
			break;
	}
}

/* ---- the baseline level: 16-byte vectors (SSE2 on x86-64) ---- */
#define AE_K(name) base_##name
#define AE_KTARGET
#define AE_KBYTES 16
#if defined(AE_HAVE_AVX2_PATH) && defined(AE_NN_DOUBLE)
#define AE_KSQRT(v) ((VR) _mm_sqrt_pd((__m128d) (v)))
#elif defined(AE_HAVE_AVX2_PATH)
#define AE_KSQRT(v) ((VR) _mm_sqrt_ps((__m128) (v)))
#else
#define AE_KSQRT(v) ({ VR q_ = (v); for (size_t l_ = 0; l_ < VN; l_++) q_[l_] = AE_SQRT(q_[l_]); q_; })
#endif
#include "ae_kernels_impl.h"
#undef AE_K
#undef AE_KTARGET
#undef AE_KBYTES
#undef AE_KSQRT

/* ---- AVX2: 32-byte vectors, no FMA (it would change the roundings) ---- */
#ifdef AE_HAVE_AVX2_PATH
#define AE_K(name) avx2_##name
#define AE_KTARGET __attribute__((target("avx2")))
#define AE_KBYTES 32
#ifdef AE_NN_DOUBLE
#define AE_KSQRT(v) ((VR) _mm256_sqrt_pd((__m256d) (v)))
#else
#define AE_KSQRT(v) ((VR) _mm256_sqrt_ps((__m256) (v)))
#endif
#include "ae_kernels_impl.h"
#undef AE_K
#undef AE_KTARGET
#undef AE_KBYTES
#undef AE_KSQRT
#endif

static const AeKernelTable *active_table = NULL;
static AeSimdLevel active_level = AE_SIMD_BASELINE;

/* The best level this CPU supports. */
AeSimdLevel
ae_simd_detect(void)
{
#ifdef AE_HAVE_AVX2_PATH
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2"))
		return AE_SIMD_AVX2;
#endif
	return AE_SIMD_BASELINE;
}

/* Use level, or the best the CPU supports if that is lower. */
AeSimdLevel
ae_simd_set_level(AeSimdLevel level)
{
	AeSimdLevel best = ae_simd_detect();

	if (level > best)
		level = best;
#ifdef AE_HAVE_AVX2_PATH
	if (level == AE_SIMD_AVX2)
	{
		active_table = &avx2_table;
		active_level = level;
		return level;
	}
#endif
	active_table = &base_table;
	active_level = AE_SIMD_BASELINE;
	return AE_SIMD_BASELINE;
}

/* The level in use (choosing it if nothing ran yet). */
AeSimdLevel
ae_simd_level(void)
{
	if (!active_table)
		ae_simd_set_level(ae_simd_detect());
	return active_level;
}

/* Name of a level, for benchmarks and test output. */
const char *
ae_simd_name(AeSimdLevel level)
{
	return level == AE_SIMD_AVX2 ? "avx2" : "baseline";
}

/* The table in use. */
static inline const AeKernelTable *
kernels(void)
{
	if (!active_table)
		ae_simd_set_level(ae_simd_detect());
	return active_table;
}

/* Apply an activation elementwise, in place. */
void
ae_act_forward(AeActivation act, ae_real *z, size_t count)
{
	kernels()->act_forward(act, z, count);
}

/* Multiply g by the activation's derivative, expressed through its output. */
void
ae_act_backward(AeActivation act, const ae_real *a, ae_real *g, size_t count)
{
	kernels()->act_backward(act, a, g, count);
}

/* y[i][j] += b[j] for n rows of m columns. */
void
ae_k_add_bias(ae_real *y, const ae_real *b, int n, int m)
{
	kernels()->add_bias(y, b, n, m);
}

/* out[j] = sum over rows of D[i][j], in row order. */
void
ae_k_col_sums(const ae_real *D, int n, int m, ae_real *out)
{
	kernels()->col_sums(D, n, m, out);
}

/* One Adam update of n parameters. */
void
ae_k_adam(ae_real *p, ae_real *m1, ae_real *m2, const ae_real *g, size_t n,
		  ae_real b1, ae_real b2, ae_real step, ae_real isb2, ae_real eps)
{
	kernels()->adam(p, m1, m2, g, n, b1, b2, step, isb2, eps);
}

/* Scale one raw row into dst; false if a result is not finite. */
bool
ae_k_scale_row(const float *raw, const double *mean, const double *scale,
			   int d, ae_real *dst)
{
	return kernels()->scale_row(raw, mean, scale, d, dst);
}
