/*-------------------------------------------------------------------------
 *
 * ae_stats.c
 *	  Batched, mergeable mean and co-moment accumulation (Chan et al.).
 *
 *-------------------------------------------------------------------------
 */
#include "ae_stats.h"

#include <cblas.h>
#include <string.h>

/* Scratch for one batch: the centred rows, the batch mean, a ones vector. */
size_t
ae_moments_work_size(int d, int nb)
{
	return (size_t) d * (size_t) nb + (size_t) d + (size_t) nb;
}

/*
 * Centre the batch on its own mean, add its co-moment with one dsyrk, then
 * fold the batch into the running totals with Chan's pairwise formula:
 *	 M2 = M2_a + M2_b + delta delta^T * n_a n_b / n.
 */
void
ae_moments_add_batch(int d, double *n, double *mean, double *m2,
					 const double *rows, int nb, double *work)
{
	double	   *xc = work;
	double	   *bmean = work + (size_t) d * nb;
	double	   *ones = bmean + d;
	double		na = *n;
	double		ntot;

	if (nb <= 0)
		return;

	for (int i = 0; i < nb; i++)
		ones[i] = 1.0;
	/* bmean = X^T 1 / nb; Xc = X - 1 bmean^T */
	cblas_dgemv(CblasRowMajor, CblasTrans, nb, d, 1.0 / nb, rows, d,
				ones, 1, 0.0, bmean, 1);
	memcpy(xc, rows, sizeof(double) * (size_t) d * nb);
	cblas_dger(CblasRowMajor, nb, d, -1.0, ones, 1, bmean, 1, xc, d);

	/* M2 += Xc^T Xc (upper triangle) */
	cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, nb,
				1.0, xc, d, 1.0, m2, d);

	ntot = na + nb;
	if (na > 0)
	{
		/* bmean becomes delta = mean_b - mean_a */
		cblas_daxpy(d, -1.0, mean, 1, bmean, 1);
		cblas_dsyr(CblasRowMajor, CblasUpper, d, na * nb / ntot,
				   bmean, 1, m2, d);
		cblas_daxpy(d, nb / ntot, bmean, 1, mean, 1);
	}
	else
		memcpy(mean, bmean, sizeof(double) * d);
	*n = ntot;
}

/* Pairwise merge of two partial results. */
void
ae_moments_merge(int d, double *n_a, double *mean_a, double *m2_a,
				 double n_b, const double *mean_b, const double *m2_b,
				 double *work)
{
	double		na = *n_a;
	double		ntot = na + n_b;

	if (n_b <= 0)
		return;
	if (na <= 0)
	{
		*n_a = n_b;
		memcpy(mean_a, mean_b, sizeof(double) * d);
		memcpy(m2_a, m2_b, sizeof(double) * (size_t) d * d);
		return;
	}

	/* upper triangles add; the lower ones are ignored everywhere */
	cblas_daxpy(d * d, 1.0, m2_b, 1, m2_a, 1);

	memcpy(work, mean_b, sizeof(double) * d);
	cblas_daxpy(d, -1.0, mean_a, 1, work, 1);
	cblas_dsyr(CblasRowMajor, CblasUpper, d, na * n_b / ntot, work, 1, m2_a, d);
	cblas_daxpy(d, n_b / ntot, work, 1, mean_a, 1);
	*n_a = ntot;
}

/* Mirror the upper triangle into the lower one. */
void
ae_symmetrize_upper(int d, double *m)
{
	for (int i = 0; i < d; i++)
		for (int j = i + 1; j < d; j++)
			m[(size_t) j * d + i] = m[(size_t) i * d + j];
}

/* Allocate per-feature statistics for width d. */
bool
ae_feature_stats_init(AeFeatureStats *s, int d)
{
	memset(s, 0, sizeof(*s));
	s->d = d;
	s->mean = ae_alloc0((size_t) d * sizeof(double));
	s->m2 = ae_alloc0((size_t) d * sizeof(double));
	s->min = ae_alloc0((size_t) d * sizeof(double));
	s->max = ae_alloc0((size_t) d * sizeof(double));
	s->work = ae_alloc0((size_t) 2 * d * sizeof(double));
	if (!s->mean || !s->m2 || !s->min || !s->max || !s->work)
	{
		ae_feature_stats_free(s);
		return false;
	}
	return true;
}

/* Release per-feature statistics. */
void
ae_feature_stats_free(AeFeatureStats *s)
{
	ae_free(s->mean);
	ae_free(s->m2);
	ae_free(s->min);
	ae_free(s->max);
	ae_free(s->work);
	memset(s, 0, sizeof(*s));
}

/*
 * Two passes over the batch (its mean, then its squared deviations), then
 * the same pairwise merge as ae_moments_add_batch, per feature.
 */
void
ae_feature_stats_add(AeFeatureStats *s, const float *rows, int64_t nb)
{
	int			d = s->d;
	double	   *bmean = s->work;
	double	   *bm2 = s->work + d;
	double		na = s->n;
	double		ntot;

	if (nb <= 0)
		return;
	memset(bmean, 0, sizeof(double) * d);
	memset(bm2, 0, sizeof(double) * d);
	if (na == 0)
		for (int j = 0; j < d; j++)
			s->min[j] = s->max[j] = rows[j];
	for (int64_t r = 0; r < nb; r++)
	{
		const float *x = rows + (size_t) r * d;

		for (int j = 0; j < d; j++)
		{
			bmean[j] += x[j];
			if (x[j] < s->min[j])
				s->min[j] = x[j];
			if (x[j] > s->max[j])
				s->max[j] = x[j];
		}
	}
	for (int j = 0; j < d; j++)
		bmean[j] /= (double) nb;
	for (int64_t r = 0; r < nb; r++)
	{
		const float *x = rows + (size_t) r * d;

		for (int j = 0; j < d; j++)
		{
			double		c = x[j] - bmean[j];

			bm2[j] += c * c;
		}
	}
	ntot = na + (double) nb;
	for (int j = 0; j < d; j++)
	{
		double		delta = bmean[j] - s->mean[j];

		if (na > 0)
		{
			s->m2[j] += bm2[j] + delta * delta * na * (double) nb / ntot;
			s->mean[j] += delta * (double) nb / ntot;
		}
		else
		{
			s->m2[j] = bm2[j];
			s->mean[j] = bmean[j];
		}
	}
	s->n = ntot;
}
