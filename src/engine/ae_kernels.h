/*-------------------------------------------------------------------------
 *
 * ae_kernels.h
 *	  Elementwise loops of the neural engine (activations, bias, optimiser
 *	  update, input scaling) in explicit SIMD, chosen at run time.
 *
 * Every kernel exists twice: once for the x86-64 baseline (SSE2) and once
 * for AVX2, selected on first use by a CPU check, so one build runs on
 * every x86-64 machine (other architectures get the portable version
 * only).  Both versions perform the same IEEE operations in the same order
 * per element (no fused multiply-add, sums over rows in row order), so
 * their results are identical; test/unit/test_nn.c checks that.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_KERNELS_H
#define AE_KERNELS_H

#include "ae_nn_int.h"

typedef enum AeSimdLevel
{
	AE_SIMD_BASELINE = 0,		/* x86-64 baseline (SSE2), or portable C */
	AE_SIMD_AVX2 = 1
} AeSimdLevel;

/* The best level this CPU supports. */
extern AeSimdLevel ae_simd_detect(void);
/* The level in use. */
extern AeSimdLevel ae_simd_level(void);
/* Use level (clamped to what the CPU supports); returns the level set. */
extern AeSimdLevel ae_simd_set_level(AeSimdLevel level);
extern const char *ae_simd_name(AeSimdLevel level);

/* y[i][j] += b[j] for n rows of m columns. */
extern void ae_k_add_bias(ae_real *y, const ae_real *b, int n, int m);
/* out[j] = sum over rows i (in row order) of D[i][j]; n rows of m. */
extern void ae_k_col_sums(const ae_real *D, int n, int m, ae_real *out);
/* One Adam update of n parameters (see ae_optim.c for the formula). */
extern void ae_k_adam(ae_real *p, ae_real *m1, ae_real *m2, const ae_real *g,
					  size_t n, ae_real b1, ae_real b2, ae_real step,
					  ae_real isb2, ae_real eps);
/* dst[j] = (raw[j] - mean[j]) / scale[j]; false if any result is not finite. */
extern bool ae_k_scale_row(const float *raw, const double *mean,
						   const double *scale, int d, ae_real *dst);

#endif							/* AE_KERNELS_H */
