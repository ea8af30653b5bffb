/*-------------------------------------------------------------------------
 *
 * ae_stats.h
 *	  Mergeable first and second moments of a set of rows: count, mean and
 *	  co-moment matrix M2 = sum (x - mean)(x - mean)^T.
 *
 * Rows are added a mini-batch at a time (one dsyrk per batch) and partial
 * results are merged with the pairwise update of Chan, Golub and LeVeque,
 * "Algorithms for computing the sample variance" (1979/1983), which is
 * what makes the PCA aggregate parallel- and distribution-safe.  M2 is d*d,
 * row-major, and only its upper triangle (j >= i) is maintained.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_STATS_H
#define AE_STATS_H

#include "ae_common.h"

/* Doubles of scratch ae_moments_add_batch needs for nb rows of width d. */
extern size_t ae_moments_work_size(int d, int nb);

/*
 * Adds nb rows (row-major, nb x d) to (n, mean, m2).  work must hold
 * ae_moments_work_size(d, nb) doubles.
 */
extern void ae_moments_add_batch(int d, double *n, double *mean, double *m2,
								 const double *rows, int nb, double *work);

/* Merges (n_b, mean_b, m2_b) into (n_a, mean_a, m2_a); work holds d doubles. */
extern void ae_moments_merge(int d, double *n_a, double *mean_a, double *m2_a,
							 double n_b, const double *mean_b,
							 const double *m2_b, double *work);

/* Copies the upper triangle of a row-major d*d matrix into its lower one. */
extern void ae_symmetrize_upper(int d, double *m);

/*
 * Per-feature statistics in O(d) memory: count, mean, sum of squared
 * deviations (m2), minimum and maximum of each feature.  What scaling
 * needs, without the d*d co-moment matrix that only PCA needs.
 */
typedef struct AeFeatureStats
{
	int			d;
	double		n;
	double	   *mean;			/* d each */
	double	   *m2;
	double	   *min;
	double	   *max;
	double	   *work;			/* 2 * d: batch mean and m2 */
} AeFeatureStats;

/* Allocates the arrays (ae_alloc); false when out of memory. */
extern bool ae_feature_stats_init(AeFeatureStats *s, int d);
extern void ae_feature_stats_free(AeFeatureStats *s);
/* Adds nb float rows (row-major, nb x d), one pairwise merge per call. */
extern void ae_feature_stats_add(AeFeatureStats *s, const float *rows, int64_t nb);

#endif							/* AE_STATS_H */
