/*-------------------------------------------------------------------------
 *
 * ae_robust.c
 *	  A robust location and scatter for PCA models, behind the "robust"
 *	  score: the Minimum Covariance Determinant estimate reached by
 *	  concentration steps (Rousseeuw and Van Driessen, "A fast algorithm
 *	  for the minimum covariance determinant estimator", Technometrics
 *	  41(3), 1999).
 *
 * Why: the training rows of an outlier detector usually contain outliers
 * (PyOD's benchmark trains on them, and so do tables in the wild).  They
 * inflate the classical covariance exactly in the directions they lie
 * in, so the Mahalanobis distance ("full") under-rates them: masking.  The
 * MCD estimate is the mean and covariance of the h rows whose covariance
 * has the smallest determinant; h = 0.75 n is the authors' recommended
 * compromise between robustness (up to 25% outliers) and efficiency.
 *
 * How: start from the classical fit (the PCA model itself), then repeat
 * the C-step: keep the h rows with the smallest Mahalanobis distance under
 * the current estimate, re-estimate from them.  Each step lowers the
 * determinant, so the kept set stops changing; at most AE_ROBUST_STEPS
 * steps are run.  The rows are the uniform sample the model's quantiles
 * come from (all rows up to 4096), in the model's scaled space.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_detect.h"
#include "ae_pca.h"
#include "ae_stats.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define AE_ROBUST_STEPS 20

/* An index with its distance, for sorting. */
typedef struct RankedRow
{
	double		dist;
	int64_t		row;
} RankedRow;

/* qsort order: smaller distance first, then row order (deterministic). */
static int
cmp_ranked(const void *a, const void *b)
{
	const RankedRow *x = a;
	const RankedRow *y = b;

	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* qsort order: row order. */
static int
cmp_row(const void *a, const void *b)
{
	const RankedRow *x = a;
	const RankedRow *y = b;

	return (x->row > y->row) - (x->row < y->row);
}

/* Weight 1/lambda of a robust component, 0 for a direction without spread. */
static double
robust_weight(const double *eig, int j)
{
	if (!(eig[j] > 1e-12 * eig[0]) || !(eig[j] > 0))
		return 0.0;
	return 1.0 / eig[j];
}

/*
 * Squared Mahalanobis distances of n scaled rows z under (loc, eig, vec):
 * P = (Z - loc) V^T by one dgemm, then sum_j P_ij^2 / lambda_j.
 */
static void
distances(int d, int64_t n, const double *z, const double *loc,
		  const double *eig, const double *vec, double *centred,
		  double *proj, double *dist)
{
	for (int64_t i = 0; i < n; i++)
		for (int j = 0; j < d; j++)
			centred[(size_t) i * d + j] = z[(size_t) i * d + j] - loc[j];
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int) n, d, d, 1.0,
				centred, d, vec, d, 0.0, proj, d);
	for (int64_t i = 0; i < n; i++)
	{
		double		s = 0;

		for (int j = 0; j < d; j++)
		{
			double		p = proj[(size_t) i * d + j];

			s += p * p * robust_weight(eig, j);
		}
		dist[i] = s;
	}
}

/* Mean and eigen-decomposed covariance of the rows of z listed in keep. */
static AeStatus
fit_subset(int d, const double *z, const RankedRow *keep, int64_t h,
		   double *buf, double *loc, double *eig, double *vec, AeError *err)
{
	double		cnt = 0;
	double	   *m2 = ae_alloc_array((size_t) d * d, sizeof(double));
	double	   *work = ae_alloc_array(ae_moments_work_size(d, 256), sizeof(double));
	AeStatus	st = AE_OK;

	if (!m2 || !work)
	{
		st = ae_fail(err, AE_ENOMEM, "out of memory for a robust %d x %d covariance", d, d);
		goto done;
	}
	memset(loc, 0, sizeof(double) * d);
	for (int64_t i = 0; i < h; i += 256)
	{
		int			nb = (int) (h - i < 256 ? h - i : 256);

		for (int r = 0; r < nb; r++)
			memcpy(buf + (size_t) r * d, z + (size_t) keep[i + r].row * d, sizeof(double) * d);
		ae_moments_add_batch(d, &cnt, loc, m2, buf, nb, work);
	}
	for (int i = 0; i < d; i++)
		for (int j = i; j < d; j++)
		{
			double		c = m2[(size_t) i * d + j] / (cnt - 1);

			m2[(size_t) i * d + j] = c;
			m2[(size_t) j * d + i] = c;
		}
	st = ae_eigen_symmetric(d, m2, eig, vec, err);
	for (int i = 0; st == AE_OK && i < d; i++)
		if (eig[i] < 0)
			eig[i] = 0;
done:
	ae_free(m2);
	ae_free(work);
	return st;
}

/* MCD location and scatter of n rows (original space) for PCA model m. */
AeStatus
ae_pca_robust_fit(AeModel *m, const double *rows, int64_t n, AeError *err)
{
	int			d = m->n_features;
	int64_t		h = (int64_t) ceil(AE_ROBUST_KEEP * (double) n);
	double	   *z = NULL,
			   *centred = NULL,
			   *proj = NULL,
			   *dist = NULL,
			   *loc = NULL,
			   *eig = NULL,
			   *vec = NULL;
	RankedRow  *rank = NULL;
	int64_t    *prev = NULL;
	AeStatus	st = AE_OK;
	int			steps = 0;

	if (m->kind != AE_KIND_PCA || m->n_vectors != d || n < 2)
		return ae_fail(err, AE_EINVAL, "a robust fit needs a PCA model with every eigenvector and 2 rows");
	if (h < 2)
		h = 2;
	z = ae_alloc_array((size_t) n * d, sizeof(double));
	centred = ae_alloc_array((size_t) n * d, sizeof(double));
	proj = ae_alloc_array((size_t) n * d, sizeof(double));
	dist = ae_alloc_array(n, sizeof(double));
	loc = ae_alloc_array(d, sizeof(double));
	eig = ae_alloc_array(d, sizeof(double));
	vec = ae_alloc_array((size_t) d * d, sizeof(double));
	rank = ae_alloc_array(n, sizeof(RankedRow));
	prev = ae_alloc_array(h, sizeof(int64_t));
	if (!z || !centred || !proj || !dist || !loc || !eig || !vec || !rank || !prev)
	{
		st = ae_fail(err, AE_ENOMEM, "out of memory for a robust fit of %lld rows", (long long) n);
		goto done;
	}
	for (int64_t i = 0; i < n; i++)
		ae_model_scale_in(m, rows + (size_t) i * d, z + (size_t) i * d);

	/* start from the classical estimate: the model's own components */
	memcpy(eig, m->eigenvalues, sizeof(double) * d);
	memcpy(vec, m->vectors, sizeof(double) * d * d);
	distances(d, n, z, loc, eig, vec, centred, proj, dist);
	for (int64_t i = 0; i < h; i++)
		prev[i] = -1;
	for (steps = 0; steps < AE_ROBUST_STEPS; steps++)
	{
		bool		same = true;

		for (int64_t i = 0; i < n; i++)
		{
			rank[i].dist = dist[i];
			rank[i].row = i;
		}
		qsort(rank, (size_t) n, sizeof(RankedRow), cmp_ranked);
		/* the kept set in row order, compared with the last one */
		qsort(rank, (size_t) h, sizeof(RankedRow), cmp_row);
		for (int64_t i = 0; i < h; i++)
			same = same && prev[i] == rank[i].row;
		if (same)
			break;
		for (int64_t i = 0; i < h; i++)
			prev[i] = rank[i].row;
		st = fit_subset(d, z, rank, h, centred, loc, eig, vec, err);
		if (st != AE_OK)
			goto done;
		distances(d, n, z, loc, eig, vec, centred, proj, dist);
		ae_check_interrupts();
	}

	ae_free(m->robust_location);
	ae_free(m->robust_eigenvalues);
	ae_free(m->robust_vectors);
	m->has_robust = true;
	m->robust_rows = n;
	m->robust_kept = h;
	m->robust_location = loc;
	m->robust_eigenvalues = eig;
	m->robust_vectors = vec;
	loc = eig = vec = NULL;

done:
	ae_free(z);
	ae_free(centred);
	ae_free(proj);
	ae_free(dist);
	ae_free(loc);
	ae_free(eig);
	ae_free(vec);
	ae_free(rank);
	ae_free(prev);
	return st;
}

/* Squared Mahalanobis distance of x under the model's robust estimate. */
double
ae_score_robust(AeModel *m, const double *x)
{
	int			d = m->n_features;
	double		sum = 0;

	ae_model_scale_in(m, x, m->work_d);
	for (int j = 0; j < d; j++)
		m->work_d[j] -= m->robust_location[j];
	cblas_dgemv(CblasRowMajor, CblasNoTrans, d, d, 1.0, m->robust_vectors, d,
				m->work_d, 1, 0.0, m->work_k, 1);
	for (int j = 0; j < d; j++)
		sum += m->work_k[j] * m->work_k[j] * robust_weight(m->robust_eigenvalues, j);
	return sum;
}
