/*-------------------------------------------------------------------------
 *
 * ae_pca.c
 *	  PCA from mergeable moments: scaling, covariance, LAPACK dsyevr,
 *	  component selection.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_pca.h"
#include "ae_stats.h"

#include <math.h>
#include <string.h>

/* LAPACK (Fortran interface, shipped inside libopenblas) */
extern void dsyevr_(const char *jobz, const char *range, const char *uplo,
					const int *n, double *a, const int *lda,
					const double *vl, const double *vu,
					const int *il, const int *iu, const double *abstol,
					int *m, double *w, double *z, const int *ldz,
					int *isuppz, double *work, const int *lwork,
					int *iwork, const int *liwork, int *info);

/* Defaults: 90% of the variance, standardised inputs, no whitening. */
void
ae_pca_options_defaults(AePcaOptions *opts)
{
	opts->components = 0;
	opts->variance = 0;
	opts->scale = AE_SCALE_STANDARD;
	opts->whiten = false;
}

/* Eigen-decomposition of a symmetric matrix, descending order. */
AeStatus
ae_eigen_symmetric(int d, double *a, double *eigvals, double *vecs,
				   AeError *err)
{
	int			m = 0;
	int			info = 0;
	int			lwork = -1;
	int			liwork = -1;
	int			iwork_query = 0;
	double		work_query = 0;
	double		vl = 0,
				vu = 0,
				abstol = 0;
	int			il = 0,
				iu = 0;
	double	   *w = NULL;
	double	   *z = NULL;
	int		   *isuppz = NULL;
	double	   *work = NULL;
	int		   *iwork = NULL;
	AeStatus	status = AE_OK;

	/*
	 * Row-major symmetric == column-major symmetric, so "U" of LAPACK reads
	 * our lower triangle; the caller passes a full symmetric matrix anyway.
	 */
	dsyevr_("V", "A", "U", &d, a, &d, &vl, &vu, &il, &iu, &abstol, &m,
			eigvals, vecs, &d, NULL, &work_query, &lwork, &iwork_query,
			&liwork, &info);
	if (info != 0)
		return ae_fail(err, AE_ENUMERIC, "eigen solver workspace query failed (info %d)", info);
	lwork = (int) work_query;
	liwork = iwork_query;

	w = ae_alloc_array(d, sizeof(double));
	z = ae_alloc_array((size_t) d * d, sizeof(double));
	isuppz = ae_alloc_array((size_t) 2 * d, sizeof(int));
	work = ae_alloc_array(lwork, sizeof(double));
	iwork = ae_alloc_array(liwork, sizeof(int));
	if (!w || !z || !isuppz || !work || !iwork)
	{
		status = ae_fail(err, AE_ENOMEM, "out of memory in eigen solver for %d features", d);
		goto done;
	}

	dsyevr_("V", "A", "U", &d, a, &d, &vl, &vu, &il, &iu, &abstol, &m,
			w, z, &d, isuppz, work, &lwork, iwork, &liwork, &info);
	if (info != 0 || m != d)
	{
		status = ae_fail(err, AE_ENUMERIC,
						 "eigen solver failed (info %d, %d of %d eigenvalues)",
						 info, m, d);
		goto done;
	}

	/* ascending column-major z -> descending rows of vecs */
	for (int i = 0; i < d; i++)
	{
		const double *src = z + (size_t) (d - 1 - i) * d;
		double	   *dst = vecs + (size_t) i * d;
		int			imax = 0;

		eigvals[i] = w[d - 1 - i];
		for (int j = 0; j < d; j++)
			if (fabs(src[j]) > fabs(src[imax]))
				imax = j;
		for (int j = 0; j < d; j++)
			dst[j] = src[imax] < 0 ? -src[j] : src[j];
	}

done:
	ae_free(w);
	ae_free(z);
	ae_free(isuppz);
	ae_free(work);
	ae_free(iwork);
	return status;
}

/* Fewest components whose cumulative share reaches opts->variance. */
int
ae_pca_choose_components(int d, const double *eigvals,
						 const AePcaOptions *opts)
{
	double		total = 0;
	double		cum = 0;
	double		target;

	if (opts->components > 0)
		return opts->components < d ? opts->components : d;

	target = opts->variance > 0 ? opts->variance : AE_PCA_DEFAULT_VARIANCE;
	for (int i = 0; i < d; i++)
		total += eigvals[i];
	if (!(total > 0))
		return 1;
	for (int i = 0; i < d; i++)
	{
		cum += eigvals[i];
		/* relative slack so that variance = 1.0 is reachable despite rounding */
		if (cum >= target * total * (1 - 1e-12))
			return i + 1;
	}
	return d;
}

/* PCA model from moments. */
AeModel *
ae_pca_fit(int d, double n, const double *mean, const double *m2,
		   const AePcaOptions *opts, AeError *err)
{
	AeModel    *model = NULL;
	double	   *cov = NULL;
	double	   *eig = NULL;
	double	   *vecs = NULL;
	int			k;
	int			nvec;

	if (d < 1 || d > AE_MAX_PCA_FEATURES)
	{
		ae_fail(err, AE_ELIMIT, "pca supports 1 to %d features, not %d",
				AE_MAX_PCA_FEATURES, d);
		return NULL;
	}
	if (n < 2)
	{
		ae_fail(err, AE_EINVAL, "at least 2 rows are needed to train a model, not %.0f", n);
		return NULL;
	}
	if (opts->components > d)
	{
		ae_fail(err, AE_EINVAL, "components must be at most the number of features (%d), not %d",
				d, opts->components);
		return NULL;
	}

	cov = ae_alloc_array((size_t) d * d, sizeof(double));
	eig = ae_alloc_array(d, sizeof(double));
	vecs = ae_alloc_array((size_t) d * d, sizeof(double));
	model = ae_model_new(AE_KIND_PCA, d, 1, err);
	if (!cov || !eig || !vecs || !model)
	{
		if (model)
			ae_fail(err, AE_ENOMEM, "out of memory for a %d x %d covariance", d, d);
		goto fail;
	}

	model->scale_mode = opts->scale;
	model->whiten = opts->whiten;
	model->n_rows = (int64_t) n;

	/* covariance (n-1 divisor) in the scaled space, full symmetric */
	ae_scaling_from_moments(d, n, mean, m2, opts->scale, model->mean, model->scale);
	for (int i = 0; i < d; i++)
	{
		for (int j = i; j < d; j++)
		{
			double		c = m2[(size_t) i * d + j];

			/* uncentred second moment when the data are not centred */
			if (opts->scale == AE_SCALE_NONE)
				c += n * mean[i] * mean[j];
			c /= (n - 1) * model->scale[i] * model->scale[j];
			cov[(size_t) i * d + j] = c;
			cov[(size_t) j * d + i] = c;
		}
	}

	for (size_t i = 0; i < (size_t) d * d; i++)
		if (!isfinite(cov[i]))
		{
			ae_fail(err, AE_ENUMERIC,
					"the covariance of %d features overflowed or is not finite", d);
			goto fail;
		}
	if (ae_eigen_symmetric(d, cov, eig, vecs, err) != AE_OK)
		goto fail;
	for (int i = 0; i < d; i++)
		if (eig[i] < 0)
			eig[i] = 0;			/* rounding below zero on a singular matrix */

	k = ae_pca_choose_components(d, eig, opts);
	nvec = d <= AE_MAX_FULL_EIGVEC ? d : k;

	model->n_components = k;
	model->n_eigenvalues = d;
	model->eigenvalues = eig;
	eig = NULL;
	model->n_vectors = nvec;
	if (nvec < d)
	{
		double	   *kept = ae_alloc_array((size_t) nvec * d, sizeof(double));

		if (!kept)
		{
			ae_fail(err, AE_ENOMEM, "out of memory for %d components", nvec);
			goto fail;
		}
		memcpy(kept, vecs, sizeof(double) * (size_t) nvec * d);
		ae_free(vecs);
		vecs = kept;
	}
	model->vectors = vecs;
	vecs = NULL;

	if (ae_model_finish(model, err) != AE_OK)
		goto fail;
	ae_free(cov);
	return model;

fail:
	ae_free(cov);
	ae_free(eig);
	ae_free(vecs);
	ae_model_free(model);
	return NULL;
}
