/*-------------------------------------------------------------------------
 *
 * ae_detect.c
 *	  Score methods, per-feature errors and training-score quantiles.
 *
 * PCA offers three scores of a scaled row z with projections p = V z on
 * the unit eigenvectors (eigenvalues lambda_j):
 *	 reconstruction  |z - V_k^T V_k z|^2 / d, the Q statistic (squared
 *					 prediction error) per feature, the distance to the
 *					 kept subspace;
 *	 mahalanobis	 sum_{j<k} p_j^2 / lambda_j, Hotelling's T^2 within it;
 *	 full			 sum over every component of p_j^2 / lambda_j, the
 *					 Mahalanobis distance in the whole space.  This is the
 *					 weighting behind PyOD's PCA detector (Shyu et al.,
 *					 "A novel anomaly detection scheme based on principal
 *					 component classifier", 2003): minor components, where
 *					 normal rows barely vary, weigh the most.
 * Directions with no variance (eigenvalue below 1e-12 of the largest, as
 * for whitening) carry no weight in the last two: a finite score needs a
 * finite weight, and the reconstruction score sees those directions.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_detect.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Scoring methods for every kind. */
static bool
applies_any(const AeModel *m)
{
	return true;
}

/* Methods that need a PCA model. */
static bool
applies_pca(const AeModel *m)
{
	return m->kind == AE_KIND_PCA;
}

/* Methods that need every eigenvector. */
static bool
applies_pca_full(const AeModel *m)
{
	return m->kind == AE_KIND_PCA && m->n_vectors == m->n_features;
}

/* Methods that need the robust estimate (PCA models from 0.2.0 on). */
static bool
applies_robust(const AeModel *m)
{
	return m->kind == AE_KIND_PCA && m->has_robust;
}

/* Variational autoencoders. */
static bool
applies_variational(const AeModel *m)
{
	return ae_model_is_variational(m);
}

static const AeScoreMethod score_methods[] = {
	{"reconstruction", applies_any, ae_score_reconstruction,
	"mean squared reconstruction error per feature in the scaled space"},
	{"mahalanobis", applies_pca, ae_score_mahalanobis,
	"Hotelling's T-squared over the kept components"},
	{"full", applies_pca_full, ae_score_full,
	"every component's squared projection divided by its eigenvalue (needs every eigenvector)"},
	{"robust", applies_robust, ae_score_robust,
	"the Mahalanobis distance under a robust (minimum covariance determinant) estimate of the training rows' location and scatter"},
	{"elbo", applies_variational, ae_model_neg_elbo,
	"the negative evidence lower bound, from a fixed set of samples (variational autoencoders)"},
};

#define N_METHODS ((int) (sizeof(score_methods) / sizeof(score_methods[0])))

/* The method called name, or NULL. */
const AeScoreMethod *
ae_score_method_find(const char *name)
{
	for (int i = 0; i < N_METHODS; i++)
		if (strcmp(score_methods[i].name, name) == 0)
			return &score_methods[i];
	return NULL;
}

/* Methods in table order; NULL past the end. */
const AeScoreMethod *
ae_score_method_at(int i)
{
	return i >= 0 && i < N_METHODS ? &score_methods[i] : NULL;
}

/* Quoted, comma-separated names of the methods that apply to m. */
void
ae_score_method_list(const AeModel *m, char *buf, size_t len)
{
	size_t		used = 0;

	buf[0] = '\0';
	for (int i = 0; i < N_METHODS && used < len; i++)
	{
		int			w;

		if (!score_methods[i].applies(m))
			continue;
		w = snprintf(buf + used, len - used, "%s\"%s\"", used ? ", " : "",
					 score_methods[i].name);
		if (w < 0)
			break;
		used += (size_t) w;
	}
}

/* Mean squared reconstruction error in the scaled space. */
double
ae_score_reconstruction(AeModel *m, const double *x)
{
	return ae_model_score(m, x);
}

/* Weight 1/lambda of component j, 0 for a direction without variance. */
static double
inverse_eigenvalue(const AeModel *m, int j)
{
	double		l = m->eigenvalues[j];

	if (!(l > 1e-12 * m->eigenvalues[0]) || !(l > 0))
		return 0.0;
	return 1.0 / l;
}

/* sum_{j<n} p_j^2 / lambda_j for the first n components. */
static double
weighted_projection(AeModel *m, const double *x, int n)
{
	double		sum = 0;

	ae_model_scale_in(m, x, m->work_d);
	cblas_dgemv(CblasRowMajor, CblasNoTrans, n, m->n_features,
				1.0, m->vectors, m->n_features, m->work_d, 1, 0.0, m->work_k, 1);
	for (int j = 0; j < n; j++)
		sum += m->work_k[j] * m->work_k[j] * inverse_eigenvalue(m, j);
	return sum;
}

/* Hotelling's T^2 over the kept components. */
double
ae_score_mahalanobis(AeModel *m, const double *x)
{
	return weighted_projection(m, x, m->n_components);
}

/* Mahalanobis distance (squared) over every component. */
double
ae_score_full(AeModel *m, const double *x)
{
	return weighted_projection(m, x, m->n_vectors);
}

/* Each feature's squared reconstruction error in the scaled space. */
void
ae_model_feature_errors(AeModel *m, const double *x, double *out)
{
	ae_model_scale_in(m, x, m->work_d);
	ae_model_reconstruct_scaled(m, m->work_d, m->work_d2);
	for (int i = 0; i < m->n_features; i++)
	{
		double		r = m->work_d[i] - m->work_d2[i];

		out[i] = r * r;
	}
}

/* ---------- training-score quantiles ---------- */

/* The stored quantiles of a method's training scores, or NULL. */
const AeScoreQuantiles *
ae_model_quantiles(const AeModel *m, const char *method)
{
	for (int i = 0; i < m->n_score_sets; i++)
		if (strcmp(m->score_sets[i].method, method) == 0)
			return &m->score_sets[i];
	return NULL;
}

/*
 * Share of training scores below s, interpolated linearly between the
 * stored quantiles: 0 at or below the smallest (so a score equal to every
 * training score is at 0), 1 above the largest.
 */
double
ae_quantiles_percentile(const AeScoreQuantiles *qs, double s)
{
	const double *q = qs->q;
	int			lo = 0,
				hi = qs->n;

	/* first i with q[i] >= s */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (q[mid] < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0.0;
	if (lo == qs->n)
		return 1.0;
	return (lo - 1 + (s - q[lo - 1]) / (q[lo] - q[lo - 1])) / (qs->n - 1);
}

/* The quantile of share p, interpolated between the stored ones. */
double
ae_quantiles_value(const AeScoreQuantiles *qs, double p)
{
	double		pos = p * (qs->n - 1);
	int			i = (int) pos;

	if (i < 0)
		return qs->q[0];
	if (i >= qs->n - 1)
		return qs->q[qs->n - 1];
	return qs->q[i] + (pos - i) * (qs->q[i + 1] - qs->q[i]);
}

/* The method a model scores with when none is named. */
const AeScoreMethod *
ae_model_default_method(const AeModel *m)
{
	const AeScoreMethod *method = NULL;

	if (m->has_detect)
		method = ae_score_method_find(m->default_method);
	return method ? method : ae_score_method_find("reconstruction");
}

/* Records the default method and contamination (no quantiles yet). */
void
ae_model_set_detection(AeModel *m, const char *default_method,
					   double contamination)
{
	m->has_detect = true;
	m->contamination = contamination;
	snprintf(m->default_method, AE_METHOD_NAME_LEN, "%s",
			 default_method ? default_method : "reconstruction");
}

/* qsort order of doubles. */
static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/* Quantiles at i / (nq - 1) of n sorted scores (linear interpolation). */
static void
quantiles_of_sorted(const double *sorted, int64_t n, double *q, int nq)
{
	for (int i = 0; i < nq; i++)
	{
		double		pos = (double) i / (nq - 1) * (double) (n - 1);
		int64_t		j = (int64_t) pos;

		q[i] = j + 1 < n ? sorted[j] + (pos - j) * (sorted[j + 1] - sorted[j]) : sorted[n - 1];
	}
}

/*
 * Score every row by every applicable method, in table order (a method
 * that combines others finds their quantiles already stored), and keep
 * each method's quantiles.
 */
static AeStatus
calibrate(AeModel *m, const float *frows, const double *drows, int64_t n,
		  const char *default_method, double contamination, AeError *err)
{
	int			d = m->n_features;
	double	   *x = ae_alloc_array(d, sizeof(double));
	double	   *scores = ae_alloc_array(n > 0 ? n : 1, sizeof(double));
	int			nq = n < AE_MAX_QUANTILES ? (int) n : AE_MAX_QUANTILES;
	const AeScoreMethod *def;
	AeStatus	st = AE_OK;

	if (n < 2)
		st = ae_fail(err, AE_EINVAL, "at least 2 rows are needed for score quantiles, not %lld",
					 (long long) n);
	else if (!x || !scores)
		st = ae_fail(err, AE_ENOMEM, "out of memory scoring %lld training rows", (long long) n);
	else if (!(contamination > 0 && contamination <= 0.5))
		st = ae_fail(err, AE_EINVAL, "contamination must be in (0, 0.5], not %g", contamination);
	if (st != AE_OK)
		goto done;

	for (int i = 0; i < m->n_score_sets; i++)
		ae_free(m->score_sets[i].q);
	ae_free(m->score_sets);
	m->n_score_sets = 0;
	m->score_sets = ae_alloc_array(AE_MAX_SCORE_SETS, sizeof(AeScoreQuantiles));
	if (!m->score_sets)
	{
		st = ae_fail(err, AE_ENOMEM, "out of memory for score quantiles");
		goto done;
	}
	ae_model_set_detection(m, default_method, contamination);
	m->calib_rows = n;

	for (int k = 0; k < N_METHODS && m->n_score_sets < AE_MAX_SCORE_SETS; k++)
	{
		const AeScoreMethod *method = &score_methods[k];
		AeScoreQuantiles *qs;

		if (!method->applies(m))
			continue;
		for (int64_t r = 0; r < n; r++)
		{
			if (drows)
				memcpy(x, drows + (size_t) r * d, sizeof(double) * d);
			else
				for (int j = 0; j < d; j++)
					x[j] = frows[(size_t) r * d + j];
			scores[r] = method->score(m, x);
			if (!isfinite(scores[r]))
			{
				st = ae_fail(err, AE_ENUMERIC, "training row %lld has a non-finite %s score",
							 (long long) r + 1, method->name);
				goto done;
			}
			if ((r & 1023) == 1023)
				ae_check_interrupts();
		}
		qsort(scores, (size_t) n, sizeof(double), cmp_double);
		qs = &m->score_sets[m->n_score_sets];
		qs->q = ae_alloc_array(nq, sizeof(double));
		if (!qs->q)
		{
			st = ae_fail(err, AE_ENOMEM, "out of memory for score quantiles");
			goto done;
		}
		snprintf(qs->method, AE_METHOD_NAME_LEN, "%s", method->name);
		qs->n = nq;
		quantiles_of_sorted(scores, n, qs->q, nq);
		m->n_score_sets++;
	}
	def = ae_score_method_find(m->default_method);
	if (!def || !def->applies(m))
		st = ae_fail(err, AE_EINVAL, "score method \"%s\" does not apply to this %s model",
					 m->default_method, ae_kind_name(m->kind));

done:
	ae_free(x);
	ae_free(scores);
	return st;
}

/* Calibrate from rows of floats (autoencoder_train keeps its rows so). */
AeStatus
ae_model_calibrate(AeModel *m, const float *rows, int64_t n,
				   const char *default_method, double contamination,
				   AeError *err)
{
	return calibrate(m, rows, NULL, n, default_method, contamination, err);
}

/* Calibrate from rows of doubles. */
AeStatus
ae_model_calibrate_doubles(AeModel *m, const double *rows, int64_t n,
						   const char *default_method, double contamination,
						   AeError *err)
{
	return calibrate(m, NULL, rows, n, default_method, contamination, err);
}

/* A read model's DTCT section names known methods that apply to it. */
AeStatus
ae_detect_validate(const AeModel *m, AeError *err)
{
	const AeScoreMethod *def;

	if (!m->has_detect)
		return AE_OK;
	def = ae_score_method_find(m->default_method);
	if (!def || !def->applies(m))
		return ae_fail(err, AE_ECORRUPT, "model default score method \"%s\" is not one for a %s model",
					   m->default_method, ae_kind_name(m->kind));
	for (int i = 0; i < m->n_score_sets; i++)
	{
		const AeScoreMethod *method = ae_score_method_find(m->score_sets[i].method);

		if (!method || !method->applies(m))
			return ae_fail(err, AE_ECORRUPT, "model has score quantiles of \"%s\", not a method for a %s model",
						   m->score_sets[i].method, ae_kind_name(m->kind));
	}
	return AE_OK;
}
