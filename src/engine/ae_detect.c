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
#include <stdio.h>
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

static const AeScoreMethod score_methods[] = {
	{"reconstruction", applies_any, ae_score_reconstruction,
	"mean squared reconstruction error per feature in the scaled space"},
	{"mahalanobis", applies_pca, ae_score_mahalanobis,
	"Hotelling's T-squared over the kept components"},
	{"full", applies_pca_full, ae_score_full,
	"every component's squared projection divided by its eigenvalue (needs every eigenvector)"},
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
